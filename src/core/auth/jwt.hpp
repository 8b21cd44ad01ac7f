// Access tokens: JWT signed with HS256 and nothing else. The algorithm is
// pinned: a token whose header names any other algorithm (none, RS256, HS512)
// is rejected before its signature is even looked at. Tokens follow the
// access-token profile of RFC 9068: header typ "at+jwt", claims iss and aud,
// all three required on verification, and a capped lifetime (exp - iat).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/auth/deny_list.hpp"
#include "core/base/config.hpp"
#include "core/http/auth.hpp"

namespace uitgo::auth {

// Longer tokens are rejected before any decoding or parsing.
inline constexpr std::size_t kMaxTokenBytes = 4096;
// HS256 keys shorter than this are refused (RFC 7518 §3.2: at least the hash size).
inline constexpr std::size_t kMinSecretBytes = 32;
// exp has no leeway: a token is accepted while exp > now (seconds). iat may be
// at most this far ahead of our clock (clock skew between instances).
inline constexpr std::int64_t kMaxIatSkewSeconds = 60;
// The key used when UITGO_DEV_MODE=true and JWT_SECRET is unset. Public on
// purpose: anyone can forge tokens for a service running with it.
inline constexpr std::string_view kDevelopmentSecret = "uitgo-development-only-insecure-jwt-secret-never-in-production";

// Who issues access tokens, for whom, and the longest lifetime accepted.
struct TokenProfile {
  std::string issuer = "uitgo";
  std::string audience = "uitgo-api";
  std::chrono::seconds max_lifetime{86400};
};

struct Claims {
  std::string sub;   // user id
  std::string role;  // rider | driver | admin
  std::string jti;   // unique token id
  std::int64_t iat = 0;
  std::int64_t exp = 0;
};

// Thrown by verify(); the message says what was wrong (for logs, never for clients).
struct InvalidToken : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {
class HmacSha256Key;
}

class Jwt {
 public:
  // `secret` must be at least kMinSecretBytes long and `access_ttl` positive
  // and within profile.max_lifetime (std::invalid_argument otherwise);
  // make_jwt() reports the same as a config error.
  explicit Jwt(std::string secret, std::chrono::seconds access_ttl = std::chrono::minutes(15),
               TokenProfile profile = {});

  // A signed token for `sub`/`role` with iat = now, exp = now + access_ttl and a random jti.
  std::string issue(std::string_view sub, std::string_view role) const;
  // Signs exactly these claims, with the profile's iss and aud (tests use it
  // to make expired tokens).
  std::string sign(const Claims& claims) const;
  // Checks structure, header (typ at+jwt, alg HS256), signature (constant
  // time), iss and aud (the profile's), exp (required, in the future), iat,
  // exp - iat (at most profile.max_lifetime), sub and role. Throws InvalidToken.
  Claims verify(std::string_view token) const;
  // The same with an explicit clock (Unix seconds), for tests.
  Claims verify(std::string_view token, std::int64_t now_seconds) const;

  std::chrono::seconds access_ttl() const { return access_ttl_; }
  const TokenProfile& profile() const { return profile_; }

 private:
  std::shared_ptr<const detail::HmacSha256Key> key_;
  std::chrono::seconds access_ttl_;
  TokenProfile profile_;
};

// The http::Authenticator every service installs: Bearer header (or ?token=)
// verified with Jwt; every failure is 401 with one generic message.
class JwtAuthenticator final : public http::Authenticator {
 public:
  // `denied`: tokens revoked before they expire (deny_list.hpp), or none.
  explicit JwtAuthenticator(std::shared_ptr<const Jwt> jwt, std::shared_ptr<const DenyList> denied = nullptr)
      : jwt_(std::move(jwt)), denied_(std::move(denied)) {}
  http::Principal authenticate(const http::Request& request) const override;

 private:
  std::shared_ptr<const Jwt> jwt_;
  std::shared_ptr<const DenyList> denied_;
};

// JWT_SECRET (required unless dev mode, >= 32 bytes, never echoed),
// JWT_ACCESS_TTL_SECONDS (900, 60..86400), JWT_ISSUER (uitgo), JWT_AUDIENCE
// (uitgo-api), ACCESS_TOKEN_MAX_TTL_SECONDS (86400), UITGO_DEV_MODE (false).
config::Spec jwt_spec();
// Builds the Jwt from config; throws config::ConfigError for a missing or
// short secret. With UITGO_DEV_MODE=true a missing secret falls back to
// kDevelopmentSecret (and logs a warning); a short one is still an error.
std::shared_ptr<const Jwt> make_jwt(const config::Values& config);

// RFC 4648 §5 base64url without padding.
std::string base64url_encode(std::string_view bytes);
// Strict: rejects '=', characters outside the alphabet, impossible lengths
// and non-zero unused trailing bits (so every byte string has one encoding).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace uitgo::auth
