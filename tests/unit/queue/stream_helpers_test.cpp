#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "queue/redis_stream_queue.hpp"

namespace uitgo::queue::detail {
namespace {

using redis::Reply;

TEST(StreamHelpers, IdsAndNumbers) {
  EXPECT_EQ(stream_id_ms("1700000000123-7"), 1700000000123);
  EXPECT_EQ(stream_id_ms("1700000000123"), 1700000000123);
  EXPECT_EQ(stream_id_ms("garbage"), 0);
  EXPECT_EQ(to_int("42", -1), 42);
  EXPECT_EQ(to_int("", -1), -1);
  EXPECT_EQ(to_int("4x", -1), -1);
}

TEST(StreamHelpers, FieldPairs) {
  const auto flat = Reply::array({Reply::string("body"), Reply::string("{}"), Reply::string("prior"),
                                  Reply::string("2"), Reply::string("dangling")});
  const auto fields = field_pairs(flat);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(field(fields, "body"), "{}");
  EXPECT_EQ(field(fields, "prior"), "2");
  EXPECT_EQ(field(fields, "missing"), "");
  EXPECT_TRUE(field_pairs(Reply()).empty());
}

TEST(StreamHelpers, DelayedMemberCarriesTheCount) {
  Message m;
  m.id = "1-1";
  m.body = R"({"tripId":"t"})";
  m.deliveries = 3;
  m.sent_at_ms = 1700000000000;
  const auto o = boost::json::parse(delayed_member(m)).as_object();
  EXPECT_EQ(o.at("body").as_string(), m.body);
  EXPECT_EQ(o.at("prior"), "3") << "strings: Lua's cjson would round big numbers";
  EXPECT_EQ(o.at("sent_at"), "1700000000000");
  Message other = m;
  other.id = "1-2";
  EXPECT_NE(delayed_member(m), delayed_member(other)) << "equal bodies stay distinct members";
}

TEST(StreamHelpers, BlockTime) {
  using std::chrono::milliseconds;
  EXPECT_EQ(block_time(milliseconds(0), -1, milliseconds(30000)), std::nullopt) << "no wait: do not block";
  EXPECT_EQ(block_time(milliseconds(5000), -1, milliseconds(30000)), milliseconds(5000));
  EXPECT_EQ(block_time(milliseconds(5000), 1200, milliseconds(30000)), milliseconds(1200)) << "a delayed one is due";
  EXPECT_EQ(block_time(milliseconds(5000), -1, milliseconds(800)), milliseconds(800)) << "reclaim on time";
  EXPECT_EQ(block_time(milliseconds(5000), 0, milliseconds(800)), milliseconds(1)) << "never BLOCK 0 (forever)";
}

TEST(StreamHelpers, ReclaimInterval) {
  using std::chrono::milliseconds;
  EXPECT_EQ(reclaim_interval(milliseconds(30000)), milliseconds(1000)) << "at most a second past the timeout";
  EXPECT_EQ(reclaim_interval(milliseconds(400)), milliseconds(100)) << "a quarter of a short timeout";
  EXPECT_EQ(reclaim_interval(milliseconds(2)), milliseconds(1)) << "never every receive without a pause";
}

}  // namespace
}  // namespace uitgo::queue::detail
