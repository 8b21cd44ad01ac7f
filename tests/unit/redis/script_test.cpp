#include "core/redis/script.hpp"

#include <gtest/gtest.h>

#include "core/base/digest.hpp"

namespace uitgo::redis {
namespace {

TEST(Script, DigestIsTheOneRedisComputes) {
  // Values as printed by `printf '...' | sha1sum`, which is also what SCRIPT LOAD returns.
  EXPECT_EQ(Script("return 1").sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  Script reserve{"return redis.call('SET', KEYS[1], ARGV[1], 'NX')"};
  EXPECT_EQ(reserve.sha1(), "01e6638da61b3449b1e5c9c9b62387c167d4a269");
  EXPECT_EQ(reserve.source(), "return redis.call('SET', KEYS[1], ARGV[1], 'NX')");
}

TEST(Script, EmptyInput) { EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709"); }

}  // namespace
}  // namespace uitgo::redis
