// Shared by the matching test binaries: a whole stack (gateway, user-, trip-
// and driver-service with its matcher workers) plus riders, drivers and trips.
//
// The matching queue is Redis Streams, or SQS (the emulator) in the binaries
// built with UITGO_TEST_MATCH_QUEUE_SQS (ctest <area>.<name>_sqs.integration)
// or run with MATCH_QUEUE=sqs in the environment. The few helpers that look
// into the queue itself work on either.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "drivers/driver_api.hpp"
#include "support/eventually.hpp"
#include "support/shell.hpp"
#include "support/sqs.hpp"
#include "support/test_stack.hpp"
#include "trips/trip_api.hpp"

namespace uitgo::test::matching {

using namespace std::chrono_literals;
using drivers::DriverApi;
using trips::kPickupLat;
using trips::kPickupLng;

#ifdef UITGO_TEST_MATCH_QUEUE_SQS
inline constexpr bool kSqsBuild = true;
#else
inline constexpr bool kSqsBuild = false;
#endif

inline bool has_driver(const json::object& t) { return !str(t, "driverId").empty(); }

// A trip just offered to a driver that went online for it.
struct Ride {
  std::string rider_id;
  std::string rider;  // token
  std::string driver_id;
  std::string driver;  // token
  std::string trip_id;
  json::object offer;  // the trip as last read while waiting for the offer
};

struct Stack {
  TestStack stack;
  DriverApi gateway;  // public calls through nginx
  DriverApi direct;   // driver-service's internal endpoints

  // `driver_instances` driver-service processes, each with its matcher
  // workers, and `trip_instances` trip-service processes.
  explicit Stack(Env env, int driver_instances = 1, int trip_instances = 1)
      : stack(StackOptions{.postgres = true,
                           .redis = true,
                           .sqs = kSqsBuild,
                           .services = true,
                           .nginx = true,
                           .trip_instances = trip_instances,
                           .driver_instances = driver_instances,
                           .env = std::move(env)}),
        gateway(stack, stack.gateway_port),
        direct(stack, stack.driver_port) {}

  std::string rider_token() const { return gateway.token("rider"); }
  std::string driver_token(const std::string& id) const { return gateway.token(id, "driver"); }

  // A driver with a profile, online (through the gateway) at (lat, lng).
  std::string online_driver(double lat = kPickupLat, double lng = kPickupLng) const {
    const auto id = direct.create_driver();
    gateway.go_online(id, lat, lng);
    return id;
  }

  // POST /v1/trips as `rider` with a pickup at (lat, lng); the trip id ("" on failure).
  std::string create_trip(const std::string& rider, bool coordinates = true, double lat = kPickupLat,
                          double lng = kPickupLng) const {
    return str(trips::create_trip(gateway, rider, trips::trip_body("A", coordinates, lat, lng)), "id");
  }

  json::object trip(const std::string& id, const std::string& token) const {
    return trips::get_trip(gateway, token, id);
  }

  // Polls the trip until `done` holds or `timeout` passes; the last state seen.
  json::object wait_trip(const std::string& id, const std::string& token,
                         const std::function<bool(const json::object&)>& done,
                         std::chrono::milliseconds timeout = 20s) const {
    return trips::wait_trip(gateway, token, id, done, timeout);
  }

  // A new driver online at (lat, lng) and a new rider's trip from there,
  // once the matcher has offered it to someone (or `timeout` passed).
  Ride offered_ride(double lat, double lng, std::chrono::milliseconds timeout = 20s) const {
    Ride ride;
    ride.driver_id = online_driver(lat, lng);
    ride.driver = driver_token(ride.driver_id);
    ride.rider_id = new_uuid();
    ride.rider = gateway.token(ride.rider_id, "rider");
    ride.trip_id = create_trip(ride.rider, true, lat, lng);
    ride.offer = wait_trip(ride.trip_id, ride.rider, has_driver, timeout);
    return ride;
  }

  HttpResponse driver_action(const std::string& trip_id, const std::string& driver_id,
                             const std::string& action) const {
    return trips::trip_action(gateway, driver_token(driver_id), trip_id, action);
  }
  HttpResponse set_trip_status(const std::string& trip_id, const std::string& driver_id,
                               const std::string& status) const {
    return trips::set_status(gateway, driver_token(driver_id), trip_id, status);
  }

  // The driver accepts the trip offered to it and drives it to completion;
  // whether every step answered 200.
  bool complete_trip(const std::string& trip_id, const std::string& driver_id) const {
    for (const std::string step : {"accept", "arriving", "in_ride", "completed"}) {
      const auto r =
          step == "accept" ? driver_action(trip_id, driver_id, step) : set_trip_status(trip_id, driver_id, step);
      EXPECT_EQ(r.status, 200) << step << ": " << r.body;
      if (r.status != 200) return false;
    }
    return true;
  }

