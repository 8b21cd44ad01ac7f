#include "core/redis/options.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace uitgo::redis {
namespace {

TEST(Options, Defaults) {
  Options options;
  EXPECT_EQ(options.host, "127.0.0.1");
  EXPECT_EQ(options.port, 6379);
  EXPECT_EQ(options.db, 0);
  EXPECT_TRUE(options.password.empty());
  EXPECT_GT(options.max_in_flight, 0u);
  EXPECT_LE(options.ping_timeout, options.command_timeout);
}

TEST(Options, HostPortAndDb) {
  Options options = Options::from_url("redis://127.0.0.1:16380/2");
  EXPECT_EQ(options.host, "127.0.0.1");
  EXPECT_EQ(options.port, 16380);
  EXPECT_EQ(options.db, 2);
  EXPECT_TRUE(options.password.empty());
  EXPECT_TRUE(options.username.empty());
}

TEST(Options, PortAndDbAreOptional) {
  Options options = Options::from_url("redis://cache.internal");
  EXPECT_EQ(options.host, "cache.internal");
  EXPECT_EQ(options.port, 6379);
  EXPECT_EQ(options.db, 0);
  EXPECT_EQ(Options::from_url("redis://h:1/").db, 0);
}

TEST(Options, PasswordOnly) {
  Options options = Options::from_url("redis://:s3cret@localhost:6380/1");
  EXPECT_TRUE(options.username.empty());
  EXPECT_EQ(options.password, "s3cret");
  EXPECT_EQ(options.host, "localhost");
  EXPECT_EQ(options.port, 6380);
  EXPECT_EQ(options.db, 1);
}

TEST(Options, UserAndPercentEncodedPassword) {
  Options options = Options::from_url("redis://app:p%40ss%3Aword@10.0.0.5:6379");
  EXPECT_EQ(options.username, "app");
  EXPECT_EQ(options.password, "p@ss:word");
}

TEST(Options, LoneUserinfoIsThePassword) { EXPECT_EQ(Options::from_url("redis://secret@h:1").password, "secret"); }

TEST(Options, Ipv6Host) {
  Options options = Options::from_url("redis://[::1]:6379");
  EXPECT_EQ(options.host, "::1");
}

TEST(Options, InvalidUrls) {
  for (const char* url : {"", "127.0.0.1:6379", "http://h:1", "rediss://h:1", "redis://h:1/x", "redis://h:1/-1",
                          "redis://h:1/0/1", "redis://h:99999", "redis://h:1?db=1", "redis:///0", "redis://h:1#x"}) {
    EXPECT_THROW(Options::from_url(url), std::invalid_argument) << url;
  }
}

TEST(Options, ErrorsDoNotShowThePassword) {
  try {
    Options::from_url("redis://:hunter2@h:1/x");
    FAIL();
  } catch (const std::invalid_argument& e) {
    std::string message = e.what();
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    EXPECT_NE(message.find("database number"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace uitgo::redis
