// JWT issue / verify cost per call: ./jwt_bench (see README for the figures).
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

#include "core/auth/jwt.hpp"

namespace {

const std::string kSecret(64, 'k');

void BM_JwtIssue(benchmark::State& state) {
  const uitgo::auth::Jwt jwt(kSecret);
  for (auto _ : state) benchmark::DoNotOptimize(jwt.issue("3f2a8c1e-5b7d-4e0f-9a61-2c4d8e7f1b3a", "rider"));
}
BENCHMARK(BM_JwtIssue)->ThreadRange(1, 2);

void BM_JwtVerify(benchmark::State& state) {
  const uitgo::auth::Jwt jwt(kSecret);
  const auto token = jwt.issue("3f2a8c1e-5b7d-4e0f-9a61-2c4d8e7f1b3a", "rider");
  for (auto _ : state) benchmark::DoNotOptimize(jwt.verify(token));
}
BENCHMARK(BM_JwtVerify)->ThreadRange(1, 2);

// The cheapest rejection an attacker can cause: bad signature.
void BM_JwtVerifyBadSignature(benchmark::State& state) {
  const uitgo::auth::Jwt jwt(kSecret);
  const auto token = uitgo::auth::Jwt(std::string(64, 'x')).issue("3f2a8c1e-5b7d-4e0f-9a61-2c4d8e7f1b3a", "rider");
  for (auto _ : state) {
    try {
      benchmark::DoNotOptimize(jwt.verify(token));
    } catch (const uitgo::auth::InvalidToken&) {
    }
  }
}
BENCHMARK(BM_JwtVerifyBadSignature);

// Baseline: OpenSSL's one-shot HMAC() over a token-sized input, which the
// verifier avoids by keeping the keyed SHA-256 states.
void BM_OpenSslOneShotHmac(benchmark::State& state) {
  const std::string input(200, 'm');
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  for (auto _ : state) {
    HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), out, &len);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_OpenSslOneShotHmac);

}  // namespace
