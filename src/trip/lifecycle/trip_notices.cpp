#include "trip/lifecycle/trip_notices.hpp"

namespace uitgo::trip {
namespace {

peers::TripNotice notice(const Trip& trip, std::string_view kind, const std::string& user_id) {
  return {.event_id = peers::trip_notice_id(kind, trip.id, user_id),
          .user_id = user_id,
          .recipient = user_id == trip.rider_id ? "rider" : "driver",
          .kind = std::string(kind),
          .trip_id = trip.id,
          .status = std::string(to_string(trip.status)),
          .origin_text = trip.origin_text,
          .dest_text = trip.dest_text,
          .cancel_reason = trip.cancel_reason};
}

}  // namespace

std::vector<peers::TripNotice> transition_notices(const Trip& after, Status from, std::string_view actor_role) {
  std::vector<peers::TripNotice> out;
  switch (after.status) {
    case Status::accepted:
      out.push_back(notice(after, "accepted", after.rider_id));
      break;
    case Status::arriving:
      out.push_back(notice(after, "arriving", after.rider_id));
      break;
    case Status::completed:
      out.push_back(notice(after, "completed", after.rider_id));
      break;
    case Status::cancelled: {
      const bool unmatched = actor_role == "matcher" || actor_role == "system";
      if (unmatched) {
        out.push_back(notice(after, "no_driver", after.rider_id));
        break;
      }
      if (actor_role != "rider") out.push_back(notice(after, "cancelled", after.rider_id));
      // A driver who accepted is told; a pending offer simply goes away.
      if (actor_role != "driver" && from != Status::requested && after.driver_id) {
        out.push_back(notice(after, "cancelled", *after.driver_id));
      }
      break;
    }
    case Status::requested:
    case Status::in_ride:
      break;
  }
  return out;
}

peers::TripNotice offer_notice(const Trip& trip, const std::string& driver_id) {
  return notice(trip, "offered", driver_id);
}

}  // namespace uitgo::trip
