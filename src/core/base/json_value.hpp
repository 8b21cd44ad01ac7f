// Small helpers for writing JSON values: optional fields become null.
#pragma once

#include <boost/json/value.hpp>

#include <optional>

namespace uitgo::json {

// `sp`: where the value's memory comes from (default: the heap).
template <typename T>
boost::json::value nullable(const std::optional<T>& v, const boost::json::storage_ptr& sp = {}) {
  if (!v) return boost::json::value(nullptr, sp);
  return boost::json::value(*v, sp);
}

}  // namespace uitgo::json
