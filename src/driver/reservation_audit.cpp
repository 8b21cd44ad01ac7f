#include "driver/reservation_audit.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>

#include "core/base/log.hpp"

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

ReservationAudit::ReservationAudit(asio::any_io_executor executor, std::shared_ptr<DriverApp> app, http::Client& trips,
                                   metrics::Registry& metrics, AuditSettings settings)
    : app_(std::move(app)),
      trips_(trips),
      settings_(settings),
      timer_(asio::make_strand(executor)),
      released_(metrics.counter("driver_orphan_reservations_released_total",
                                "reservations released because no open trip referred to them")) {}

void ReservationAudit::start() {
  running_ = true;
  asio::co_spawn(timer_.get_executor(), loop(), asio::detached);
}

awaitable<void> ReservationAudit::stop() {
  stopping_ = true;
  asio::post(timer_.get_executor(), [this] { timer_.cancel(); });
  asio::steady_timer pause(co_await asio::this_coro::executor);
  for (int i = 0; i < 500 && running_.load(); ++i) {
    pause.expires_after(Millis(10));
    co_await pause.async_wait(use_awaitable);
  }
}

awaitable<void> ReservationAudit::loop() {
  while (!stopping_) {
    timer_.expires_after(settings_.interval);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    if (stopping_) break;
    try {
      co_await run_once();
    } catch (const std::exception& e) {
      log::warn("reservation audit failed", {{"error", e.what()}});
    }
  }
  running_ = false;
}

awaitable<int> ReservationAudit::run_once() {
  const auto held = co_await app_->profiles.claim_unchecked_reservations(settings_.recheck_after, kBatch);
  int released = 0;
  for (const auto& h : held) {
    if (stopping_) break;
    // Named first: GCC 12 has miscompiled `if (co_await f() != value)` (SIGILL).
    const auto verdict = co_await check(h);
    if (verdict != ReservationVerdict::orphan) continue;
    if (co_await app_->release_reservation(h.driver_id, h.trip_id)) {
      ++released;
      released_.inc();
      log::warn("orphan reservation released", {{"driverId", h.driver_id}, {"tripId", h.trip_id}});
    }
  }
  co_return released;
}

awaitable<ReservationVerdict> ReservationAudit::check(const HeldReservation& held) {
  std::string method = "GET";
  std::string target = "/internal/trips/" + held.trip_id;
  std::string request_id = "audit-" + held.driver_id;
  std::string body;
  try {
    const auto r =
        co_await trips_.request(std::move(method), std::move(target), std::move(body), std::move(request_id));
    co_return judge_reservation(r.status, r.body, held.driver_id);
  } catch (const std::exception& e) {
    log::info("reservation audit: trip-service unreachable", {{"tripId", held.trip_id}, {"error", e.what()}});
    co_return ReservationVerdict::unknown;
  }
}

}  // namespace uitgo::driver
