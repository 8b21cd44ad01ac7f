#include "core/redis/reply_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace uitgo::redis {
namespace {

std::vector<Reply> parse(const std::string& bytes) {
  ReplyReader reader;
  reader.feed(bytes.data(), bytes.size());
  std::vector<Reply> replies;
  while (auto reply = reader.next()) replies.push_back(std::move(*reply));
  return replies;
}

Reply parse_one(const std::string& bytes) {
  auto replies = parse(bytes);
  EXPECT_EQ(replies.size(), 1u) << bytes;
  return replies.empty() ? Reply() : replies.front();
}

TEST(ReplyReader, ScalarTypes) {
  EXPECT_EQ(parse_one("+OK\r\n"), Reply::status("OK"));
  EXPECT_EQ(parse_one("-ERR unknown command\r\n"), Reply::error("ERR unknown command"));
  EXPECT_EQ(parse_one(":-42\r\n"), Reply::integer(-42));
  EXPECT_EQ(parse_one("$5\r\nhello\r\n"), Reply::string("hello"));
  EXPECT_EQ(parse_one("$0\r\n\r\n"), Reply::string(""));
  EXPECT_EQ(parse_one("$-1\r\n"), Reply());
  EXPECT_EQ(parse_one("*-1\r\n"), Reply());
}

TEST(ReplyReader, BulkStringsAreBinarySafe) {
  EXPECT_EQ(parse_one(std::string("$5\r\na\0\r\nb\r\n", 11)), Reply::string(std::string("a\0\r\nb", 5)));
}

TEST(ReplyReader, NestedArrays) {
  Reply reply = parse_one("*3\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n*0\r\n");
  Reply expected = Reply::array({Reply::string("a"), Reply::array({Reply::integer(1), Reply()}), Reply::array({})});
  EXPECT_EQ(reply, expected) << reply.debug_string();
}

TEST(ReplyReader, ErrorsInsideArraysStayInPlace) {
  // EXEC answers with one reply per queued command, errors included.
  Reply reply = parse_one("*2\r\n+OK\r\n-WRONGTYPE bad\r\n");
  ASSERT_EQ(reply.as_array().size(), 2u);
  EXPECT_TRUE(reply.as_array()[1].is_error());
}

TEST(ReplyReader, ManyRepliesInOneRead) {
  auto replies = parse("+OK\r\n:1\r\n$1\r\nx\r\n*1\r\n+PONG\r\n");
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[2], Reply::string("x"));
}

TEST(ReplyReader, RepliesSplitAcrossReadsAtEveryByte) {
  const std::string stream = "*2\r\n$5\r\nhello\r\n*1\r\n:7\r\n+OK\r\n";
  ReplyReader reader;
  std::vector<Reply> replies;
  for (char byte : stream) {
    reader.feed(&byte, 1);
    while (auto reply = reader.next()) replies.push_back(std::move(*reply));
  }
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0], Reply::array({Reply::string("hello"), Reply::array({Reply::integer(7)})}));
  EXPECT_EQ(replies[1], Reply::status("OK"));
}

TEST(ReplyReader, IncompleteReplyWaitsForMoreBytes) {
  ReplyReader reader;
  reader.feed("$10\r\nhello", 10);
  EXPECT_EQ(reader.next(), std::nullopt);
  reader.feed("world\r\n", 7);
  EXPECT_EQ(reader.next(), Reply::string("helloworld"));
}

TEST(ReplyReader, LargeBulkString) {
  std::string big(1 << 20, 'z');
  EXPECT_EQ(parse_one("$" + std::to_string(big.size()) + "\r\n" + big + "\r\n"), Reply::string(big));
}

TEST(ReplyReader, GarbageIsAProtocolError) {
  ReplyReader reader;
  reader.feed("?what\r\n", 7);
  EXPECT_THROW(reader.next(), ProtocolError);
}

TEST(ReplyReader, IncompleteArrayIsFreedWithTheReader) {
  // Exercised under sanitizers: a half-built nested reply must not leak.
  ReplyReader reader;
  const std::string partial = "*3\r\n*2\r\n$1\r\na\r\n";
  reader.feed(partial.data(), partial.size());
  EXPECT_EQ(reader.next(), std::nullopt);
}

TEST(ReplyReader, AHugeArrayCountIsNotAllocatedUpFront) {
  // Reserving 2^31 - 1 elements up front failed (or, for smaller counts, took
  // gigabytes) before a single element had arrived.
  ReplyReader reader;
  const std::string header = "*2147483647\r\n:1\r\n*1\r\n";
  reader.feed(header.data(), header.size());
  EXPECT_EQ(reader.next(), std::nullopt);
}

TEST(ReplyReader, ArraysLongerThanTheirFirstRoomKeepNestedElements) {
  // Elements beyond the room reserved at the header move as the array grows;
  // nested arrays among them must come out whole.
  constexpr int kCount = 5000;
  std::string bytes = "*" + std::to_string(kCount) + "\r\n";
  std::vector<Reply> expected;
  for (int i = 0; i < kCount; ++i) {
    bytes += "*2\r\n:" + std::to_string(i) + "\r\n*1\r\n$1\r\nx\r\n";
    expected.push_back(Reply::array({Reply::integer(i), Reply::array({Reply::string("x")})}));
  }
  EXPECT_EQ(parse_one(bytes), Reply::array(std::move(expected)));
}

}  // namespace
}  // namespace uitgo::redis
