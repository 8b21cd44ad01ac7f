// An account as other services see it through user-service's
// GET /internal/users/{id}: one type for both sides.
//
//   {id, role: rider | driver | admin, disabled}
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace uitgo::peers {

struct UserView {
  std::string id;
  std::string role;
  bool disabled = false;

  boost::json::object to_json() const;
  // Throws UnavailableError when `body` is not this shape (a peer answering garbage).
  static UserView from_json(std::string_view body);
};

}  // namespace uitgo::peers
