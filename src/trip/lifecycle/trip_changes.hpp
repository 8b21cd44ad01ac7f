// What follows every committed trip change, in one place: the outbox relay is
// woken when the transaction wrote rows, everyone whose next read must show
// the change is recorded for read-your-writes (the trip's rider and driver,
// plus e.g. the author or a driver the change removed), and then the listener
// (live tracking) is told. A listener failure is logged; it never fails the
// use case, whose transaction has committed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "trip/lifecycle/trip.hpp"
#include "trip/matching/outbox.hpp"
#include "trip/reads/read_routing.hpp"

namespace uitgo::trip {

// Told about every committed trip change (status, offer, decline, expiry,
// cancel), after the commit. Live tracking publishes it to WebSocket clients.
class TripListener {
 public:
  virtual ~TripListener() = default;
  virtual awaitable<void> trip_changed(const Trip& trip) = 0;
};

struct Committed {
  bool outbox = false;           // the transaction wrote outbox rows
  std::string_view outbox_kind;  // of this kind only (empty: of any kind)
  bool announce = true;          // tell the listener (a new trip has nobody listening yet)
  std::vector<std::optional<std::string>> also_readers = {};
};

class TripChanges {
 public:
  TripChanges(ReadRouting& reads, OutboxRelay& relay) : reads_(reads), relay_(relay) {}

  // Set once at start, before requests arrive; null = nobody listens.
  void set_listener(TripListener* listener) { listener_ = listener; }

  awaitable<void> committed(const Trip& trip, Committed what);
  // Outbox rows (of `kind`; empty: of any kind) were committed, once for a
  // batch of changes.
  void outbox_written(std::string_view kind = {}) { relay_.notify(kind); }

 private:
  ReadRouting& reads_;
  OutboxRelay& relay_;
  TripListener* listener_ = nullptr;
};

}  // namespace uitgo::trip
