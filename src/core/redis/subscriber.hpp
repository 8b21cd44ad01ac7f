// Redis pub/sub: a dedicated connection in subscribe mode (the shared Client
// cannot carry SUBSCRIBE, see client.hpp). PUBLISH goes through the Client.
//
// Channels are reference-counted: the first subscribe() of a channel sends
// SUBSCRIBE, the last Subscription dropped sends UNSUBSCRIBE, so a thousand
// listeners on one channel cost one subscription. Pushed messages are handed
// to every handler of their channel, on the subscriber's strand: handlers
// must be quick and must not block (post work elsewhere).
//
// When the connection is lost, it is re-established with exponential backoff
// (Options::reconnect_backoff doubling up to max_backoff) and every channel
// still wanted is subscribed again. Messages published while disconnected are
// lost (pub/sub keeps nothing), which is why callers treat them as hints and
// send the current state on (re)connect.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/base/async.hpp"
#include "core/redis/options.hpp"

namespace uitgo::redis {

class Subscriber {
 public:
  using Handler = std::function<void(const std::string& payload)>;
  struct State;  // subscriber.cpp

  // Unsubscribes its handler when destroyed (or reset). Move-only; may
  // outlive the Subscriber.
  class Subscription {
   public:
    Subscription() = default;
    ~Subscription() { reset(); }
    Subscription(Subscription&& other) noexcept;
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    void reset();

   private:
    friend class Subscriber;
    std::weak_ptr<State> state_;
    std::string channel_;
    std::uint64_t id_ = 0;
  };

  Subscriber(asio::any_io_executor executor, Options options, Millis max_backoff = Millis(5000));
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // Connects and keeps the connection up until stop().
  void start();
  awaitable<void> stop();

  // Thread-safe.
  [[nodiscard]] Subscription subscribe(const std::string& channel, Handler handler);
  // True once Redis confirmed the subscription of `channel` on the current
  // connection; waits up to `timeout` for it.
  awaitable<bool> wait_subscribed(const std::string& channel, Millis timeout);

  bool connected() const;
  std::size_t channels() const;
  std::uint64_t reconnects() const;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace uitgo::redis
