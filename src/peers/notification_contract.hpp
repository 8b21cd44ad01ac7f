// The trip-event notification contract between trip-service and user-service:
// one type per shape, written and read on both sides.
//
//   POST /internal/notifications/trip-events  TripNotice → 200 NoticeResult
//        (idempotent by eventId: a redelivery answers 200, applied=false, and
//        inserts nothing)
//   POST /internal/notifications/trip-events/batch  {notices: [TripNotice]}
//        (1 to kMaxNoticeBatch) → 200 {results: [NoticeResult]}, in order;
//        each notice as above
//
// trip-service writes one TripNotice per recipient into its outbox in the
// transaction that changes the trip; user-service words it (notifications/
// payloads.hpp), stores it in the recipient's inbox and queues the pushes.
#pragma once

#include <boost/json/object.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/json_body.hpp"

namespace uitgo::peers {

// offered (to the driver), accepted, arriving, completed, cancelled and
// no_driver (the matcher found nobody) — to the rider, and cancelled to the
// driver of a trip its rider cancelled.
inline constexpr std::array<std::string_view, 6> kTripNoticeKinds = {"offered",   "accepted",  "arriving",
                                                                     "completed", "cancelled", "no_driver"};

struct TripNotice {
  std::string event_id;   // trip_notice_id(): unique per trip, kind and recipient
  std::string user_id;    // the recipient
  std::string recipient;  // rider | driver: which app shows it
  std::string kind;       // one of kTripNoticeKinds
  std::string trip_id;
  std::string status;  // the trip's status after the change
  std::string origin_text;
  std::string dest_text;
  std::optional<std::string> cancel_reason;

  boost::json::object to_json() const;
  // The request body (user-service): a DomainError naming the field when malformed.
  static TripNotice from_json(std::string_view body);
  static TripNotice from_fields(const json::Fields& fields);
};

inline constexpr std::size_t kMaxNoticeBatch = 100;
// Serialized notices per batch body at most: well under the receiving
// server's HTTP_MAX_BODY_BYTES (64 KiB by default), since a notice's texts
// alone may take a few KiB.
inline constexpr std::size_t kMaxNoticeBatchBytes = std::size_t{32} * 1024;

// `notices` in order, cut into batches of at most `max_count` notices and
// `max_bytes` of serialized notices each (a notice larger than that alone
// still gets a batch of its own).
std::vector<std::vector<TripNotice>> notice_batches(std::vector<TripNotice> notices,
                                                    std::size_t max_count = kMaxNoticeBatch,
                                                    std::size_t max_bytes = kMaxNoticeBatchBytes);

// "trip.<kind>:<tripId>:<userId>": a trip reaches each kind once per recipient
// (an offer goes to a driver at most once per trip), so the id names the event.
std::string trip_notice_id(std::string_view kind, std::string_view trip_id, std::string_view user_id);

struct NoticeResult {
  std::string event_id;
  bool applied = false;  // false: delivered before (a repeat)

  boost::json::object to_json() const;
  // Throws UnavailableError when `body` is not this shape.
  static NoticeResult from_json(std::string_view body);
  static NoticeResult from_object(const boost::json::object& object);
};

}  // namespace uitgo::peers
