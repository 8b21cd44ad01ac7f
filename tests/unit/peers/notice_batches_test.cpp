// How the outbox relay cuts trip notices into batch bodies user-service takes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "peers/notification_contract.hpp"

namespace {

using uitgo::peers::notice_batches;
using uitgo::peers::TripNotice;

std::vector<TripNotice> notices(int n, std::size_t text_bytes) {
  std::vector<TripNotice> out;
  for (int i = 0; i < n; ++i) {
    TripNotice t;
    t.event_id = "trip.offered:" + std::to_string(i);
    t.kind = "offered";
    t.origin_text = std::string(text_bytes, 'x');
    out.push_back(t);
  }
  return out;
}

std::vector<std::size_t> sizes(const std::vector<std::vector<TripNotice>>& batches) {
  std::vector<std::size_t> out;
  for (const auto& b : batches) out.push_back(b.size());
  return out;
}

TEST(NoticeBatches, CutByCount) {
  EXPECT_EQ(sizes(notice_batches(notices(120, 10), 50, 1 << 20)), (std::vector<std::size_t>{50, 50, 20}));
  EXPECT_TRUE(notice_batches({}, 50, 1 << 20).empty());
}

TEST(NoticeBatches, CutBySizeKeepingOrder) {
  const auto batches = notice_batches(notices(10, 3000), 50, 10'000);
  EXPECT_EQ(sizes(batches), (std::vector<std::size_t>{3, 3, 3, 1}));
  EXPECT_EQ(batches[1][0].event_id, "trip.offered:3");
  EXPECT_EQ(batches[3][0].event_id, "trip.offered:9");
}

TEST(NoticeBatches, AnOversizedNoticeTravelsAlone) {
  EXPECT_EQ(sizes(notice_batches(notices(3, 20'000), 50, 10'000)), (std::vector<std::size_t>{1, 1, 1}));
}

}  // namespace
