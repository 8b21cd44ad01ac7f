#include "user/places/handlers.hpp"

#include <boost/json/array.hpp>

#include "user/app.hpp"
#include "user/caller.hpp"

namespace uitgo::user::places {

using http::Request;
using http::Response;

awaitable<Response> list_places(UserApp& app, Request& request) {
  const auto owner = owner_id(request.caller());
  const auto all = co_await app.places.list(owner);
  boost::json::array items;
  items.reserve(all.size());
  for (const auto& p : all) items.emplace_back(to_json(p));
  co_return Response::json(200, items);
}

awaitable<Response> create_place(UserApp& app, Request& request) {
  const auto owner = owner_id(request.caller());
  const auto draft = parse_place_draft(request.body);
  const auto created = co_await app.places.create(owner, draft);
  co_return Response::json(201, to_json(created));
}

awaitable<Response> delete_place(UserApp& app, Request& request) {
  const auto owner = owner_id(request.caller());
  const auto id = normalize_uuid(request.path_param("id"));
  if (!id) throw DomainError::not_found("saved place not found");
  co_await app.places.remove(owner, *id);
  co_return Response::no_content();
}

}  // namespace uitgo::user::places
