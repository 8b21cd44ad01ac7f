// Hex digests for identifiers and fingerprints (not for passwords: those use
// argon2id) and HMAC-SHA256 for request signatures. One implementation, so
// every service formats them the same way.
#pragma once

#include <string>
#include <string_view>

namespace uitgo {

std::string sha1_hex(std::string_view data);
std::string sha256_hex(std::string_view data);
// Raw 32-byte HMAC-SHA256 of `data` under `key` (request signing, e.g. SigV4).
std::string hmac_sha256(std::string_view key, std::string_view data);
// Lower-case hex of raw bytes.
std::string to_hex(std::string_view bytes);

}  // namespace uitgo
