#include "peers/user_view.hpp"

#include <boost/json/parse.hpp>

#include "core/base/errors.hpp"

namespace uitgo::peers {

boost::json::object UserView::to_json() const { return {{"id", id}, {"role", role}, {"disabled", disabled}}; }

UserView UserView::from_json(std::string_view body) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) throw UnavailableError("user-service answered with a malformed account");
  const auto& o = value.get_object();
  const auto* id = o.if_contains("id");
  const auto* role = o.if_contains("role");
  const auto* disabled = o.if_contains("disabled");
  if (id == nullptr || !id->is_string() || role == nullptr || !role->is_string() || disabled == nullptr ||
      !disabled->is_bool()) {
    throw UnavailableError("user-service answered an account without id, role or disabled");
  }
  return {std::string(id->get_string()), std::string(role->get_string()), disabled->get_bool()};
}

}  // namespace uitgo::peers
