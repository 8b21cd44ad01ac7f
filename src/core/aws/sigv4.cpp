#include "core/aws/sigv4.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "core/base/digest.hpp"
#include "core/base/time.hpp"

namespace uitgo::aws {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Leading and trailing blanks removed, runs of blanks inside folded to one.
std::string trim_value(std::string_view v) {
  std::string out;
  bool blank = false;
  for (const char c : v) {
    if (c == ' ' || c == '\t') {
      blank = !out.empty();
      continue;
    }
    if (blank) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [k, v] : query) encoded.emplace_back(uri_encode(k, false), uri_encode(v, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

struct CanonicalHeaders {
  std::string text;          // "name:value\n" lines
  std::string signed_names;  // "host;x-amz-date"
};

CanonicalHeaders canonical_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::map<std::string, std::string> by_name;  // sorted; repeated names joined by commas
  for (const auto& [name, value] : headers) {
    auto& slot = by_name[lower(name)];
    if (!slot.empty()) slot += ',';
    slot += trim_value(value);
  }
  CanonicalHeaders out;
  for (const auto& [name, value] : by_name) {
    out.text += name + ":" + value + "\n";
    if (!out.signed_names.empty()) out.signed_names += ';';
    out.signed_names += name;
  }
  return out;
}

std::string signing_key(const std::string& secret, const std::string& date, const Scope& scope) {
  const auto k_date = hmac_sha256("AWS4" + secret, date);
  const auto k_region = hmac_sha256(k_date, scope.region);
  const auto k_service = hmac_sha256(k_region, scope.service);
  return hmac_sha256(k_service, "aws4_request");
}

}  // namespace

std::string amz_date(std::int64_t unix_seconds) {
  // "2015-08-30T12:36:00.000Z" → "20150830T123600Z".
  const auto iso = format_rfc3339_ms(unix_seconds * 1000);
  std::string out;
  for (const char c : iso.substr(0, 19)) {
    if (c != '-' && c != ':') out += c;
  }
  return out + "Z";
}

std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  return out;
}

Signature sign(const SigningInput& input, const Credentials& credentials, const Scope& scope,
               std::int64_t unix_seconds) {
  Signature out;
  const auto timestamp = amz_date(unix_seconds);
  const auto date = timestamp.substr(0, 8);
  out.headers.emplace_back("X-Amz-Date", timestamp);
  if (!credentials.session_token.empty()) out.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);

  auto headers = input.headers;
  headers.insert(headers.end(), out.headers.begin(), out.headers.end());
  const auto canonical = canonical_headers(headers);
  const auto path = input.path.empty() ? std::string("/") : uri_encode(input.path, true);
  out.canonical_request = input.method + "\n" + path + "\n" + canonical_query(input.query) + "\n" + canonical.text +
                          "\n" + canonical.signed_names + "\n" + sha256_hex(input.payload);

  const auto credential_scope = date + "/" + scope.region + "/" + scope.service + "/aws4_request";
  out.string_to_sign =
      "AWS4-HMAC-SHA256\n" + timestamp + "\n" + credential_scope + "\n" + sha256_hex(out.canonical_request);
  out.signature = to_hex(hmac_sha256(signing_key(credentials.secret_access_key, date, scope), out.string_to_sign));
  out.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" +
                                                credential_scope + ", SignedHeaders=" + canonical.signed_names +
                                                ", Signature=" + out.signature);
  return out;
}

}  // namespace uitgo::aws
