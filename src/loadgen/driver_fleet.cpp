#include "loadgen/driver_fleet.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

namespace uitgo::loadgen {
namespace json = boost::json;
namespace {

awaitable<void> pause(double seconds) {
  asio::steady_timer timer(co_await asio::this_coro::executor, to_duration(seconds));
  co_await timer.async_wait(asio::as_tuple(use_awaitable));
}

std::string location_body(double lat, double lng, int heading) {
  char body[128];
  std::snprintf(body, sizeof body, R"({"lat":%.6f,"lng":%.6f,"heading":%d,"speedKmh":25})", lat, lng, heading);
  return body;
}

// The id of a trip offered to `driver_id` in a GET /v1/trips answer, or "".
std::string offered_trip(const std::string& body, const std::string& driver_id) {
  boost::system::error_code ec;
  const auto doc = json::parse(body, ec);
  const auto* items = ec || !doc.is_object() ? nullptr : doc.as_object().if_contains("items");
  if (!items || !items->is_array()) return {};
  for (const auto& item : items->as_array()) {
    const auto* o = item.if_object();
    if (!o) continue;
    const auto* id = o->if_contains("id");
    const auto* driver = o->if_contains("driverId");
    const auto* status = o->if_contains("status");
    if (id && id->is_string() && driver && driver->is_string() && driver->as_string() == driver_id && status &&
        status->is_string() && status->as_string() == "requested") {
      return std::string(id->as_string());
    }
  }
  return {};
}

// A trip of `driver_id`'s still under way in a GET /v1/trips answer: {id, status}, or {} when none.
std::pair<std::string, std::string> open_trip(const std::string& body, const std::string& driver_id) {
  boost::system::error_code ec;
  const auto doc = json::parse(body, ec);
  const auto* items = ec || !doc.is_object() ? nullptr : doc.as_object().if_contains("items");
  if (!items || !items->is_array()) return {};
  for (const auto& item : items->as_array()) {
    const auto* o = item.if_object();
    const auto* id = o ? o->if_contains("id") : nullptr;
    const auto* driver = o ? o->if_contains("driverId") : nullptr;
    const auto* status = o ? o->if_contains("status") : nullptr;
    if (!id || !id->is_string() || !driver || !driver->is_string() || driver->as_string() != driver_id || !status ||
        !status->is_string()) {
      continue;
    }
    const std::string state(status->as_string());
    if (state == "accepted" || state == "arriving" || state == "in_ride") return {std::string(id->as_string()), state};
  }
  return {};
}

// An answer worth asking again: none at all, overload or a server-side failure.
bool transient(int status) { return status == 0 || status == 429 || status >= 500; }

// A failed step is retried this often (a second apart) before the trip is left as it is.
constexpr int kStepAttempts = 10;

}  // namespace

DriverFleet::DriverFleet(RunContext& context, const DriversSpec& spec, DriverStats& stats)
    : context_(context), spec_(spec), stats_(stats), running_(context.executor), rng_(0xd71e5) {
  const auto count = std::min<std::size_t>(static_cast<std::size_t>(spec.count), context.tokens.drivers.size());
  std::uniform_real_distribution<double> lat(spec.area.min_lat, spec.area.max_lat);
  std::uniform_real_distribution<double> lng(spec.area.min_lng, spec.area.max_lng);
  for (std::size_t i = 0; i < count; ++i) {
    auto d = std::make_unique<Driver>();
    d->account = context.tokens.drivers[i];
    d->lat = lat(rng_);
    d->lng = lng(rng_);
    d->pings = std::make_unique<Connection>(context.executor, context.endpoint);
    d->trips = std::make_unique<Connection>(context.executor, context.endpoint);
    drivers_.push_back(std::move(d));
  }
  stats_.drivers = static_cast<int>(drivers_.size());
}

void DriverFleet::spawn(awaitable<void> work) {
  running_.add();
  asio::co_spawn(context_.executor, std::move(work), [this](std::exception_ptr) { running_.done(); });
}

// PATCH /v1/drivers/{id}/status; returns the answer's status.
awaitable<int> DriverFleet::set_status(Driver& d, bool online) {
  Outgoing request;
  request.method = "PATCH";
  request.target = "/v1/drivers/" + d.account.id + "/status";
  request.body = online ? R"({"status":"online"})" : R"({"status":"offline"})";
  request.bearer = d.account.token;
  const auto reply = co_await d.trips->send(request, context_.timeout);
  ++stats_.statuses[reply.status];
  co_return reply.status;
}

awaitable<void> DriverFleet::online(Driver& d) {
  // Named first: GCC 12 miscompiled `if (co_await set_status(...) != 200)` here (SIGILL).
  const int status = co_await set_status(d, true);
  if (status != 200) {
    ++stats_.online_failures;
    co_return;
  }
  ++stats_.online;
  co_await ping(d);
}

awaitable<void> DriverFleet::ping(Driver& d) {
  // A random walk of up to ~100 m per ping, kept inside the area.
  std::uniform_real_distribution<double> step(-0.001, 0.001);
  d.lat = std::clamp(d.lat + step(rng_), spec_.area.min_lat, spec_.area.max_lat);
  d.lng = std::clamp(d.lng + step(rng_), spec_.area.min_lng, spec_.area.max_lng);
  Outgoing request;
  request.method = "PUT";
  request.target = "/v1/drivers/me/location";
  request.body = location_body(d.lat, d.lng, static_cast<int>(rng_() % 360));
  request.bearer = d.account.token;
  const auto reply = co_await d.pings->send(request, context_.timeout);
  ++stats_.statuses[reply.status];
  ++stats_.pings;
  if (reply.status != 204) ++stats_.ping_failures;
}

awaitable<void> DriverFleet::go_online() {
  WaitGroup all(context_.executor);
  for (auto& d : drivers_) {
    all.add();
    asio::co_spawn(context_.executor, online(*d), [&all](std::exception_ptr) { all.done(); });
  }
  co_await all.wait();
}

awaitable<void> DriverFleet::location_loop(Driver& d) {
  std::uniform_real_distribution<double> stagger(0, spec_.location_seconds);
  co_await pause(stagger(rng_));
  while (!context_.load_done) {
    co_await ping(d);
    co_await pause(spec_.location_seconds);
  }
}

awaitable<void> DriverFleet::ride(Driver& d, const std::string& trip_id) {
  Outgoing accept;
  accept.method = "POST";
  accept.target = "/v1/trips/" + trip_id + "/accept";
  accept.bearer = d.account.token;
  const auto accepted = co_await d.trips->send(accept, context_.timeout);
  ++stats_.statuses[accepted.status];
  if (accepted.status != 200) {
    ++stats_.accept_failures;  // the offer expired or was withdrawn meanwhile
    co_return;
  }
  ++stats_.accepted;
  co_await drive(d, trip_id, "accepted");
}

// Takes the trip from `from` to completed, as a driver app would: a step the
// server could not take (an instance or Postgres down) is tried again, so a
// fault does not leave the driver bound to a trip nobody finishes.
awaitable<void> DriverFleet::drive(Driver& d, const std::string& trip_id, const std::string& from) {
  static const std::vector<std::string> kSteps{"accepted", "arriving", "in_ride", "completed"};
  auto next = std::find(kSteps.begin(), kSteps.end(), from);
  if (next == kSteps.end()) co_return;
  for (++next; next != kSteps.end(); ++next) {
    // Once the load is over the ride finishes at once, so the driver ends free.
    if (!context_.load_done) co_await pause(spec_.step_seconds);
    Outgoing change;
    change.method = "POST";
    change.target = "/v1/trips/" + trip_id + "/status";
    change.body = R"({"status":")" + *next + "\"}";
    change.bearer = d.account.token;
    int status = 0;
    for (int attempt = 1; attempt <= kStepAttempts; ++attempt) {
      const auto reply = co_await d.trips->send(change, context_.timeout);
      ++stats_.statuses[reply.status];
      status = reply.status;
      if (!transient(status) || attempt == kStepAttempts) break;
      co_await pause(1.0);
    }
    if (status != 200) {
      ++stats_.step_failures;
      co_return;
    }
  }
  ++stats_.completed;
  if (context_.riders) context_.riders->ended(trip_id);
}

