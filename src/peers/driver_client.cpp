#include "peers/driver_client.hpp"

#include <boost/json/parse.hpp>

#include "core/base/errors.hpp"
#include "core/base/json_text.hpp"
#include "core/base/log.hpp"
#include "core/base/time.hpp"

namespace uitgo::peers {
namespace {

namespace bj = boost::json;

std::string driver_path(const std::string& driver_id, std::string_view action = {}) {
  std::string path = "/internal/drivers/" + driver_id;
  if (!action.empty()) path.append("/").append(action);
  return path;
}

std::optional<std::string> string_field(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

// driver-service's 400/409 as the error the original caller's client sees.
[[noreturn]] void throw_refusal(const http::ClientResponse& r) {
  std::string code = r.status == 400 ? "validation_failed" : "conflict";
  std::string message = "the driver profile was refused";
  std::optional<std::string> field;
  boost::system::error_code ec;
  const auto value = bj::parse(r.body, ec);
  if (!ec && value.is_object()) {
    const auto& o = value.get_object();
    code = string_field(o, "code").value_or(code);
    message = string_field(o, "error").value_or(message);
    field = string_field(o, "field");
  } else {
    log::warn("driver-service refusal without the error shape", {{"status", r.status}});
  }
  if (r.status == 409) throw DomainError::conflict(code, message);
  if (field) throw DomainError::invalid(*field, message);
  throw DomainError::bad_input(code, message);
}

}  // namespace

DriverClient::DriverClient(asio::any_io_executor executor, http::ClientOptions options)
    : http_(std::make_unique<http::Client>(std::move(executor), std::move(options))) {}

awaitable<void> DriverClient::create_profile(const bj::object& profile, const std::string& request_id) {
  const auto body = uitgo::json::to_text(profile);
  const auto r = co_await http_->request("POST", "/internal/drivers", body, request_id);
  if (r.status == 200 || r.status == 201) co_return;
  if (r.status == 400 || r.status == 409) throw_refusal(r);
  throw UnavailableError("driver-service answered " + std::to_string(r.status) + " to a new driver profile");
}

awaitable<bool> DriverClient::delete_profile(const std::string& driver_id, const std::string& request_id) {
  const auto target = driver_path(driver_id);
  const auto r = co_await http_->request("DELETE", target, "", request_id);
  co_return r.status == 204;
}

awaitable<ReserveResult> DriverClient::reserve(const std::string& driver_id, const std::string& trip_id,
                                               const std::string& request_id) {
  const auto target = driver_path(driver_id, "reserve");
  const auto body = uitgo::json::to_text(bj::object{{"tripId", trip_id}});
  const auto r = co_await http_->request("POST", target, body, request_id);
  if (r.status == 200) co_return ReserveResult::reserved;
  if (r.status == 409) co_return ReserveResult::not_free;
  if (r.status == 404) co_return ReserveResult::unknown_driver;
  throw UnavailableError("driver-service answered " + std::to_string(r.status) + " to a reservation");
}

awaitable<ReleaseResult> DriverClient::release(const std::string& driver_id, const std::string& trip_id,
                                               const std::string& request_id) {
  const auto target = driver_path(driver_id, "release");
  const auto body = uitgo::json::to_text(bj::object{{"tripId", trip_id}});
  const auto r = co_await http_->request("POST", target, body, request_id);
  if (r.status >= 200 && r.status < 300) co_return ReleaseResult::released;
  if (r.status == 409) co_return ReleaseResult::not_held;
  if (r.status == 404) co_return ReleaseResult::unknown_driver;
  throw UnavailableError("driver-service answered " + std::to_string(r.status) + " to a release");
}

awaitable<void> DriverClient::update_location(const std::string& driver_id, double lat, double lng,
                                              std::int64_t recorded_ms) {
  const auto target = driver_path(driver_id, "location");
  const auto body =
      uitgo::json::to_text(bj::object{{"lat", lat}, {"lng", lng}, {"recordedAt", format_rfc3339_ms(recorded_ms)}});
  const auto r = co_await http_->request("PUT", target, body);
  if (r.status != 204 && r.status != 200) {
    throw UnavailableError("driver-service answered " + std::to_string(r.status) + " to a location");
  }
}

awaitable<MatchAnswer> DriverClient::match(const queue::TripEvent& event, const std::string& request_id,
                                           Millis timeout) {
  const auto body = event.to_json();
  const auto r = co_await http_->request("POST", "/internal/match", body, request_id, timeout);
  co_return MatchAnswer::parse(r.status, r.body);
}

}  // namespace uitgo::peers
