#include "core/base/digest.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace uitgo {
namespace {

std::string hex_digest(std::string_view data, const EVP_MD* algorithm) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, algorithm, nullptr) != 1) {
    throw std::runtime_error("digest computation failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace

std::string sha1_hex(std::string_view data) { return hex_digest(data, EVP_sha1()); }
std::string sha256_hex(std::string_view data) { return hex_digest(data, EVP_sha256()); }

}  // namespace uitgo
