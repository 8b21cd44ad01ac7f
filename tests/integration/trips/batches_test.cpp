// Trip creation's group commit (lifecycle/insert_batcher.hpp) on real
// Postgres, with one creating statement at a time (CREATE_BATCHES_IN_FLIGHT=1)
// and one open trip per rider: concurrent creates share statements and each
// still gets its own trip, first event and match event; a batch Postgres
// rejects is written again trip by trip, so one rider's refusal never fails
// another rider's trip; a trip queued longer than PG_ACQUIRE_TIMEOUT_MS is
// refused with 503 and never written.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "support/metrics.hpp"
#include "support/shared_environment.hpp"
#include "support/sql.hpp"
#include "trips/trips_support.hpp"

namespace uitgo::test::trips {
namespace {

Harness* h = nullptr;

const auto* const environment = share_per_binary(h, [] {
  // PG_ACQUIRE_TIMEOUT_MS: the trips a test queues behind a stuck statement
  // have that long before they are refused.
  return std::make_unique<Harness>(
      Env{{"LIFT_PER_USER_LIMITS", "false"}, {"CREATE_BATCHES_IN_FLIGHT", "1"}, {"PG_ACQUIRE_TIMEOUT_MS", "2000"}});
});

double metric_of(const std::string& name) { return metric(h->stack.trip_port, name, {}, 0); }

// POSTs every body at once (one thread each), as `riders[i]`.
std::vector<HttpResponse> create_all(const std::vector<User>& riders, const std::vector<json::object>& bodies) {
  std::vector<HttpResponse> responses(riders.size());
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (std::size_t i = 0; i < riders.size(); ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      responses[i] = h->call("POST", "/v1/trips", &riders[i], bodies[i]);
    });
  }
  go.store(true);
  for (auto& t : threads) t.join();
  return responses;
}

// The trip answered to `rider` for `body` is theirs, with one first event by
// them and one match event naming it.
void expect_own_trip(const HttpResponse& r, const User& rider, const json::object& body) {
  ASSERT_EQ(r.status, 201) << r.body;
  const auto trip = body_of(r);
  const auto id = str(trip, "id");
  EXPECT_EQ(str(trip, "riderId"), rider.id);
  EXPECT_EQ(str(trip, "originText"), str(body, "originText"));
  EXPECT_EQ(h->scalar("trip_db", "SELECT origin_text || ' ' || rider_id FROM trips WHERE id = '" + id + "'"),
            str(body, "originText") + " " + rider.id);
  EXPECT_EQ(h->scalar("trip_db", "SELECT count(*) || ' ' || min(actor_id) FROM trip_events WHERE trip_id = '" + id +
                                     "' AND to_status = 'requested'"),
            "1 " + rider.id);
  EXPECT_EQ(h->scalar("trip_db",
                      "SELECT count(*) || ' ' || min(payload->>'riderId') || ' ' || min(payload->>'createdAt')"
                      " FROM outbox WHERE kind = 'trip_match' AND payload->>'tripId' = '" +
                          id + "'"),
            "1 " + rider.id + " " + str(trip, "createdAt"));
}

TEST(CreateBatches, ConcurrentCreatesShareStatementsAndKeepTheirOwnRows) {
  // Rounds until two trips shared a statement: the first create of a round
  // runs alone and the others arrive while it runs, but thread timing is not
  // under the test's control.
  for (int round = 0; round < 5; ++round) {
    const double statements = metric_of("trip_create_batch_size_count");
    const double trips = metric_of("trip_create_batch_size_sum");
    std::vector<User> riders;
    std::vector<json::object> bodies;
    for (int i = 0; i < 24; ++i) {
      riders.push_back(h->user("rider"));
      bodies.push_back(trip_body("R" + std::to_string(round) + "-" + std::to_string(i)));
    }
    const auto responses = create_all(riders, bodies);
    for (std::size_t i = 0; i < riders.size(); ++i) expect_own_trip(responses[i], riders[i], bodies[i]);
    const double new_statements = metric_of("trip_create_batch_size_count") - statements;
    const double new_trips = metric_of("trip_create_batch_size_sum") - trips;
    EXPECT_EQ(new_trips, 24);
    if (new_statements < new_trips) return;
  }
  FAIL() << "24 concurrent creates never shared a statement in 5 rounds";
}

