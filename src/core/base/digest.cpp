#include "core/base/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace uitgo {
namespace {

std::string hex_digest(std::string_view data, const EVP_MD* algorithm) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, algorithm, nullptr) != 1) {
    throw std::runtime_error("digest computation failed");
  }
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), size));
}

}  // namespace

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    hex += kHex[b >> 4];
    hex += kHex[b & 0x0f];
  }
  return hex;
}

std::string sha1_hex(std::string_view data) { return hex_digest(data, EVP_sha1()); }
std::string sha256_hex(std::string_view data) { return hex_digest(data, EVP_sha256()); }

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  const auto* out = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &size);
  if (out == nullptr) throw std::runtime_error("HMAC-SHA256 computation failed");
  return {reinterpret_cast<const char*>(mac), size};
}

}  // namespace uitgo
