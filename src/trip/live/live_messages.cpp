#include "trip/live/live_messages.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/base/json_body.hpp"
#include "core/base/json_text.hpp"
#include "core/base/time.hpp"

namespace uitgo::trip::live {
namespace {

InvalidMessage invalid(std::string code, std::string message) { return {std::move(code), std::move(message)}; }

std::optional<double> number(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return std::nullopt;
}

ClientMessage parse_location(const boost::json::object& o) {
  const auto lat = number(o, "lat");
  const auto lng = number(o, "lng");
  if (!lat || !std::isfinite(*lat) || *lat < -90 || *lat > 90) {
    return invalid("validation_failed", "lat must be a number in [-90, 90]");
  }
  if (!lng || !std::isfinite(*lng) || *lng < -180 || *lng > 180) {
    return invalid("validation_failed", "lng must be a number in [-180, 180]");
  }
  return LocationMessage{*lat, *lng};
}

ClientMessage parse_status_message(const boost::json::object& o) {
  const auto* s = o.if_contains("status");
  if (s == nullptr || !s->is_string()) return invalid("validation_failed", "status must be a string");
  const auto status = trip::parse_status(std::string_view(s->get_string()));
  if (!status) return invalid("validation_failed", "unknown status");
  StatusMessage out{.status = *status};
  if (const auto* r = o.if_contains("reason"); r != nullptr && !r->is_null()) {
    if (!r->is_string() || r->get_string().empty() || r->get_string().size() > 200) {
      return invalid("validation_failed", "reason must be a string of 1 to 200 characters");
    }
    if (json::first_control_character(r->get_string(), false) != std::string_view::npos) {
      return invalid("validation_failed", "reason must not contain control characters");
    }
    out.reason = std::string(r->get_string());
  }
  return out;
}

}  // namespace

ClientMessage parse_client_message(std::string_view text) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) return invalid("bad_message", "a message must be a JSON object");
  const auto& o = value.get_object();
  const auto* type = o.if_contains("type");
  if (type == nullptr || !type->is_string()) return invalid("bad_message", "a message needs a string \"type\"");
  const std::string_view kind = type->get_string();
  if (kind == "ping") return PingMessage{};
  if (kind == "location") return parse_location(o);
  if (kind == "status") return parse_status_message(o);
  return invalid("unknown_type", "unknown message type");
}

std::string status_frame(const Trip& trip, std::int64_t now) {
  boost::json::object o;
  o["type"] = "status";
  o["tripId"] = trip.id;
  o["status"] = to_string(trip.status);
  if (trip.driver_id) o["driverId"] = *trip.driver_id;
  if (trip.cancel_reason) o["cancelReason"] = *trip.cancel_reason;
  o["timestamp"] = format_rfc3339_ms(now);
  return uitgo::json::to_text(o);
}

std::string location_frame(std::string_view trip_id, double lat, double lng, std::int64_t recorded_ms,
                           std::int64_t now) {
  boost::json::object o;
  o["type"] = "location";
  o["tripId"] = trip_id;
  o["location"] = boost::json::object{{"lat", lat}, {"lng", lng}, {"timestamp", format_rfc3339_ms(recorded_ms)}};
  o["timestamp"] = format_rfc3339_ms(now);
  return uitgo::json::to_text(o);
}

std::string error_frame(std::string_view code, std::string_view message) {
  return uitgo::json::to_text(boost::json::object{{"type", "error"}, {"error", message}, {"code", code}});
}

std::string pong_frame(std::int64_t now) {
  return uitgo::json::to_text(boost::json::object{{"type", "pong"}, {"timestamp", format_rfc3339_ms(now)}});
}

bool is_location_frame(std::string_view frame) { return frame.starts_with(R"({"type":"location")"); }

bool frame_keeps_driver(std::string_view frame, std::string_view driver_id) {
  if (!frame.starts_with(R"({"type":"status")")) return true;
  boost::system::error_code ec;
  const auto value = boost::json::parse(frame, ec);
  if (ec || !value.is_object()) return true;
  const auto* driver = value.get_object().if_contains("driverId");
  return driver != nullptr && driver->is_string() && driver->get_string() == driver_id;
}

std::string channel_of(std::string_view trip_id) { return "trip:" + std::string(trip_id) + ":events"; }

}  // namespace uitgo::trip::live