// Holds `rider`'s only slot in an uncommitted transaction of `session`.
void hold_slot(SqlSession& session, const User& rider) {
  session.run("BEGIN");
  session.run(
      "INSERT INTO trips (id, rider_id, status, origin_text, dest_text, service_id, open_slot)"
      " VALUES (gen_random_uuid(), '" +
      rider.id + "', 'requested', 'held', 'held', 'car', 1)");
}

// Backends waiting on a lock while running a statement containing `text`.
std::string waiting_on_locks(const std::string& text) {
  return h->scalar("trip_db", "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%" +
                                  text + "%'");
}

TEST(CreateBatches, ARejectedBatchIsWrittenTripByTrip) {
  const auto first = h->user("rider");
  const auto conflicting = h->user("rider");
  const auto other = h->user("rider");
  SqlSession first_holder(h->stack.dsn("trip_db"));
  SqlSession conflict_holder(h->stack.dsn("trip_db"));
  hold_slot(first_holder, first);
  hold_slot(conflict_holder, conflicting);

  // 1. `first`'s create runs alone and waits on the held slot.
  HttpResponse first_answer;
  std::thread first_call([&] { first_answer = h->call("POST", "/v1/trips", &first, trip_body("first")); });
  ASSERT_TRUE(eventually([] { return waiting_on_locks("INSERT INTO trips") == "1"; }));
  // 2. Meanwhile the two others queue up for the next statement.
  HttpResponse conflicting_answer;
  HttpResponse other_answer;
  std::thread conflicting_call(
      [&] { conflicting_answer = h->call("POST", "/v1/trips", &conflicting, trip_body("conflicting")); });
  std::thread other_call([&] { other_answer = h->call("POST", "/v1/trips", &other, trip_body("other")); });
  ASSERT_TRUE(eventually([] { return metric_of("trip_create_queued") == 2; }));
  // 3. The first statement fails (unique slot); the two run as one batch,
  //    which waits on the other held slot.
  first_holder.run("COMMIT");
  ASSERT_TRUE(eventually([] { return waiting_on_locks("unnest") == "1"; }));
  // 4. The batch fails the same way: nothing of it was written, and each trip
  //    is tried alone.
  conflict_holder.run("COMMIT");
  for (auto* t : {&first_call, &conflicting_call, &other_call}) t->join();

  EXPECT_EQ(first_answer.status, 409) << first_answer.body;
  EXPECT_EQ(conflicting_answer.status, 409) << conflicting_answer.body;
  EXPECT_EQ(str(body_of(conflicting_answer), "code"), "trip_in_progress");
  expect_own_trip(other_answer, other, trip_body("other"));
  EXPECT_EQ(h->scalar("trip_db", "SELECT count(*) FROM trips WHERE rider_id IN ('" + first.id + "', '" +
                                     conflicting.id + "') AND origin_text <> 'held'"),
            "0");
}

TEST(CreateBatches, ATripQueuedTooLongIsRefusedAndNeverWritten) {
  const auto first = h->user("rider");
  const auto late = h->user("rider");
  SqlSession holder(h->stack.dsn("trip_db"));
  hold_slot(holder, first);
  HttpResponse first_answer;
  std::thread first_call([&] { first_answer = h->call("POST", "/v1/trips", &first, trip_body("first")); });
  ASSERT_TRUE(eventually([] { return waiting_on_locks("INSERT INTO trips") == "1"; }));

  // The only statement is stuck: past PG_ACQUIRE_TIMEOUT_MS the queued trip is refused.
  const auto refused = h->call("POST", "/v1/trips", &late, trip_body("late"));
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_FALSE(refused.header("retry-after").empty());
  EXPECT_EQ(metric_of("trip_create_queued"), 0);

  holder.run("COMMIT");
  first_call.join();
  EXPECT_EQ(first_answer.status, 409) << first_answer.body;
  EXPECT_EQ(h->scalar("trip_db", "SELECT count(*) FROM trips WHERE rider_id = '" + late.id + "'"), "0");
  // The rider may simply try again.
  expect_own_trip(h->call("POST", "/v1/trips", &late, trip_body("late")), late, trip_body("late"));
}

}  // namespace
}  // namespace uitgo::test::trips
