// Hex digests for identifiers and fingerprints (not for passwords: those use
// argon2id). One implementation, so every service formats them the same way.
#pragma once

#include <string>
#include <string_view>

namespace uitgo {

std::string sha1_hex(std::string_view data);
std::string sha256_hex(std::string_view data);

}  // namespace uitgo
