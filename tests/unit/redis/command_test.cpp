#include "core/redis/command.hpp"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace uitgo::redis {
namespace {

// hiredis's own encoder is the reference for what Redis accepts.
std::string hiredis_encoding(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  char* out = nullptr;
  int size = redisFormatCommandArgv(&out, static_cast<int>(args.size()), argv.data(), lengths.data());
  std::string encoded(out, static_cast<std::size_t>(size));
  redisFreeCommand(out);
  return encoded;
}

TEST(Command, EncodesAsMultiBulk) {
  Command command{"SET", "key", "value"};
  EXPECT_EQ(command.size(), 3u);
  EXPECT_EQ(command.encode(), "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n");
}

TEST(Command, MatchesHiredisForBinaryAndEmptyArguments) {
  std::string binary("a\0b\r\nc", 6);
  std::vector<std::string> args{"HSET", "h", "", binary, std::string(1000, 'x')};
  EXPECT_EQ(Command(args).encode(), hiredis_encoding(args));
}

TEST(Command, FormatsNumbers) {
  Command command{"X", 42, -7, std::numeric_limits<std::uint64_t>::max(), std::size_t{3}, 106.6297, 10.8231};
  EXPECT_EQ(command.encode(), hiredis_encoding({"X", "42", "-7", "18446744073709551615", "3", "106.6297", "10.8231"}));
}

TEST(Command, AcceptsStringsViewsAndTemporaries) {
  std::string key = "driver:1";
  std::string_view member = "m";
  Command command{"GEOADD", key, member, std::string("tmp")};
  EXPECT_EQ(command.encode(), hiredis_encoding({"GEOADD", "driver:1", "m", "tmp"}));
}

TEST(Command, PushAndAppendBuildArgumentLists) {
  Command keys{"k1", "k2"};
  Command args;
  args.push("a").push(5);
  Command evalsha{"EVALSHA", "sha", keys.size()};
  evalsha.append(keys).append(args);
  EXPECT_EQ(evalsha.size(), 7u);
  EXPECT_EQ(evalsha.encode(), hiredis_encoding({"EVALSHA", "sha", "2", "k1", "k2", "a", "5"}));
}

TEST(Command, EncodeToAppendsSoCommandsShareABuffer) {
  std::string buffer = "prefix";
  Command{"PING"}.encode_to(buffer);
  Command{"GET", "a"}.encode_to(buffer);
  EXPECT_EQ(buffer, "prefix*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n");
}

TEST(Command, EmptyCommand) {
  Command command;
  EXPECT_TRUE(command.empty());
  EXPECT_EQ(command.encode(), "*0\r\n");
}

}  // namespace
}  // namespace uitgo::redis
