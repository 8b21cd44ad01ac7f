#include "core/redis/script.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include "core/base/digest.hpp"

namespace uitgo::redis {

Script::Script(std::string source)
    : source_(std::make_shared<const std::string>(std::move(source))), sha1_(uitgo::sha1_hex(*source_)) {}

}  // namespace uitgo::redis
