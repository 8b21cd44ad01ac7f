// The slow-client policy of a WebSocket's outgoing queue (send_queue.hpp).
#include "core/http/send_queue.hpp"

#include <gtest/gtest.h>

namespace uitgo::http {
namespace {

Outgoing location(std::string text) { return {std::move(text), true}; }
Outgoing status(std::string text) { return {std::move(text), false}; }

std::vector<std::string> drain(SendQueue& q) {
  std::vector<std::string> out;
  while (auto m = q.pop()) out.push_back(m->text);
  return out;
}

TEST(SendQueue, QueuesInOrderBelowCapacity) {
  SendQueue q(3);
  EXPECT_EQ(q.push(status("a")), SendQueue::Push::queued);
  EXPECT_EQ(q.push(location("b")), SendQueue::Push::queued);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(drain(q), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.pop().has_value());
}

TEST(SendQueue, FullQueueDropsTheOldestLocationFirst) {
  SendQueue q(3);
  q.push(status("s1"));
  q.push(location("l1"));
  q.push(location("l2"));
  EXPECT_EQ(q.push(location("l3")), SendQueue::Push::dropped_oldest);
  EXPECT_EQ(q.push(status("s2")), SendQueue::Push::dropped_oldest);
  EXPECT_EQ(drain(q), (std::vector<std::string>{"s1", "l3", "s2"}));
}

TEST(SendQueue, LocationIsDroppedWhenOnlyStatusesWait) {
  SendQueue q(2);
  q.push(status("s1"));
  q.push(status("s2"));
  EXPECT_EQ(q.push(location("l1")), SendQueue::Push::dropped_new);
  EXPECT_EQ(drain(q), (std::vector<std::string>{"s1", "s2"}));
}

TEST(SendQueue, StatusOverflowsAQueueFullOfStatuses) {
  SendQueue q(2);
  q.push(status("s1"));
  q.push(status("s2"));
  EXPECT_EQ(q.push(status("s3")), SendQueue::Push::overflow);
  EXPECT_EQ(q.size(), 2u);
}

TEST(SendQueue, ZeroCapacityMeansOne) {
  SendQueue q(0);
  EXPECT_EQ(q.capacity(), 1u);
  EXPECT_EQ(q.push(location("a")), SendQueue::Push::queued);
  EXPECT_EQ(q.push(location("b")), SendQueue::Push::dropped_oldest);
  EXPECT_EQ(drain(q), (std::vector<std::string>{"b"}));
}

}  // namespace
}  // namespace uitgo::http
