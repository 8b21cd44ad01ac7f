// Small helpers for writing JSON values: optional fields become null.
#pragma once

#include <boost/json/value.hpp>

#include <optional>

namespace uitgo::json {

template <typename T>
boost::json::value nullable(const std::optional<T>& v) {
  if (!v) return nullptr;
  return boost::json::value(*v);
}

}  // namespace uitgo::json
