// Password hashing with argon2id (libsodium crypto_pwhash_str, "interactive"
// limits: ~65 ms and 64 MiB per hash on this class of machine). The cost is
// deliberate; hashing runs on a bounded pool so it never stalls requests that
// do not hash.
#pragma once

#include <memory>
#include <string>

#include "core/base/async.hpp"
#include "core/base/blocking_pool.hpp"

namespace uitgo::user {

class PasswordHasher {
 public:
  PasswordHasher(std::size_t threads, std::size_t max_queued);

  awaitable<std::string> hash(std::string password);
  // False for a wrong password or a malformed stored hash.
  awaitable<bool> verify(std::string password, std::string stored_hash);
  // Spends the same time as verify() against a fixed hash, so an unknown email
  // costs as much as a wrong password (no account enumeration by timing).
  awaitable<void> verify_dummy(std::string password);

  // Synchronous forms for tools (seeding), never for request handlers.
  static std::string hash_now(const std::string& password);
  static bool verify_now(const std::string& password, const std::string& stored_hash);

 private:
  BlockingPool pool_;
  std::string dummy_hash_;
};

}  // namespace uitgo::user
