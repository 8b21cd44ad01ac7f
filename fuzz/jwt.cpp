// Fuzz target: access tokens. (1) Jwt::verify on the input as a token, with a
// fixed secret and clock: only InvalidToken may come out, and a token that
// verifies has sane claims. (2) A property: a token signed the way
// Jwt::issue signs (claims drawn from the input, fixed clock, since issue's
// clock and random jti would make runs differ) verifies to its own claims, and
// the same token with one byte changed never verifies. (3) The input as a
// bearer header through JwtAuthenticator: a failure is a 401 DomainError.
#include <fuzzer/FuzzedDataProvider.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/auth/jwt.hpp"
#include "core/base/errors.hpp"
#include "core/http/request.hpp"
#include "fuzz/check.hpp"

namespace {

using namespace uitgo;
using fuzz::expect;

constexpr std::int64_t kNow = 1'800'000'000;  // 2027-01-15, Unix seconds
constexpr std::chrono::seconds kTtl{900};

const std::shared_ptr<const auth::Jwt>& jwt() {
  static const auto instance = std::make_shared<const auth::Jwt>("fuzz-secret-0123456789abcdef0123456789abcdef", kTtl);
  return instance;
}

void verify_as_given(const std::string& token) {
  try {
    const auto claims = jwt()->verify(token, kNow);
    expect(claims.exp > kNow && !claims.sub.empty() && !claims.jti.empty(), "a verified token has sane claims");
    expect(claims.role == "rider" || claims.role == "driver" || claims.role == "admin", "a known role");
  } catch (const auth::InvalidToken&) {
    return;
  }
}

// Printable ASCII, quotes and backslashes included: what a user id or a
// token id can hold (issue() is given UUIDs and makes 32 hex digits).
std::string printable(FuzzedDataProvider& in, std::size_t max_length) {
  std::string text = in.ConsumeRandomLengthString(max_length);
  for (auto& c : text) c = static_cast<char>(0x20 + static_cast<unsigned char>(c) % 95);
  return text.empty() ? std::string("x") : text;
}

auth::Claims claims_from(FuzzedDataProvider& in) {
  static const char* const kRoles[] = {"rider", "driver", "admin"};
  auth::Claims c;
  c.role = kRoles[in.ConsumeIntegralInRange<int>(0, 2)];
  c.iat = kNow - in.ConsumeIntegralInRange<std::int64_t>(0, kTtl.count() - 1);
  c.exp = c.iat + kTtl.count();
  c.sub = printable(in, 64);
  c.jti = printable(in, 32);
  return c;
}

void one_byte_changed(FuzzedDataProvider& in) {
  const auto claims = claims_from(in);
  const std::string token = jwt()->sign(claims);
  const auto back = jwt()->verify(token, kNow);
  expect(back.sub == claims.sub && back.role == claims.role && back.jti == claims.jti && back.exp == claims.exp,
         "a signed token verifies to its own claims");
  std::string changed = token;
  const auto at = in.ConsumeIntegralInRange<std::size_t>(0, changed.size() - 1);
  const auto delta = in.ConsumeIntegralInRange<int>(1, 255);
  changed[at] = static_cast<char>(static_cast<unsigned char>(changed[at]) + delta);
  try {
    jwt()->verify(changed, kNow);
  } catch (const auth::InvalidToken&) {
    return;
  }
  expect(false, "a token with one byte changed never verifies");
}

void as_bearer_header(const std::string& token) {
  http::Request request;
  request.headers.emplace_back("authorization", "Bearer " + token);
  try {
    auth::JwtAuthenticator(jwt()).authenticate(request);
  } catch (const DomainError& e) {
    expect(e.kind() == Refusal::unauthenticated, "a bad bearer token is a 401");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string token(reinterpret_cast<const char*>(data), size);
  verify_as_given(token);
  as_bearer_header(token);
  FuzzedDataProvider in(data, size);
  one_byte_changed(in);
  return 0;
}
