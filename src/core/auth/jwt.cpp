#include "core/auth/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <new>

#include "core/base/errors.hpp"
#include "core/base/log.hpp"

namespace uitgo::auth {

// ------------------------------------------------------------------ HMAC-SHA256
//
// RFC 2104 with the key schedule done once: the SHA-256 states after
// absorbing K^ipad and K^opad are kept, and each MAC copies them into a
// per-thread context. About four times faster than OpenSSL's one-shot HMAC(),
// which re-derives the pads (and fetches the algorithm) on every call.
namespace detail {

class HmacSha256Key {
 public:
  static constexpr std::size_t kBlock = 64;
  static constexpr std::size_t kSize = 32;

  explicit HmacSha256Key(std::string_view key) : inner_(EVP_MD_CTX_new()), outer_(EVP_MD_CTX_new()) {
    if (inner_ == nullptr || outer_ == nullptr) {
      free();
      throw std::bad_alloc();
    }
    std::array<unsigned char, kBlock> k0{};
    bool ok = true;
    if (key.size() > kBlock) {
      unsigned int len = 0;
      ok = EVP_Digest(key.data(), key.size(), k0.data(), &len, EVP_sha256(), nullptr) == 1;
    } else {
      std::copy(key.begin(), key.end(), k0.begin());
    }
    std::array<unsigned char, kBlock> ipad{};
    std::array<unsigned char, kBlock> opad{};
    for (std::size_t i = 0; i < kBlock; ++i) {
      ipad[i] = k0[i] ^ 0x36;
      opad[i] = k0[i] ^ 0x5c;
    }
    ok = ok && EVP_DigestInit_ex(inner_, EVP_sha256(), nullptr) == 1 &&
         EVP_DigestUpdate(inner_, ipad.data(), ipad.size()) == 1 &&
         EVP_DigestInit_ex(outer_, EVP_sha256(), nullptr) == 1 &&
         EVP_DigestUpdate(outer_, opad.data(), opad.size()) == 1;
    OPENSSL_cleanse(k0.data(), k0.size());
    OPENSSL_cleanse(ipad.data(), ipad.size());
    OPENSSL_cleanse(opad.data(), opad.size());
    if (!ok) {
      free();
      throw std::runtime_error("HMAC-SHA256 key setup failed");
    }
  }
  ~HmacSha256Key() { free(); }
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  // Thread-safe: the keyed states are only read (copied from).
  std::array<unsigned char, kSize> mac(std::string_view message) const {
    EVP_MD_CTX* work = work_context();
    std::array<unsigned char, kSize> inner{};
    std::array<unsigned char, kSize> out{};
    unsigned int len = 0;
    const bool ok =
        EVP_MD_CTX_copy_ex(work, inner_) == 1 && EVP_DigestUpdate(work, message.data(), message.size()) == 1 &&
        EVP_DigestFinal_ex(work, inner.data(), &len) == 1 && EVP_MD_CTX_copy_ex(work, outer_) == 1 &&
        EVP_DigestUpdate(work, inner.data(), inner.size()) == 1 && EVP_DigestFinal_ex(work, out.data(), &len) == 1;
    // Not bad input: the library failed. Surfaces as a 500, never as a 401.
    if (!ok) throw std::runtime_error("HMAC-SHA256 computation failed");
    return out;
  }

 private:
  static EVP_MD_CTX* work_context() {
    struct Holder {
      EVP_MD_CTX* ctx = EVP_MD_CTX_new();
      ~Holder() { EVP_MD_CTX_free(ctx); }
    };
    thread_local Holder holder;
    if (holder.ctx == nullptr) throw std::bad_alloc();
    return holder.ctx;
  }

  void free() {
    EVP_MD_CTX_free(inner_);
    EVP_MD_CTX_free(outer_);
    inner_ = outer_ = nullptr;
  }

