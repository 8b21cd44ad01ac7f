// Identifier checks shared by every service: ids are UUIDs in canonical text
// form. A malformed id in a path is simply "not found" (no 500 from a failed
// cast in Postgres, no hint about the id format).
#pragma once

#include <optional>
#include <string>
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

// Lower-case canonical UUID text, or nullopt when `s` is not a UUID.
inline std::optional<std::string> normalize_uuid(std::string_view s) {
  if (!is_uuid(s)) return std::nullopt;
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// For {id} path segments: the canonical id; 404 when malformed.
inline std::string path_uuid(std::string_view s, std::string_view what = "resource") {
  auto id = normalize_uuid(s);
  if (!id) throw DomainError::not_found(std::string(what) + " not found");
  return std::move(*id);
}

}  // namespace uitgo
