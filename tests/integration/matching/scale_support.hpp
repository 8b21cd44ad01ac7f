// The issue-scale matching run shared by the async and sync binaries: many
// trips created at once for fewer drivers, served by several driver-service
// processes, with simulated drivers that accept and finish whatever they are
// offered (so each driver serves trip after trip). Throughout the run no
// driver may ever hold two open trips; at the end every trip is completed
// (it was matched) or cancelled with reason no_driver (the deadline passed).
#pragma once

#include <signal.h>

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <sstream>

#include "matching/matching_support.hpp"
#include "support/shell.hpp"

namespace uitgo::test::matching {

struct ScaleRun {
  int drivers = 60;
  int trips = 300;
  double lat = 10.80;
  double lng = 106.70;
  // Component SIGKILLed once a third of the trips are completed ("" = none).
  std::string kill = {};
  std::chrono::seconds settle{120};  // how long the run may take after creation
};

struct ScaleResult {
  int completed = 0;
  int cancelled_no_driver = 0;
  int other = 0;  // anything else: open, or cancelled for another reason
  bool killed = false;
  int held_by_killed = 0;  // unacknowledged messages the killed process held
};

namespace scale {

// Open trips of the run's pickup per driver, more than one = double assignment.
inline std::string double_assigned(const Stack& s, double lat) {
  return s.trip_sql(
      "SELECT count(*) FROM (SELECT driver_id FROM trips WHERE driver_id IS NOT NULL AND status IN "
      "('requested','accepted','arriving','in_ride') AND origin_lat = " +
      std::to_string(lat) + " GROUP BY driver_id HAVING count(*) > 1) x");
}

// "trip driver status" lines for the run's open trips that have a driver.
inline std::vector<std::array<std::string, 3>> offered(const Stack& s, double lat) {
  const auto text = s.trip_sql(
      "SELECT coalesce(string_agg(id || ' ' || driver_id || ' ' || status, ' '), '') FROM trips"
      " WHERE driver_id IS NOT NULL AND status IN ('requested','accepted','arriving','in_ride') AND origin_lat = " +
      std::to_string(lat));
  std::vector<std::array<std::string, 3>> out;
  std::istringstream in(text);
  std::array<std::string, 3> row;
  while (in >> row[0] >> row[1] >> row[2]) out.push_back(row);
  return out;
}

inline int count_where(const Stack& s, double lat, const std::string& condition) {
  return std::stoi(
      s.trip_sql("SELECT count(*) FROM trips WHERE origin_lat = " + std::to_string(lat) + " AND " + condition));
}

// One step forward for a driver's trip: accept an offer, or move it on.
inline void advance(const Stack& s, const std::array<std::string, 3>& row) {
  const auto& [trip, driver, status] = row;
  static const std::map<std::string, std::string> next = {
      {"accepted", "arriving"}, {"arriving", "in_ride"}, {"in_ride", "completed"}};
  if (status == "requested") {
    (void)s.driver_action(trip, driver, "accept");  // 409 when the offer just expired: fine
  } else if (const auto it = next.find(status); it != next.end()) {
    (void)s.set_trip_status(trip, driver, it->second);
  }
}

// Messages the matcher workers of process `pid` hold unacknowledged (their
// consumer names are <host>-<pid>-w<n>): XPENDING's summary, one value per line.
// SQS does not tell who holds a message: there, every message in flight counts.
inline int pending_of(const Stack& s, int pid) {
  if (s.stack.sqs()) {
    int in_flight = 0;
    for (const auto& m : sqs_messages(s.stack, "trip_match_queue")) in_flight += m.state == "inflight" ? 1 : 0;
    return in_flight;
  }
  std::istringstream in(redis_cli(s.stack.redis_port, "XPENDING trip:match matchers"));
  const std::string tag = "-" + std::to_string(pid) + "-w";
  int total = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(tag) == std::string::npos) continue;
    std::string count;
    if (std::getline(in, count)) total += std::atoi(count.c_str());
  }
  return total;
}

// SIGKILLs `component` at a moment it holds unacknowledged messages (tries
// for a few seconds, then kills anyway); returns how many it held.
inline int kill_holding_messages(const Stack& s, const std::string& component) {
  const int pid = s.stack.pid(component);
  EXPECT_GT(pid, 0) << component << " is not running";
  if (pid <= 0) return 0;
  int held = 0;
  const auto until = std::chrono::steady_clock::now() + 5s;
  while ((held = pending_of(s, pid)) == 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(5ms);
  }
  ::kill(pid, SIGKILL);
  std::cerr << "[scale] SIGKILLed " << component << " (pid " << pid << ") "
            << (s.stack.sqs() ? "with messages in flight: " : "holding ") << held << " message(s)\n";
  return held;
}

inline std::vector<std::string> create_trips(const Stack& s, const ScaleRun& run) {
  std::vector<std::string> ids(static_cast<std::size_t>(run.trips));
  std::vector<std::thread> threads;
  constexpr int kThreads = 12;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < run.trips; i += kThreads) {
        ids[static_cast<std::size_t>(i)] = s.create_trip(s.rider_token(), true, run.lat, run.lng);
      }
    });
  }
  for (auto& th : threads) th.join();
  return ids;
}

}  // namespace scale

inline ScaleResult run_scale(const Stack& s, const ScaleRun& run) {
  for (int i = 0; i < run.drivers; ++i) s.online_driver(run.lat + 0.0002 * (i % 10), run.lng + 0.0002 * (i / 10));
  const auto ids = scale::create_trips(s, run);
  for (const auto& id : ids) EXPECT_FALSE(id.empty());

  ScaleResult result;
  const auto until = std::chrono::steady_clock::now() + run.settle;
  while (std::chrono::steady_clock::now() < until) {
    const auto doubles = scale::double_assigned(s, run.lat);
    EXPECT_EQ(doubles, "0") << "a driver holds two open trips";
    if (doubles != "0") break;
    const auto rows = scale::offered(s, run.lat);
    std::vector<std::thread> workers;
    for (std::size_t w = 0; w < 6; ++w) {
      workers.emplace_back([&, w] {
        for (std::size_t i = w; i < rows.size(); i += 6) scale::advance(s, rows[i]);
      });
    }
    for (auto& th : workers) th.join();
    if (!run.kill.empty() && !result.killed &&
        scale::count_where(s, run.lat, "status = 'completed'") >= run.trips / 3) {
      result.held_by_killed = scale::kill_holding_messages(s, run.kill);
      result.killed = true;
    }
    if (scale::count_where(s, run.lat, "status NOT IN ('completed','cancelled')") == 0) break;
    std::this_thread::sleep_for(50ms);
  }
  result.completed = scale::count_where(s, run.lat, "status = 'completed'");
  result.cancelled_no_driver = scale::count_where(s, run.lat, "status = 'cancelled' AND cancel_reason = 'no_driver'");
  result.other = run.trips - result.completed - result.cancelled_no_driver;
  std::cerr << "[scale] " << run.trips << " trips, " << run.drivers << " drivers: " << result.completed
            << " completed, " << result.cancelled_no_driver << " cancelled (no_driver), " << result.other << " other\n";
  return result;
}

}  // namespace uitgo::test::matching
