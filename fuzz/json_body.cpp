// Fuzz target: the one JSON field validator (json::Fields) and every service's
// request bodies. Each input is one body, given to every parser: the trip,
// driver, account and home bodies, and every Fields rule on every key (nested
// objects included). A refusal must be a DomainError of kind `invalid` whose
// error body is JSON; what is accepted must satisfy the rule that accepted it.
// Any other exception, a crash or a sanitizer report is a finding.
#include <boost/json/object.hpp>

#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "core/base/errors.hpp"
#include "core/base/json_body.hpp"
#include "driver/profiles/inputs.hpp"
#include "driver/search/redis_geo.hpp"
#include "fuzz/check.hpp"
#include "trip/lifecycle/inputs.hpp"
#include "user/accounts/inputs.hpp"
#include "user/home/payloads.hpp"

namespace {

using namespace uitgo;
using fuzz::expect;

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Trimmed of what the inputs trim: spaces, tabs and line breaks.
bool trimmed(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  return !s.empty() && kSpace.find(s.front()) == kSpace.npos && kSpace.find(s.back()) == kSpace.npos;
}

// Runs one parse; a refusal must be a 400 with a JSON body.
template <typename Parse>
void attempt(Parse parse) {
  try {
    parse();
  } catch (const DomainError& e) {
    expect(e.kind() == Refusal::invalid, "a body is refused with 400");
    fuzz::expect_json_object(json::error_body(e), "a refusal's body is a JSON object");
  }
}

void every_rule(const boost::json::object& object, const json::Fields& f, int depth) {
  constexpr json::StringRule kShort{.min_length = 2, .max_length = 8};
  for (const auto& entry : object) {
    const std::string_view key = entry.key();  // a structured binding cannot be captured (clang 14)
    attempt([&] {
      if (const auto s = f.optional_string(key, kShort)) {
        expect(code_points(*s) >= 2 && code_points(*s) <= 8, "a string's length is within its rule");
      }
    });
    attempt([&] {
      if (const auto n = f.optional_number(key, -90, 90)) expect(std::isfinite(*n) && std::abs(*n) <= 90, "number");
    });
    attempt([&] {
      if (const auto n = f.optional_int(key, -5, 1'000'000)) expect(*n >= -5 && *n <= 1'000'000, "int in range");
    });
    attempt([&] { f.optional_int(key, INT64_MIN, INT64_MAX); });
    attempt([&] { f.optional_bool(key); });
    attempt([&] {
      const auto id = f.required_uuid(key);
      expect(id.size() == 36 && id == user::home::parse_id(id), "a UUID comes back canonical");
    });
    attempt([&] {
      const auto nested = f.optional_object(key);
      const auto* inner = object.at(key).if_object();
      if (nested && inner != nullptr && depth < 3) every_rule(*inner, *nested, depth + 1);
    });
  }
}

void trip_bodies(std::string_view body) {
  attempt([&] {
    const auto r = json::parse_body<trip::CreateTripRequest>(body);
    expect(trimmed(r.origin_text) && trimmed(r.dest_text), "trip texts are trimmed");
    expect(code_points(r.origin_text) <= trip::kTextMax && code_points(r.dest_text) <= trip::kTextMax, "texts");
    expect(r.origin_lat.has_value() == r.origin_lng.has_value(), "origin coordinates come in pairs");
    const auto again = json::parse_body<trip::CreateTripRequest>(r.canonical());
    expect(again.canonical() == r.canonical(), "a canonical trip request reads back the same");
    expect(r.fingerprint().size() == 64, "a fingerprint is SHA-256 hex");
  });
  attempt([&] {
    const auto r = json::parse_body<trip::StatusRequest>(body);
    expect(!r.reason || code_points(*r.reason) <= trip::kReasonMax, "status reason length");
  });
  attempt([&] {
    const auto r = json::parse_body<trip::OfferRequest>(body);
    expect(r.attempt >= 1 && r.attempt <= 1'000'000 && r.driver_id.size() == 36, "offer");
  });
  attempt([&] { json::parse_body<trip::DriverRequest>(body); });
  attempt([&] { json::parse_body<trip::CancelRequest>(body); });
}

void driver_bodies(std::string_view body) {
  const auto check_vehicle = [](const std::optional<driver::VehicleInput>& v) {
    if (!v) return;
    expect(!v->empty(), "a vehicle with no field given is no vehicle");
    expect(!v->year || (*v->year >= 1950 && *v->year <= 2100), "vehicle year in range");
    for (unsigned char c : v->plate_number.value_or("")) expect(!std::islower(c), "plates are upper-case");
  };
  attempt([&] { check_vehicle(json::parse_body<driver::ProfileInput>(body).vehicle); });
  attempt([&] { check_vehicle(json::parse_body<driver::InternalProfileInput>(body).profile.vehicle); });
  attempt([&] { json::parse_body<driver::ProfilePatch>(body); });
  attempt([&] { json::parse_body<driver::StatusInput>(body); });
  attempt([&] {
    const auto l = json::parse_body<driver::LocationInput>(body);
    expect(std::abs(l.lat) <= driver::redis_geo::kMaxIndexedLatitude && std::abs(l.lng) <= 180, "location");
  });
  attempt([&] { json::parse_body<driver::TripInput>(body); });
}

void user_bodies(std::string_view body) {
  attempt([&] {
    const auto r = json::parse_body<user::RegisterRequest>(body);
    expect(user::normalize_email(r.email) == r.email, "a registered email is normalized");
    user::check_email(r.email);
  });
  attempt([&] { json::parse_body<user::LoginRequest>(body); });
  attempt([&] { json::parse_body<user::RefreshRequest>(body); });
  attempt([&] { json::parse_body<user::ProfileUpdate>(body); });
  attempt([&] { json::parse_body<user::AdminUserChange>(body); });
  attempt([&] { json::parse_body<user::ChangePasswordRequest>(body); });
  attempt([&] { json::parse_body<user::ForgotPasswordRequest>(body); });
  attempt([&] { json::parse_body<user::ResetPasswordRequest>(body); });
  attempt([&] { user::DriverSignup::from_body(body); });
  attempt([&] {
    const auto d = user::home::parse_promotion_draft(body);
    expect(!d.expires_at || user::home::is_rfc3339_timestamp(*d.expires_at), "expiresAt is RFC 3339");
  });
  attempt([&] { user::home::parse_promotion_patch(body); });
  attempt([&] { user::home::parse_news_draft(body); });
  attempt([&] { user::home::parse_news_patch(body); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  attempt([&] {
    const auto object = json::parse_object(body);
    every_rule(object, json::Fields(object), 0);
  });
  trip_bodies(body);
  driver_bodies(body);
  user_bodies(body);
  return 0;
}
