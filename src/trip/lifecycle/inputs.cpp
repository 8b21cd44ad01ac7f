#include "trip/lifecycle/inputs.hpp"

#include "core/base/digest.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <stdexcept>

#include "core/base/errors.hpp"
#include "core/base/ids.hpp"

namespace uitgo::trip {
namespace {

std::string trim(std::string s) {
  const auto is_space = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && is_space(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string text_field(const json::Fields& f, const char* name) {
  // Type and presence checks first, then the length of the trimmed text.
  auto raw = f.required_string(name, {.min_length = 1, .max_length = 100000});
  auto text = trim(std::move(raw));
  if (text.empty()) throw DomainError::invalid(name, std::string(name) + " must not be blank");
  if (utf8_length(text) > kTextMax) {
    throw DomainError::invalid(name,
                               std::string(name) + " must be at most " + std::to_string(kTextMax) + " characters");
  }
  return text;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

// Both or neither: a lone latitude or longitude is a client bug.
void pair(const json::Fields& f, const char* lat_name, const char* lng_name, std::optional<double>& lat,
          std::optional<double>& lng) {
  lat = f.optional_number(lat_name, -90, 90);
  lng = f.optional_number(lng_name, -180, 180);
  if (lat && !lng) throw DomainError::invalid(lng_name, std::string(lng_name) + " is required with " + lat_name);
  if (lng && !lat) throw DomainError::invalid(lat_name, std::string(lat_name) + " is required with " + lng_name);
}

std::optional<long long> parse_integer(std::string_view text) {
  long long v = 0;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ptr != end) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    return text.front() == '-' ? std::numeric_limits<long long>::min() : std::numeric_limits<long long>::max();
  }
  if (ec != std::errc()) return std::nullopt;
  return v;
}

}  // namespace

CreateTripRequest CreateTripRequest::from_json(const json::Fields& f) {
  CreateTripRequest r;
  r.origin_text = text_field(f, "originText");
  r.dest_text = text_field(f, "destText");
  r.service_id = f.required_string("serviceId", {.min_length = 1, .max_length = kServiceIdMax});
  if (!is_token(r.service_id)) {
    throw DomainError::invalid("serviceId", "serviceId may only hold letters, digits, '.', '_' and '-'");
  }
  pair(f, "originLat", "originLng", r.origin_lat, r.origin_lng);
  pair(f, "destLat", "destLng", r.dest_lat, r.dest_lng);
  if (f.optional_string("riderId", {.min_length = 1, .max_length = 64})) r.rider_id = f.required_uuid("riderId");
  return r;
}

std::string CreateTripRequest::canonical() const {
  const auto num = [](const std::optional<double>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
  };
  // boost::json::object keeps insertion order, so the text is stable.
  boost::json::object o;
  o["originText"] = origin_text;
  o["destText"] = dest_text;
  o["serviceId"] = service_id;
  o["originLat"] = num(origin_lat);
  o["originLng"] = num(origin_lng);
  o["destLat"] = num(dest_lat);
  o["destLng"] = num(dest_lng);
  if (rider_id) o["riderId"] = *rider_id;  // only when given: older fingerprints stay valid
  // Boost's own text on purpose: stored fingerprints must not change with the response format.
  return boost::json::serialize(o);
}

std::string CreateTripRequest::fingerprint() const { return sha256_hex(canonical()); }

StatusRequest StatusRequest::from_json(const json::Fields& f) {
  const auto text = f.required_string("status", {.min_length = 1, .max_length = 32});
  const auto status = parse_status(text);
  if (!status) {
    throw DomainError::invalid("status",
                               "status must be one of requested, accepted, arriving, in_ride, completed, cancelled");
  }
  StatusRequest r;
  r.status = *status;
  r.reason = f.optional_string("reason", {.min_length = 1, .max_length = kReasonMax});
  return r;
}

ListQuery ListQuery::parse(std::optional<std::string_view> limit, std::optional<std::string_view> offset,
                           std::optional<std::string_view> status, std::optional<std::string_view> page,
                           std::optional<std::string_view> page_size) {
  constexpr long long kMaxOffset = 1'000'000'000LL;
  const auto integer = [](std::optional<std::string_view> text, const char* name) -> std::optional<long long> {
    if (!text || text->empty()) return std::nullopt;
    const auto v = parse_integer(*text);
    if (!v) throw DomainError::invalid(name, std::string(name) + " must be an integer");
    return v;
  };
  ListQuery q;
  if (const auto v = integer(limit, "limit")) q.limit = static_cast<int>(std::clamp<long long>(*v, 1, kListMaxLimit));
  if (const auto v = integer(offset, "offset")) q.offset = std::clamp<long long>(*v, 0, kMaxOffset);
  if (const auto p = integer(page, "page")) {
    if (*p < 1) throw DomainError::invalid("page", "page must be 1 or more (pages count from 1)");
    if (const auto size = integer(page_size, "pageSize")) {
      q.limit = static_cast<int>(std::clamp<long long>(*size, 1, kListMaxLimit));
    }
    q.offset = std::min<long long>((std::min<long long>(*p, kMaxOffset) - 1) * q.limit, kMaxOffset);
  }
  if (status && !status->empty()) {
    std::string_view rest = *status;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto part = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (part.empty()) continue;
      const auto s = parse_status(part);
      if (!s) throw DomainError::invalid("status", "unknown status '" + std::string(part) + "'");
      if (std::find(q.statuses.begin(), q.statuses.end(), *s) == q.statuses.end()) q.statuses.push_back(*s);
    }
  }
  return q;
}

std::optional<std::string> parse_idempotency_key(std::optional<std::string_view> header) {
  if (!header) return std::nullopt;
  const std::string_view key = *header;
  const bool printable = std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
  if (key.empty() || key.size() > kIdempotencyKeyMax || !printable) {
    throw DomainError::invalid("Idempotency-Key",
                               "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces");
  }
  return std::string(key);
}

OfferRequest OfferRequest::from_json(const json::Fields& f) {
  OfferRequest r;
  r.driver_id = f.required_uuid("driverId");
  r.attempt = static_cast<int>(f.optional_int("attempt", 1, 1'000'000).value_or(1));
  return r;
}

DriverRequest DriverRequest::from_json(const json::Fields& f) { return {f.required_uuid("driverId")}; }

OffersRequest OffersRequest::from_json(const json::Fields& f) {
  OffersRequest r;
  for (const auto& item : f.required_objects("offers", 1, kMaxBatch)) {
    r.offers.push_back({.trip_id = item.required_uuid("tripId"), .offer = OfferRequest::from_json(item)});
  }
  return r;
}

LookupRequest LookupRequest::from_json(const json::Fields& f) { return {f.required_uuids("ids", 1, kMaxBatch)}; }

CancelRequest CancelRequest::from_json(const json::Fields& f) {
  CancelRequest r;
  r.reason = f.required_string("reason", {.min_length = 1, .max_length = 64});
  if (!is_token(r.reason)) throw DomainError::invalid("reason", "reason must be a token such as no_driver");
  return r;
}

}  // namespace uitgo::trip
