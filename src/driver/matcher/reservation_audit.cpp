#include "driver/matcher/reservation_audit.hpp"

#include "core/base/log.hpp"
#include "driver/app.hpp"

namespace uitgo::driver {

namespace {
constexpr int kBatch = 100;
}

config::Spec reservation_audit_spec() {
  config::Spec s;
  s.integer("RESERVATION_AUDIT_SECONDS", 30, 1, 86400,
            "how often each driver-service process looks for reservations no trip refers to")
      .integer("RESERVATION_RECHECK_SECONDS", 60, 1, 86400,
               "a reservation is confirmed against trip-service at most this often; keep it well above "
               "TRIP_SERVICE_TIMEOUT_MS");
  return s;
}

AuditSettings AuditSettings::from(const config::Values& c) {
  return {.interval = std::chrono::seconds(c.integer("RESERVATION_AUDIT_SECONDS")),
          .recheck_after = std::chrono::seconds(c.integer("RESERVATION_RECHECK_SECONDS"))};
}

ReservationAudit::ReservationAudit(service::Runtime& runtime, DriverApp& app, AuditSettings settings)
    : app_(app),
      settings_(settings),
      released_(runtime.metrics().counter("driver_orphan_reservations_released_total",
                                          "reservations released because no open trip referred to them")) {
  task_ = &runtime.add_task({.name = "reservation-audit", .period = Millis(settings_.interval)},
                            [this]() -> awaitable<void> { co_await run_once(); });
}

awaitable<int> ReservationAudit::run_once() {
  const auto held = co_await app_.profiles.claim_unchecked_reservations(settings_.recheck_after, kBatch);
  int released = 0;
  for (const auto& h : held) {
    if (task_->stopping()) break;
    // Named first: GCC 12 has miscompiled `if (co_await f() != value)` (SIGILL).
    const auto verdict = co_await check(h);
    if (verdict != ReservationVerdict::orphan) continue;
    if (co_await app_.release_reservation(h.driver_id, h.trip_id)) {
      ++released;
      released_.inc();
      log::warn("orphan reservation released", {{"driverId", h.driver_id}, {"tripId", h.trip_id}});
    }
  }
  co_return released;
}

awaitable<ReservationVerdict> ReservationAudit::check(const HeldReservation& held) {
  const std::string request_id = "audit-" + held.driver_id;
  try {
    const auto trip = co_await app_.trips.get(held.trip_id, request_id);
    co_return judge_reservation(trip, held.driver_id);
  } catch (const std::exception& e) {
    log::info("reservation audit: no clear answer from trip-service", {{"tripId", held.trip_id}, {"error", e.what()}});
    co_return ReservationVerdict::unknown;
  }
}

}  // namespace uitgo::driver