  // Polls driver search at (lat, lng) until `driver` is among the results or
  // `timeout` passes; whether it was found (released drivers come back).
  bool wait_searchable(const std::string& driver, double lat, double lng,
                       std::chrono::milliseconds timeout = 10s) const {
    return eventually([&] { return drivers::contains(gateway.search(lat, lng), driver); }, timeout, 100ms);
  }

  std::string trip_sql(const std::string& query) const { return gateway.scalar("trip_db", query); }

  // Whether the matcher has put event `attempt` of the trip back for a later
  // try (no driver free): it found no one to offer the trip to. SQS keeps
  // such a message in flight (invisible for the delay), like one a matcher
  // holds: there it counts once the message came back at least once.
  bool waiting_for_a_driver(const std::string& trip_id, int attempt) const {
    if (stack.sqs()) {
      const std::string event = "\"attempt\": " + std::to_string(attempt) + ",";
      for (const auto& m : sqs_messages(stack, "trip_match_queue")) {
        if (m.body.find(trip_id) != std::string::npos && m.body.find(event) != std::string::npos &&
            m.receive_count >= 2) {
          return true;
        }
      }
      return false;
    }
    const auto delayed = redis_cli(stack.redis_port, "ZRANGE trip:match:delayed 0 -1");
    // The event's JSON as the outbox (jsonb) wrote it, escaped inside the member.
    const std::string event = "\\\"attempt\\\": " + std::to_string(attempt) + ",";
    std::istringstream lines(delayed);
    for (std::string line; std::getline(lines, line);) {
      if (line.find(trip_id) != std::string::npos && line.find(event) != std::string::npos) return true;
    }
    return false;
  }

  // The environment `uitgo match-dlq` needs to work on this stack's queue.
  std::string dlq_command_env() const {
    if (!stack.sqs()) return "MATCH_QUEUE=redis REDIS_URL=" + stack.redis_url();
    return "MATCH_QUEUE=sqs SQS_ENDPOINT=" + stack.sqs_endpoint() + " SQS_QUEUE_URL=" + stack.sqs_queue_url() +
           " SQS_DLQ_URL=" + stack.sqs_dlq_url() +
           " AWS_ACCESS_KEY_ID=local-sqs-emulator AWS_SECRET_ACCESS_KEY=local-sqs-emulator-secret REDIS_URL=" +
           stack.redis_url();
  }

  // Sends a message body straight to the matching queue (as anyone with
  // access could); whether the queue took it.
  bool send_raw(const std::string& body) const {
    if (!stack.sqs()) {
      return !redis_cli(stack.redis_port, "XADD trip:match '*' body '" + body + "' sent_at 0 prior 0").empty();
    }
    const json::object request{{"QueueUrl", stack.sqs_queue_url()}, {"MessageBody", body}};
    return sqs_action(stack, "SendMessage", request).status == 200;
  }

  // Whether any message of the matching queue (waiting, delayed or held by a
  // matcher) contains `text`.
  bool queue_holds(const std::string& text) const {
    if (!stack.sqs()) {
      const auto all = redis_cli(stack.redis_port, "XRANGE trip:match - +") + "\n" +
                       redis_cli(stack.redis_port, "ZRANGE trip:match:delayed 0 -1");
      return all.find(text) != std::string::npos;
    }
    for (const auto& m : sqs_messages(stack, "trip_match_queue")) {
      if (m.body.find(text) != std::string::npos) return true;
    }
    return false;
  }

  // Empties the matching queue (a crash that lost its contents); how many
  // messages it held.
  int lose_queue_contents() const {
    if (!stack.sqs()) {
      const int held = std::atoi(redis_cli(stack.redis_port, "XLEN trip:match").c_str()) +
                       std::atoi(redis_cli(stack.redis_port, "ZCARD trip:match:delayed").c_str());
      redis_cli(stack.redis_port, "DEL trip:match trip:match:delayed");
      return held;
    }
    const int held = static_cast<int>(sqs_messages(stack, "trip_match_queue").size());
    const json::object request{{"QueueUrl", stack.sqs_queue_url()}};
    EXPECT_EQ(sqs_action(stack, "PurgeQueue", request).status, 200);
    return held;
  }

  // Whether trip-service has published the trip's first match event.
  bool event_published(const std::string& trip_id) const {
    return trip_sql(
               "SELECT count(*) FROM outbox WHERE kind = 'trip_match' AND sent_at IS NOT NULL AND payload->>'tripId' = "
               "'" +
               trip_id + "'") != "0";
  }
};

}  // namespace uitgo::test::matching
