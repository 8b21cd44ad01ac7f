#include "peers/internal_trip.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "core/base/errors.hpp"
#include "core/base/json_value.hpp"

namespace uitgo::peers {
namespace {

namespace bj = boost::json;
using json::nullable;

std::optional<double> opt_double(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return v->to_number<double>();
}

std::optional<std::int64_t> opt_int(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return v->to_number<std::int64_t>();
}

std::optional<std::string> opt_str(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::string req_str(const bj::object& o, std::string_view key) {
  auto v = opt_str(o, key);
  if (!v) throw UnavailableError("trip-service answered a trip without " + std::string(key));
  return std::move(*v);
}

OfferView offer_from(const bj::value& v) {
  const auto& o = v.as_object();
  return {.driver_id = req_str(o, "driverId"),
          .attempt = static_cast<int>(opt_int(o, "attempt").value_or(1)),
          .outcome = req_str(o, "outcome"),
          .offered_at = opt_str(o, "offeredAt").value_or(""),
          .resolved_at = opt_str(o, "resolvedAt")};
}

}  // namespace

std::set<std::string> InternalTrip::excluded_drivers() const {
  std::set<std::string> out;
  for (const auto& o : offers) out.insert(o.driver_id);
  return out;
}

bj::object InternalTrip::to_json(bool with_offers) const {
  bj::object o;
  o["id"] = id;
  o["riderId"] = rider_id;
  o["driverId"] = nullable(driver_id);
  o["status"] = status;
  o["serviceId"] = service_id;
  o["originLat"] = nullable(origin_lat);
  o["originLng"] = nullable(origin_lng);
  o["destLat"] = nullable(dest_lat);
  o["destLng"] = nullable(dest_lng);
  o["createdAt"] = created_at;
  o["createdAtMs"] = created_at_ms;
  o["updatedAt"] = updated_at;
  o["offeredAt"] = nullable(offered_at);
  o["matchAttempt"] = match_attempt;
  o["cancelReason"] = nullable(cancel_reason);
  if (!with_offers) return o;
  o["ageMs"] = age_ms;
  o["offerAgeMs"] = nullable(offer_age_ms);
  bj::array excluded;
  bj::array list;
  for (const auto& offer : offers) {
    excluded.emplace_back(offer.driver_id);
    list.emplace_back(bj::object{{"driverId", offer.driver_id},
                                 {"attempt", offer.attempt},
                                 {"outcome", offer.outcome},
                                 {"offeredAt", offer.offered_at},
                                 {"resolvedAt", nullable(offer.resolved_at)}});
  }
  o["excludedDriverIds"] = std::move(excluded);
  o["offers"] = std::move(list);
  return o;
}

InternalTrip InternalTrip::from_json(std::string_view body) {
  boost::system::error_code ec;
  const auto value = bj::parse(body, ec);
  if (ec || !value.is_object()) throw UnavailableError("trip-service answered a trip that is not a JSON object");
  return from_object(value.get_object());
}

InternalTrip InternalTrip::from_object(const boost::json::object& o) {
  InternalTrip t;
  try {
    t.id = req_str(o, "id");
    t.rider_id = opt_str(o, "riderId").value_or("");
    t.driver_id = opt_str(o, "driverId");
    t.status = req_str(o, "status");
    t.service_id = opt_str(o, "serviceId").value_or("");
    t.origin_lat = opt_double(o, "originLat");
    t.origin_lng = opt_double(o, "originLng");
    t.dest_lat = opt_double(o, "destLat");
    t.dest_lng = opt_double(o, "destLng");
    t.created_at = opt_str(o, "createdAt").value_or("");
    t.created_at_ms = opt_int(o, "createdAtMs").value_or(0);
    t.updated_at = opt_str(o, "updatedAt").value_or("");
    t.offered_at = opt_str(o, "offeredAt");
    t.match_attempt = static_cast<int>(opt_int(o, "matchAttempt").value_or(1));
    t.cancel_reason = opt_str(o, "cancelReason");
    t.age_ms = opt_int(o, "ageMs").value_or(0);
    t.offer_age_ms = opt_int(o, "offerAgeMs");
    if (const auto* offers = o.if_contains("offers"); offers != nullptr && offers->is_array()) {
      for (const auto& v : offers->get_array()) t.offers.push_back(offer_from(v));
    }
  } catch (const UnavailableError&) {
    throw;
  } catch (const std::exception& e) {
    throw UnavailableError(std::string("trip-service answered a malformed trip: ") + e.what());
  }
  return t;
}

}  // namespace uitgo::peers
