#include "user/notifications/handlers.hpp"

#include <boost/json/array.hpp>

#include "core/base/log.hpp"
#include "user/app.hpp"
#include "user/caller.hpp"

namespace uitgo::user::notifications {

using http::Request;
using http::Response;

awaitable<Response> list_notifications(UserApp& app, Request& request) {
  const auto owner = owner_id(request.caller());
  const auto query =
      parse_list_query(request.query_param("unreadOnly"), request.query_param("limit"), request.query_param("offset"));
  const auto found = co_await app.notifications.list(owner, query);
  boost::json::array items;
  items.reserve(found.items.size());
  for (const auto& n : found.items) items.emplace_back(to_json(n));
  co_return Response::json(
      200, boost::json::object{
               {"items", std::move(items)}, {"total", found.total}, {"limit", query.limit}, {"offset", query.offset}});
}

awaitable<Response> mark_read(UserApp& app, Request& request) {
  const auto owner = owner_id(request.caller());
  const auto id = normalize_uuid(request.path_param("id"));
  if (!id) throw DomainError::not_found("notification not found");
  co_await app.notifications.mark_read(owner, *id);
  co_return Response::no_content();
}

awaitable<Response> register_device(UserApp& app, Request& request) {
  const auto owner = owner_id(request.caller());
  const auto device = parse_device_registration(request.body);
  co_await app.notifications.register_device(owner, device);
  co_return Response::no_content();
}

awaitable<Response> internal_trip_event(UserApp& app, Request& request) {
  const auto notice = peers::TripNotice::from_json(request.body);
  const auto result = co_await app.notifications.record_trip_event(notice);
  if (result.applied) {
    log::info("trip notification stored", {{"eventId", notice.event_id},
                                           {"userId", notice.user_id},
                                           {"kind", notice.kind},
                                           {"requestId", request.request_id}});
  }
  co_return Response::json(200, result.to_json());
}

awaitable<Response> internal_trip_events(UserApp& app, Request& request) {
  const auto object = json::parse_object(request.body);
  const json::Fields fields(object);
  std::vector<peers::TripNotice> notices;
  for (const auto& item : fields.required_objects("notices", 1, peers::kMaxNoticeBatch)) {
    notices.push_back(peers::TripNotice::from_fields(item));
  }
  const auto stored = co_await app.notifications.record_trip_events(notices);
  boost::json::array results;
  std::size_t applied = 0;
  for (const auto& result : stored) {
    if (result.applied) ++applied;
    results.push_back(result.to_json());
  }
  log::info("trip notifications stored",
            {{"notices", notices.size()}, {"applied", applied}, {"requestId", request.request_id}});
  co_return Response::json(200, boost::json::object{{"results", std::move(results)}});
}

}  // namespace uitgo::user::notifications