  EVP_MD_CTX* inner_;
  EVP_MD_CTX* outer_;
};

}  // namespace detail

namespace {

// ------------------------------------------------------------------ base64url

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}
constexpr auto kDecode = make_decode_table();

void encode_into(std::string_view in, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t n = in.size();
  out.reserve(out.size() + (n * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (n - i == 1) {
    const std::uint32_t v = std::uint32_t{p[i]} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (n - i == 2) {
    const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
}

// Appends the decoded bytes to `out`; false for anything but canonical unpadded base64url.
bool decode_into(std::string_view in, std::string& out) {
  const std::size_t rem = in.size() % 4;
  if (rem == 1) return false;
  const std::size_t start = out.size();
  out.resize(start + in.size() / 4 * 3 + (rem == 0 ? 0 : rem - 1));
  char* dst = out.data() + start;
  // -1 (invalid) stays negative: the table holds signed values on purpose.
  const auto value = [](char c) { return static_cast<int>(kDecode[static_cast<unsigned char>(c)]); };
  std::size_t i = 0;
  for (; i + 4 <= in.size(); i += 4) {
    const int a = value(in[i]), b = value(in[i + 1]), c = value(in[i + 2]), d = value(in[i + 3]);
    if ((a | b | c | d) < 0) return false;
    const std::uint32_t v = (std::uint32_t(a) << 18) | (std::uint32_t(b) << 12) | (std::uint32_t(c) << 6) | d;
    *dst++ = static_cast<char>(v >> 16);
    *dst++ = static_cast<char>(v >> 8);
    *dst++ = static_cast<char>(v);
  }
  if (rem == 2) {
    const int a = value(in[i]), b = value(in[i + 1]);
    if ((a | b) < 0 || (b & 0x0f) != 0) return false;  // unused low bits must be zero
    *dst++ = static_cast<char>((a << 2) | (b >> 4));
  } else if (rem == 3) {
    const int a = value(in[i]), b = value(in[i + 1]), c = value(in[i + 2]);
    if ((a | b | c) < 0 || (c & 0x03) != 0) return false;
    const std::uint32_t v = (std::uint32_t(a) << 18) | (std::uint32_t(b) << 12) | (std::uint32_t(c) << 6);
    *dst++ = static_cast<char>(v >> 16);
    *dst++ = static_cast<char>(v >> 8);
  }
  return true;
}

// ------------------------------------------------------------------ token parts

constexpr std::string_view kHeaderJson = R"({"alg":"HS256","typ":"at+jwt"})";

const std::string& encoded_header() {
  static const std::string header = base64url_encode(kHeaderJson);
  return header;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Decodes a segment and parses it as a JSON object allocated from `resource`
// (which must outlive the value).
boost::json::value parse_object(std::string_view segment, const char* what, std::string& scratch,
                                boost::json::monotonic_resource& resource) {
  scratch.clear();
  if (!decode_into(segment, scratch)) throw InvalidToken(std::string(what) + " is not base64url");
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(scratch, ec, boost::json::storage_ptr(&resource));
  if (ec) throw InvalidToken(std::string(what) + " is not JSON: " + ec.message());
  if (!value.is_object()) throw InvalidToken(std::string(what) + " is not a JSON object");
  return value;
}

void check_header(std::string_view segment, std::string& scratch) {
  // What we issue, byte for byte: no need to parse it.
  if (segment == encoded_header()) return;
  std::array<unsigned char, 1024> buffer;
  boost::json::monotonic_resource resource(buffer.data(), buffer.size());
  const boost::json::value value = parse_object(segment, "header", scratch, resource);
  const auto& header = value.get_object();
  const auto alg = header.find("alg");
  if (alg == header.end()) throw InvalidToken("header has no alg");
  const auto* alg_name = alg->value().if_string();
  if (alg_name == nullptr || *alg_name != "HS256") throw InvalidToken("algorithm not allowed (only HS256)");
  // RFC 9068 §4: an access token says so (a plain JWT, an ID token, is refused).
  const auto typ = header.find("typ");
  if (typ == header.end()) throw InvalidToken("header has no typ (at+jwt required)");
  const auto* name = typ->value().if_string();
  if (name == nullptr || (*name != "at+jwt" && *name != "application/at+jwt")) {
    throw InvalidToken("header typ is not at+jwt");
  }
  // RFC 7515 §4.1.11: extensions we do not understand must not be ignored.
  if (header.contains("crit")) throw InvalidToken("header has crit extensions");
}

std::int64_t integer_claim(const boost::json::object& payload, std::string_view name) {
  const auto it = payload.find(name);
  if (it == payload.end()) throw InvalidToken(std::string(name) + " claim missing");
  if (const auto* v = it->value().if_int64()) return *v;
  throw InvalidToken(std::string(name) + " claim is not an integer");
}

std::string string_claim(const boost::json::object& payload, std::string_view name) {
  const auto it = payload.find(name);
  if (it == payload.end()) throw InvalidToken(std::string(name) + " claim missing");
  const auto* v = it->value().if_string();
  if (v == nullptr) throw InvalidToken(std::string(name) + " claim is not a string");
  if (v->empty()) throw InvalidToken(std::string(name) + " claim is empty");
  return std::string(v->data(), v->size());
}

// aud is one string or an array of strings (RFC 7519 §4.1.3); ours must be among them.
bool audience_includes(const boost::json::object& payload, std::string_view audience) {
  const auto it = payload.find("aud");
  if (it == payload.end()) throw InvalidToken("aud claim missing");
  if (const auto* one = it->value().if_string()) return *one == audience;
  if (const auto* many = it->value().if_array()) {
    for (const auto& v : *many) {
      if (const auto* s = v.if_string(); s != nullptr && *s == audience) return true;
    }
    return false;
  }
  throw InvalidToken("aud claim is not a string or an array");
}

bool known_role(std::string_view role) { return role == "rider" || role == "driver" || role == "admin"; }

std::string random_jti() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed: no randomness for the token id");
  }
  constexpr std::string_view hex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += hex[b >> 4];
    out += hex[b & 0x0f];
  }
  return out;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  encode_into(bytes, out);
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  if (!decode_into(text, out)) return std::nullopt;
  return out;
}

// ------------------------------------------------------------------ Jwt

Jwt::Jwt(std::string secret, std::chrono::seconds access_ttl, TokenProfile profile)
    : access_ttl_(access_ttl), profile_(std::move(profile)) {
  if (secret.size() < kMinSecretBytes) {
    OPENSSL_cleanse(secret.data(), secret.size());
    throw std::invalid_argument("JWT secret must be at least " + std::to_string(kMinSecretBytes) + " bytes");
  }
  if (access_ttl.count() <= 0) throw std::invalid_argument("JWT access TTL must be positive");
  if (access_ttl > profile_.max_lifetime) {
    OPENSSL_cleanse(secret.data(), secret.size());
    throw std::invalid_argument("JWT access TTL exceeds the maximum token lifetime");
  }
  if (profile_.issuer.empty() || profile_.audience.empty()) {
    OPENSSL_cleanse(secret.data(), secret.size());
    throw std::invalid_argument("JWT issuer and audience must not be empty");
  }
  key_ = std::make_shared<const detail::HmacSha256Key>(secret);
  OPENSSL_cleanse(secret.data(), secret.size());
}

std::string Jwt::issue(std::string_view sub, std::string_view role) const {
  const std::int64_t now = unix_now();
  Claims claims{.sub = std::string(sub),
                .role = std::string(role),
                .jti = random_jti(),
                .iat = now,
                .exp = now + access_ttl_.count()};
  return sign(claims);
}

std::string Jwt::sign(const Claims& claims) const {
  boost::json::object payload;
  payload.emplace("iss", profile_.issuer);
  payload.emplace("aud", profile_.audience);
  payload.emplace("sub", claims.sub);
  payload.emplace("role", claims.role);
  payload.emplace("iat", claims.iat);
  payload.emplace("exp", claims.exp);
  payload.emplace("jti", claims.jti);
  const std::string json = boost::json::serialize(payload);

  std::string token;
  token.reserve(encoded_header().size() + json.size() * 4 / 3 + 48);
  token += encoded_header();
  token += '.';
  encode_into(json, token);
  const auto mac = key_->mac(token);
  token += '.';
  encode_into(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()), token);
  return token;
}

Claims Jwt::verify(std::string_view token) const { return verify(token, unix_now()); }

Claims Jwt::verify(std::string_view token, std::int64_t now) const {
  if (token.empty()) throw InvalidToken("empty token");
  if (token.size() > kMaxTokenBytes)
    throw InvalidToken("token longer than " + std::to_string(kMaxTokenBytes) + " bytes");
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    throw InvalidToken("token does not have exactly three segments");
  }
  const auto header = token.substr(0, dot1);
  const auto payload = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const auto signature = token.substr(dot2 + 1);
  if (header.empty() || payload.empty() || signature.empty()) throw InvalidToken("empty token segment");

  std::string scratch;
  scratch.reserve(payload.size());
  // The algorithm first: a token naming anything but HS256 is never MAC-checked.
  check_header(header, scratch);

  scratch.clear();
  if (!decode_into(signature, scratch) || scratch.size() != detail::HmacSha256Key::kSize) {
    throw InvalidToken("signature is not 32 bytes of base64url");
  }
  const auto expected = key_->mac(token.substr(0, dot2));
  if (CRYPTO_memcmp(expected.data(), scratch.data(), expected.size()) != 0) throw InvalidToken("signature mismatch");

  std::array<unsigned char, 4096> buffer;
  boost::json::monotonic_resource resource(buffer.data(), buffer.size());
  const boost::json::value value = parse_object(payload, "payload", scratch, resource);
  const auto& body = value.get_object();

  Claims claims;
  claims.exp = integer_claim(body, "exp");
  claims.iat = integer_claim(body, "iat");
  if (claims.exp <= now) throw InvalidToken("token expired");
  if (claims.iat > now + kMaxIatSkewSeconds) throw InvalidToken("token issued in the future");
  if (claims.exp <= claims.iat) throw InvalidToken("exp is not after iat");
  if (claims.exp - claims.iat > profile_.max_lifetime.count()) throw InvalidToken("lifetime exceeds the maximum");
  if (string_claim(body, "iss") != profile_.issuer) throw InvalidToken("iss is not this issuer");
  if (!audience_includes(body, profile_.audience)) throw InvalidToken("aud does not include this audience");
  claims.sub = string_claim(body, "sub");
  claims.role = string_claim(body, "role");
  if (!known_role(claims.role)) throw InvalidToken("unknown role");
  claims.jti = string_claim(body, "jti");
  return claims;
}

// ------------------------------------------------------------------ authenticator

http::Principal JwtAuthenticator::authenticate(const http::Request& request) const {
  const auto token = http::bearer_token(request);
  if (token.empty()) throw DomainError::unauthenticated("missing bearer token");
  try {
    auto claims = jwt_->verify(token);
    if (denied_ && denied_->denies(claims.sub, claims.iat)) throw InvalidToken("revoked (deny list)");
    return {.user_id = std::move(claims.sub), .role = std::move(claims.role)};
  } catch (const InvalidToken& e) {
    if (log::enabled(log::Level::debug)) {
      log::debug("bearer token rejected",
                 {{"request_id", request.request_id}, {"route", request.route}, {"reason", e.what()}});
    }
    throw DomainError::unauthenticated("invalid or expired token");
  }
}

// ------------------------------------------------------------------ config

config::Spec jwt_spec() {
  config::Spec s;
  // Not required_string: dev mode may leave it unset; make_jwt() enforces it.
  s.string("JWT_SECRET", "",
           "HS256 key of access tokens, at least 32 bytes (e.g. `openssl rand -hex 32`); the same on every "
           "service; required unless UITGO_DEV_MODE=true",
           /*secret=*/true)
      .integer("JWT_ACCESS_TTL_SECONDS", 900, 60, 86400, "lifetime of issued access tokens in seconds")
      .string("JWT_ISSUER", "uitgo",
              "iss of issued access tokens; verification requires it (the same on every service)")
      .string("JWT_AUDIENCE", "uitgo-api",
              "aud of issued access tokens; verification requires it (the same on every service)")
      .integer("ACCESS_TOKEN_MAX_TTL_SECONDS", 86400, 60, 604800,
               "tokens whose lifetime (exp - iat) is longer are refused; at least JWT_ACCESS_TTL_SECONDS")
      .boolean("UITGO_DEV_MODE", false,
               "development conveniences: fixed, public secrets when JWT_SECRET (or INTERNAL_TOKEN) is unset; never "
               "in production");
  return s;
}

std::shared_ptr<const Jwt> make_jwt(const config::Values& config) {
  std::string secret = config.has("JWT_SECRET") ? config.str("JWT_SECRET") : std::string();
  if (secret.empty() && config.flag("UITGO_DEV_MODE")) {
    log::warn(
        "JWT_SECRET is unset: using the public development secret (UITGO_DEV_MODE=true); "
        "anyone can forge tokens for this service");
    secret = std::string(kDevelopmentSecret);
  }
  if (secret.size() < kMinSecretBytes) {
    throw config::ConfigError(
        "JWT_SECRET must be set to at least 32 bytes (UITGO_DEV_MODE=true allows a development default)");
  }
  const std::chrono::seconds ttl(config.integer("JWT_ACCESS_TTL_SECONDS"));
  TokenProfile profile{.issuer = config.str("JWT_ISSUER"),
                       .audience = config.str("JWT_AUDIENCE"),
                       .max_lifetime = std::chrono::seconds(config.integer("ACCESS_TOKEN_MAX_TTL_SECONDS"))};
  if (ttl > profile.max_lifetime) {
    throw config::ConfigError("JWT_ACCESS_TTL_SECONDS must not exceed ACCESS_TOKEN_MAX_TTL_SECONDS");
  }
  if (profile.issuer.empty() || profile.audience.empty()) {
    throw config::ConfigError("JWT_ISSUER and JWT_AUDIENCE must not be empty");
  }
  return std::make_shared<const Jwt>(std::move(secret), ttl, std::move(profile));
}

}  // namespace uitgo::auth
