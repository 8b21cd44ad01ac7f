#include "peers/notification_contract.hpp"

#include <boost/json/serialize.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>

#include "core/base/errors.hpp"
#include "core/base/json_body.hpp"

namespace uitgo::peers {

boost::json::object TripNotice::to_json() const {
  boost::json::object o{
      {"eventId", event_id}, {"userId", user_id}, {"recipient", recipient},    {"kind", kind},
      {"tripId", trip_id},   {"status", status},  {"originText", origin_text}, {"destText", dest_text}};
  if (cancel_reason) o["cancelReason"] = *cancel_reason;
  return o;
}

TripNotice TripNotice::from_json(std::string_view body) {
  const auto object = json::parse_object(body);
  return from_fields(json::Fields(object));
}

TripNotice TripNotice::from_fields(const json::Fields& f) {
  TripNotice n;
  n.event_id = f.required_string("eventId", {.min_length = 1, .max_length = 200});
  n.user_id = f.required_uuid("userId");
  n.recipient = f.required_string("recipient", {.min_length = 1, .max_length = 16});
  if (n.recipient != "rider" && n.recipient != "driver") {
    throw DomainError::invalid("recipient", "recipient must be rider or driver");
  }
  n.kind = f.required_string("kind", {.min_length = 1, .max_length = 32});
  if (std::find(kTripNoticeKinds.begin(), kTripNoticeKinds.end(), n.kind) == kTripNoticeKinds.end()) {
    throw DomainError::invalid("kind", "kind must be offered, accepted, arriving, completed, cancelled or no_driver");
  }
  n.trip_id = f.required_uuid("tripId");
  n.status = f.required_string("status", {.min_length = 1, .max_length = 32});
  n.origin_text = f.optional_string("originText", {.min_length = 0, .max_length = 500}).value_or("");
  n.dest_text = f.optional_string("destText", {.min_length = 0, .max_length = 500}).value_or("");
  n.cancel_reason = f.optional_string("cancelReason", {.min_length = 0, .max_length = 200});
  return n;
}

std::vector<std::vector<TripNotice>> notice_batches(std::vector<TripNotice> notices, std::size_t max_count,
                                                    std::size_t max_bytes) {
  std::vector<std::vector<TripNotice>> batches;
  std::size_t bytes = 0;
  for (auto& notice : notices) {
    const auto size = boost::json::serialize(notice.to_json()).size();
    const bool full = !batches.empty() && (batches.back().size() >= max_count || bytes + size > max_bytes);
    if (batches.empty() || full) {
      batches.emplace_back();
      bytes = 0;
    }
    batches.back().push_back(std::move(notice));
    bytes += size;
  }
  return batches;
}

std::string trip_notice_id(std::string_view kind, std::string_view trip_id, std::string_view user_id) {
  std::string id = "trip.";
  id.append(kind).append(":").append(trip_id).append(":").append(user_id);
  return id;
}

boost::json::object NoticeResult::to_json() const { return {{"eventId", event_id}, {"applied", applied}}; }

NoticeResult NoticeResult::from_json(std::string_view body) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) throw UnavailableError("user-service answered a malformed notification result");
  return from_object(value.as_object());
}

NoticeResult NoticeResult::from_object(const boost::json::object& o) {
  const auto* id = o.if_contains("eventId");
  const auto* applied = o.if_contains("applied");
  if (id == nullptr || !id->is_string() || applied == nullptr || !applied->is_bool()) {
    throw UnavailableError("user-service answered a notification result without eventId or applied");
  }
  return {.event_id = std::string(id->get_string()), .applied = applied->get_bool()};
}

}  // namespace uitgo::peers
