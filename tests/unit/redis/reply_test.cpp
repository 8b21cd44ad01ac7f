#include "core/redis/reply.hpp"

#include <gtest/gtest.h>

namespace uitgo::redis {
namespace {

TEST(Reply, DefaultIsNil) {
  Reply reply;
  EXPECT_TRUE(reply.is_nil());
  EXPECT_EQ(reply.as_optional_string(), std::nullopt);
  EXPECT_TRUE(reply.as_array().empty());  // a nil array (BLPOP timeout) reads as empty
  EXPECT_THROW(reply.as_string(), ReplyTypeError);
  EXPECT_THROW(reply.as_int(), ReplyTypeError);
}

TEST(Reply, StringsAndStatus) {
  EXPECT_EQ(Reply::string("v").as_string(), "v");
  EXPECT_EQ(Reply::status("OK").as_string(), "OK");
  EXPECT_EQ(Reply::string("v").as_optional_string(), "v");
  EXPECT_TRUE(Reply::status("OK").is_status());
  EXPECT_THROW(Reply::string("v").as_array(), ReplyTypeError);
}

TEST(Reply, Integers) {
  EXPECT_EQ(Reply::integer(-5).as_int(), -5);
  EXPECT_EQ(Reply::string("12").as_int(), 12);  // GET of a counter
  EXPECT_THROW(Reply::string("12a").as_int(), ReplyTypeError);
  EXPECT_THROW(Reply::string("").as_int(), ReplyTypeError);
  EXPECT_THROW(Reply::string("99999999999999999999").as_int(), ReplyTypeError);
  EXPECT_THROW(Reply::status("OK").as_int(), ReplyTypeError);
}

TEST(Reply, Doubles) {
  EXPECT_DOUBLE_EQ(Reply::string("0.1234").as_double(), 0.1234);  // GEOSEARCH WITHDIST
  EXPECT_DOUBLE_EQ(Reply::string("-3").as_double(), -3.0);
  EXPECT_DOUBLE_EQ(Reply::integer(7).as_double(), 7.0);
  EXPECT_THROW(Reply::string("x").as_double(), ReplyTypeError);
}

TEST(Reply, ErrorRepliesThrowCommandErrorFromEveryAccessor) {
  Reply error = Reply::error("WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_TRUE(error.is_error());
  EXPECT_EQ(error.error_message(), "WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_THROW(error.as_string(), CommandError);
  EXPECT_THROW(error.as_int(), CommandError);
  EXPECT_THROW(error.as_array(), CommandError);
  EXPECT_THROW(error.as_optional_string(), CommandError);
  try {
    error.throw_if_error();
    FAIL() << "expected CommandError";
  } catch (const CommandError& e) {
    EXPECT_EQ(e.code(), "WRONGTYPE");
  }
  EXPECT_NO_THROW(Reply::status("OK").throw_if_error());
  EXPECT_THROW(Reply::status("OK").error_message(), ReplyTypeError);
}

TEST(Reply, ArraysAreNestedValues) {
  Reply reply = Reply::array({Reply::string("a"), Reply::integer(1), Reply(), Reply::array({Reply::status("OK")})});
  ASSERT_EQ(reply.as_array().size(), 4u);
  EXPECT_EQ(reply.as_array()[0].as_string(), "a");
  EXPECT_EQ(reply.as_array()[3].as_array()[0].as_string(), "OK");
  EXPECT_EQ(reply.debug_string(), "[\"a\", 1, nil, [OK]]");

  Reply copy = reply;
  EXPECT_EQ(copy, reply);
  copy.as_array().pop_back();
  EXPECT_NE(copy, reply);
}

TEST(Reply, TypeErrorMessagesAreBounded) {
  try {
    Reply::string(std::string(10000, 'x')).as_int();
    FAIL();
  } catch (const ReplyTypeError& e) {
    EXPECT_LT(std::string(e.what()).size(), 300u);
  }
  try {
    Reply::array({Reply::string(std::string(10000, 'x'))}).as_int();
    FAIL();
  } catch (const ReplyTypeError& e) {
    EXPECT_LT(std::string(e.what()).size(), 300u);
  }
}

TEST(Reply, TypeNames) {
  EXPECT_STREQ(to_string(Reply::Type::array), "array");
  EXPECT_STREQ(to_string(Reply::Type::nil), "nil");
}

}  // namespace
}  // namespace uitgo::redis
