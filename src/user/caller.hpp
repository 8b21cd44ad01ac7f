// The signed-in caller's user id as stored (a lower-case UUID). A token whose
// subject is not a user id owns nothing here: 403.
#pragma once

#include <string>

#include "core/base/errors.hpp"
#include "core/base/ids.hpp"
#include "core/base/principal.hpp"

namespace uitgo::user {

inline std::string owner_id(const Principal& caller) {
  auto id = normalize_uuid(caller.user_id);
  if (!id) throw DomainError::forbidden("the access token's subject is not a user id");
  return std::move(*id);
}

}  // namespace uitgo::user