// A trip this driver still has under way (a run stopped mid-ride, or an accept
// whose answer was lost) is finished first: until then no offer can come.
awaitable<void> DriverFleet::resume(Driver& d) {
  Outgoing list;
  list.method = "GET";
  list.target = "/v1/trips?limit=20";
  list.bearer = d.account.token;
  const auto reply = co_await d.trips->send(list, context_.timeout);
  ++stats_.statuses[reply.status];
  if (reply.status != 200) co_return;
  // Named, not a structured binding: GCC 12 coroutine frames.
  const auto open = open_trip(reply.body, d.account.id);
  if (!open.first.empty()) co_await drive(d, open.first, open.second);
}

awaitable<void> DriverFleet::trip_loop(Driver& d) {
  std::uniform_real_distribution<double> stagger(0, spec_.poll_seconds);
  co_await pause(stagger(rng_));
  co_await resume(d);
  while (!context_.load_done) {
    Outgoing poll;
    poll.method = "GET";
    poll.target = "/v1/trips?status=requested&limit=5";
    poll.bearer = d.account.token;
    const auto reply = co_await d.trips->send(poll, context_.timeout);
    ++stats_.statuses[reply.status];
    ++stats_.polls;
    if (reply.status != 200) {
      ++stats_.poll_failures;
    } else if (const auto trip_id = offered_trip(reply.body, d.account.id); !trip_id.empty()) {
      ++stats_.offers_seen;
      co_await ride(d, trip_id);
      continue;
    }
    co_await pause(spec_.poll_seconds);
  }
}

void DriverFleet::start() {
  for (auto& d : drivers_) {
    spawn(location_loop(*d));
    if (spec_.accept_trips) spawn(trip_loop(*d));
  }
}

awaitable<void> DriverFleet::offline(Driver& d) { co_await set_status(d, false); }

awaitable<void> DriverFleet::finish() {
  co_await running_.wait();
  WaitGroup all(context_.executor);
  for (auto& d : drivers_) {
    all.add();
    asio::co_spawn(context_.executor, offline(*d), [&all](std::exception_ptr) { all.done(); });
  }
  co_await all.wait();
}

}  // namespace uitgo::loadgen
