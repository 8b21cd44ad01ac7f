#include "trip/lifecycle/trip_rows.hpp"

namespace uitgo::trip {

// clang-format off
const std::string& trip_columns() {
#define UITGO_UTC_TEXT(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
  static const std::string columns =
      "t.id::text AS id, t.rider_id::text AS rider_id, t.driver_id::text AS driver_id, t.status,"
      " t.origin_text, t.dest_text, t.service_id, t.origin_lat, t.origin_lng, t.dest_lat, t.dest_lng,"
      " t.fare_estimate, t.cancel_reason, "
      UITGO_UTC_TEXT("t.created_at") " AS created_at, "
      UITGO_UTC_TEXT("t.updated_at") " AS updated_at, "
      UITGO_UTC_TEXT("t.offered_at") " AS offered_at,"
      " (extract(epoch FROM t.created_at) * 1000)::bigint AS created_at_ms, t.match_attempt";
#undef UITGO_UTC_TEXT
  return columns;
}
// clang-format on

Trip read_trip(const pg::Result& r, int row) {
  Trip t;
  t.id = r.get<std::string>(row, "id");
  t.rider_id = r.get<std::string>(row, "rider_id");
  t.driver_id = r.get<std::optional<std::string>>(row, "driver_id");
  t.status = parse_status(r.get<std::string_view>(row, "status")).value_or(Status::requested);
  t.origin_text = r.get<std::string>(row, "origin_text");
  t.dest_text = r.get<std::string>(row, "dest_text");
  t.service_id = r.get<std::string>(row, "service_id");
  t.origin_lat = r.get<std::optional<double>>(row, "origin_lat");
  t.origin_lng = r.get<std::optional<double>>(row, "origin_lng");
  t.dest_lat = r.get<std::optional<double>>(row, "dest_lat");
  t.dest_lng = r.get<std::optional<double>>(row, "dest_lng");
  t.fare_estimate = r.get<std::optional<std::int64_t>>(row, "fare_estimate");
  t.cancel_reason = r.get<std::optional<std::string>>(row, "cancel_reason");
  t.created_at = r.get<std::string>(row, "created_at");
  t.updated_at = r.get<std::string>(row, "updated_at");
  t.offered_at = r.get<std::optional<std::string>>(row, "offered_at");
  t.created_at_ms = r.get<std::int64_t>(row, "created_at_ms");
  t.match_attempt = r.get<int>(row, "match_attempt");
  return t;
}

}  // namespace uitgo::trip
