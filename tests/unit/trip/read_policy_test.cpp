#include "trip/reads/read_policy.hpp"

#include <gtest/gtest.h>

namespace uitgo::trip {
namespace {

TEST(Lsn, ParsesPostgresText) {
  EXPECT_EQ(parse_lsn("0/0"), Lsn{0});
  EXPECT_EQ(parse_lsn("16/B374D848"), Lsn{0x16B374D848});
  EXPECT_EQ(parse_lsn("0/3000148"), Lsn{0x3000148});
  EXPECT_EQ(parse_lsn("ffffffff/ffffffff"), Lsn{0xFFFFFFFFFFFFFFFF});
  // The low half is a full 32-bit number: 1/0 is past 0/FFFFFFFF.
  EXPECT_GT(*parse_lsn("1/0"), *parse_lsn("0/FFFFFFFF"));
  EXPECT_GT(*parse_lsn("0/10"), *parse_lsn("0/F"));
}

TEST(Lsn, RejectsMalformedText) {
  for (const char* bad : {"", "/", "16", "16/", "/B374D848", "16/B374D848/1", "1G/0", "0/-1", "+1/0", "100000000/0",
                          "0/100000000", " 0/1", "0/1 "}) {
    EXPECT_EQ(parse_lsn(bad), std::nullopt) << bad;
  }
}

TEST(Lsn, FormatsLikePostgres) {
  EXPECT_EQ(format_lsn(0), "0/0");
  EXPECT_EQ(format_lsn(0x16B374D848), "16/B374D848");
  EXPECT_EQ(parse_lsn(format_lsn(0x123456789A)), Lsn{0x123456789A});
}

ReadState with_replica() {
  ReadState s;
  s.has_replica = true;
  return s;
}

TEST(ChooseRead, WithoutReplicaEverythingReadsThePrimary) {
  ReadState s;
  s.last_write = 100;
  const auto c = choose_read(s);
  EXPECT_EQ(c.target, ReadTarget::primary);
  EXPECT_EQ(c.reason, "no_replica");
}

TEST(ChooseRead, CallersWithoutRecentWritesReadTheReplica) {
  const auto c = choose_read(with_replica());
  EXPECT_EQ(c.target, ReadTarget::replica);
  EXPECT_EQ(c.reason, "replica");
}

TEST(ChooseRead, ARestingReplicaIsSkipped) {
  auto s = with_replica();
  s.replica_resting = true;
  EXPECT_EQ(choose_read(s).target, ReadTarget::primary);
  EXPECT_EQ(choose_read(s).reason, "replica_resting");
}

TEST(ChooseRead, AnUnknownLastWriteReadsThePrimary) {
  auto s = with_replica();
  s.memory_failed = true;
  EXPECT_EQ(choose_read(s).target, ReadTarget::primary);
  EXPECT_EQ(choose_read(s).reason, "memory_error");
}

TEST(ChooseRead, ARecentWriteNeedsAReplicaThatReplayedIt) {
  auto s = with_replica();
  s.last_write = 200;
  // Nothing known about the replica yet: ask it.
  EXPECT_EQ(choose_read(s).target, ReadTarget::ask_replica);
  // Known to be behind: ask again (it may have caught up since).
  s.replayed = 150;
  EXPECT_EQ(choose_read(s).target, ReadTarget::ask_replica);
  // Just asked and still behind: the primary.
  s.replay_fresh = true;
  EXPECT_EQ(choose_read(s).target, ReadTarget::primary);
  EXPECT_EQ(choose_read(s).reason, "read_your_writes");
  // Replayed exactly up to the write, or past it: the replica.
  s.replayed = 200;
  EXPECT_EQ(choose_read(s).target, ReadTarget::replica);
  EXPECT_EQ(choose_read(s).reason, "caught_up");
  s.replay_fresh = false;
  s.replayed = 201;
  EXPECT_EQ(choose_read(s).target, ReadTarget::replica);
}

TEST(ReplicaLag, BytesBehindThePrimary) {
  EXPECT_EQ(replica_lag(1000, 400, 1000, 3.0).bytes, 600);
  // The primary was read before the replica: never negative.
  EXPECT_EQ(replica_lag(400, 1000, 1000, 3.0).bytes, 0);
}

TEST(ReplicaLag, SecondsOnlyWhileBehind) {
  // Replay paused: received but not replayed.
  EXPECT_EQ(replica_lag(1000, 400, 1000, 12.5).seconds, 12.5);
  // An idle primary: the last replayed transaction is old, but nothing is missing.
  EXPECT_EQ(replica_lag(1000, 1000, 1000, 3600.0).seconds, 0);
  // Everything received is replayed (the rest is in flight): not counted as seconds.
  EXPECT_EQ(replica_lag(1000, 900, 900, 3600.0).seconds, 0);
  // No replayed transaction yet, or a clock a little ahead.
  EXPECT_EQ(replica_lag(1000, 400, 1000, std::nullopt).seconds, 0);
  EXPECT_EQ(replica_lag(1000, 400, 1000, -0.2).seconds, 0);
  EXPECT_EQ(replica_lag(1000, 400, std::nullopt, 5.0).seconds, 5.0);
}

}  // namespace
}  // namespace uitgo::trip
