#include "driver/search/handlers.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/base/time.hpp"
#include "driver/app.hpp"

namespace uitgo::driver::search {

awaitable<http::Response> nearest(DriverApp& app, http::Request& request) {
  const auto query = parse_search_query(request.query_param("lat"), request.query_param("lng"),
                                        request.query_param("radius"), request.query_param("limit"));
  const auto found = co_await app.search->nearest(query, now_ms());
  boost::json::array items;
  items.reserve(found.size());
  for (const auto& n : found) items.emplace_back(n.to_json());
  co_return http::Response::json(200, boost::json::object{{"items", std::move(items)}});
}

}  // namespace uitgo::driver::search
