#include "queue/trip_event.hpp"
#include "core/base/json_text.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <cmath>
#include <stdexcept>

namespace uitgo::queue {
namespace {

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument("TripEvent: " + what); }

std::string required_string(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string() || v->get_string().empty()) bad(std::string(key) + " must be a non-empty string");
  return std::string(v->get_string());
}

std::optional<double> optional_number(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  double d = 0;
  if (v->is_double()) {
    d = v->get_double();
  } else if (v->is_int64()) {
    d = static_cast<double>(v->get_int64());
  } else if (v->is_uint64()) {
    d = static_cast<double>(v->get_uint64());
  } else {
    bad(std::string(key) + " must be a number or null");
  }
  if (!std::isfinite(d)) bad(std::string(key) + " must be finite");
  return d;
}

std::int64_t optional_int(const boost::json::object& o, const char* key, std::int64_t fallback) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return fallback;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  if (v->is_double() && std::trunc(v->get_double()) == v->get_double() && std::abs(v->get_double()) < 9e15) {
    return static_cast<std::int64_t>(v->get_double());
  }
  bad(std::string(key) + " must be an integer");
}

}  // namespace

std::string TripEvent::to_json() const {
  boost::json::object o;
  o["tripId"] = trip_id;
  o["riderId"] = rider_id;
  o["originLat"] = origin_lat ? boost::json::value(*origin_lat) : boost::json::value(nullptr);
  o["originLng"] = origin_lng ? boost::json::value(*origin_lng) : boost::json::value(nullptr);
  o["serviceId"] = service_id;
  o["createdAt"] = created_at;
  o["createdAtMs"] = created_at_ms;
  o["attempt"] = attempt;
  return uitgo::json::to_text(o);
}

TripEvent TripEvent::from_json(std::string_view body) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) bad("body is not a JSON object");
  const auto& o = value.as_object();
  TripEvent e;
  e.trip_id = required_string(o, "tripId");
  if (const auto* r = o.if_contains("riderId"); r && r->is_string()) e.rider_id = std::string(r->get_string());
  e.origin_lat = optional_number(o, "originLat");
  e.origin_lng = optional_number(o, "originLng");
  if (e.origin_lat.has_value() != e.origin_lng.has_value()) bad("originLat and originLng go together");
  if (const auto* s = o.if_contains("serviceId"); s && s->is_string()) e.service_id = std::string(s->get_string());
  if (const auto* c = o.if_contains("createdAt"); c && c->is_string()) e.created_at = std::string(c->get_string());
  e.created_at_ms = optional_int(o, "createdAtMs", 0);
  const auto attempt = optional_int(o, "attempt", 1);
  if (attempt < 1 || attempt > 1'000'000) bad("attempt must be between 1 and 1000000");
  e.attempt = static_cast<int>(attempt);
  return e;
}

}  // namespace uitgo::queue
