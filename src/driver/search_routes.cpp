// GET /v1/drivers/search?lat&lng&radius&limit (rider, admin).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "driver/route_helpers.hpp"
#include "driver/routes.hpp"
#include "driver/timestamps.hpp"

namespace uitgo::driver {
namespace {

awaitable<http::Response> search(DriverApp& app, http::Request& request) {
  const auto query = parse_search_query(request.query_param("lat"), request.query_param("lng"),
                                        request.query_param("radius"), request.query_param("limit"));
  const auto found = co_await app.search->nearest(query, now_ms());
  boost::json::array items;
  items.reserve(found.size());
  for (const auto& n : found) items.emplace_back(n.to_json());
  co_return http::Response::json(200, boost::json::object{{"items", std::move(items)}});
}

}  // namespace

void add_search_routes(http::Router& router, std::shared_ptr<DriverApp> app) {
  router.add("GET", "/v1/drivers/search", route(app, search), http::Access::roles_of({"rider", "admin"}));
}

}  // namespace uitgo::driver
