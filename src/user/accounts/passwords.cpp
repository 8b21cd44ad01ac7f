#include "user/accounts/passwords.hpp"

#include <sodium.h>

#include <stdexcept>

namespace uitgo::user {
namespace {

void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

PasswordHasher::PasswordHasher(std::size_t threads, std::size_t max_queued) : pool_(threads, max_queued) {
  ensure_sodium();
  dummy_hash_ = hash_now("uitgo-dummy-password-for-timing");
}

std::string PasswordHasher::hash_now(const std::string& password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    // Only fails when memory cannot be allocated.
    throw OverloadedError("password hashing ran out of memory");
  }
  return out;
}

bool PasswordHasher::verify_now(const std::string& password, const std::string& stored_hash) {
  ensure_sodium();
  if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

awaitable<std::string> PasswordHasher::hash(std::string password) {
  auto job = [password = std::move(password)] { return hash_now(password); };
  co_return co_await pool_.run(std::move(job));
}

awaitable<bool> PasswordHasher::verify(std::string password, std::string stored_hash) {
  auto job = [password = std::move(password), stored_hash = std::move(stored_hash)] {
    return verify_now(password, stored_hash);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<void> PasswordHasher::verify_dummy(std::string password) {
  co_await verify(std::move(password), dummy_hash_);
}

}  // namespace uitgo::user
