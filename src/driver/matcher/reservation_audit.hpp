// Finds and releases reservations that no trip refers to any more.
//
// A matcher process killed between reserving a driver (Redis + Postgres) and
// offering the trip leaves the driver reserved for a trip that never got it:
// no driver_release will ever come for it, so the driver would stay out of
// matching for good. Every RESERVATION_AUDIT_SECONDS each driver-service
// process claims (SKIP LOCKED) up to 100 reservations not confirmed for
// RESERVATION_RECHECK_SECONDS (the periodic task "reservation-audit") and
// asks trip-service about each trip (GET /internal/trips/{id}): unknown trip, a trip that ended, or one whose
// driverId is someone else → the reservation is released (conditionally, so
// a reservation made meanwhile for another trip is untouched). Answers that
// are not clear (errors, timeouts) leave it for the next round. The recheck
// period must be well above the matcher's offer call deadline, so an offer in
// flight is never mistaken for an orphan.
#pragma once

#include <chrono>

#include "core/base/async.hpp"
#include "core/base/config.hpp"
#include "core/base/metrics.hpp"
#include "core/service/runtime.hpp"
#include "driver/matcher/reservation_verdict.hpp"
#include "driver/profiles/profile_store.hpp"

namespace uitgo::driver {

// RESERVATION_AUDIT_SECONDS, RESERVATION_RECHECK_SECONDS.
config::Spec reservation_audit_spec();

struct AuditSettings {
  std::chrono::seconds interval{30};
  std::chrono::seconds recheck_after{60};
  static AuditSettings from(const config::Values& config);
};

struct DriverApp;

class ReservationAudit {
 public:
  // Registers the task on `runtime`.
  ReservationAudit(service::Runtime& runtime, DriverApp& app, AuditSettings settings);
  ReservationAudit(const ReservationAudit&) = delete;
  ReservationAudit& operator=(const ReservationAudit&) = delete;

  // One round; returns how many reservations it released.
  awaitable<int> run_once();

 private:
  awaitable<ReservationVerdict> check(const HeldReservation& held);

  DriverApp& app_;
  AuditSettings settings_;
  service::PeriodicTask* task_ = nullptr;
  metrics::Counter& released_;
};

}  // namespace uitgo::driver
