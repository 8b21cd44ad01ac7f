#include "driver/search/handlers.hpp"

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>

#include <array>

#include "core/base/time.hpp"
#include "driver/app.hpp"

namespace uitgo::driver::search {
namespace {

// The answer's JSON tree is built in one arena on this (non-coroutine) stack
// frame and dropped at once: one malloc and free per node would otherwise be
// a large share of a search's CPU. A page of kMaxLimit drivers outgrows the
// buffer; the arena then takes blocks from the heap.
http::Response answer(const std::vector<Nearby>& found) {
  std::array<unsigned char, 8192> buffer;
  boost::json::monotonic_resource arena(buffer.data(), buffer.size());
  const boost::json::storage_ptr sp(&arena);
  boost::json::array items(sp);
  items.reserve(found.size());
  for (const auto& n : found) items.emplace_back(n.to_json(sp));
  const boost::json::object body({{"items", std::move(items)}}, sp);
  return http::Response::json(200, body);
}

}  // namespace

awaitable<http::Response> nearest(DriverApp& app, http::Request& request) {
  const auto query = parse_search_query(request.query_param("lat"), request.query_param("lng"),
                                        request.query_param("radius"), request.query_param("limit"));
  const auto found = co_await app.search->nearest(query, now_ms());
  co_return answer(found);
}

}  // namespace uitgo::driver::search
