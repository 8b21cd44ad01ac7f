#include <gtest/gtest.h>

#include "core/base/time.hpp"

using uitgo::format_rfc3339_ms;
using uitgo::parse_rfc3339_ms;

TEST(Timestamps, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(1700000000123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(format_rfc3339_ms(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
}

TEST(Timestamps, ParsesRfc3339) {
  EXPECT_EQ(parse_rfc3339_ms("2023-11-14T22:13:20.123Z"), 1700000000123);
  EXPECT_EQ(parse_rfc3339_ms("2023-11-14t22:13:20z"), 1700000000000);
  EXPECT_EQ(parse_rfc3339_ms("2023-11-15T05:13:20.123456+07:00"), 1700000000123);
  EXPECT_EQ(parse_rfc3339_ms("2023-11-14T21:13:20.1-01:00"), 1700000000100);
  EXPECT_EQ(parse_rfc3339_ms("2000-02-29T00:00:00Z"), 951782400000);
  for (std::int64_t ms : {0LL, 1LL, 1700000000123LL, 4102444799999LL}) {
    EXPECT_EQ(parse_rfc3339_ms(format_rfc3339_ms(ms)), ms);
  }
}

TEST(Timestamps, RejectsAnythingElse) {
  for (const char* bad :
       {"", "2023-11-14", "2023-11-14T22:13:20", "2023-11-14 22:13:20Z", "2023-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
        "2023-04-31T00:00:00Z", "2023-11-14T24:00:00Z", "2023-11-14T22:60:00Z", "2023-11-14T22:13:60Z",
        "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20+0700", "2023-11-14T22:13:20+07", "2023-11-14T22:13:20Zjunk",
        "20231114T221320Z", "tomorrow", "2023-11-14T22:13:20.1234567890Z"}) {
    EXPECT_FALSE(parse_rfc3339_ms(bad).has_value()) << bad;
  }
}
