// Identifier checks shared by every service: ids are UUIDs in canonical text
// form. A malformed id in a path is simply "not found" (no 500 from a failed
// cast in Postgres, no hint about the id format).
#pragma once

#include <string_view>

#include "core/base/errors.hpp"

namespace uitgo {

inline bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

// For {id} path segments: 404 when malformed.
inline std::string_view path_uuid(std::string_view s, std::string_view what = "resource") {
  if (!is_uuid(s)) throw HttpError::not_found(std::string(what) + " not found");
  return s;
}

}  // namespace uitgo
