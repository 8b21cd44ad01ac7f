#include "core/redis/subscriber.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <vector>

#include "core/base/log.hpp"
#include "core/redis/command.hpp"
#include "core/redis/connection.hpp"

namespace uitgo::redis {

struct Channel {
  std::map<std::uint64_t, Subscriber::Handler> handlers;
  bool confirmed = false;  // Redis acknowledged SUBSCRIBE on the current connection
};

struct Subscriber::State : std::enable_shared_from_this<Subscriber::State> {
  State(asio::any_io_executor executor, Options opts, Millis max)
      : strand(asio::make_strand(executor)), options(std::move(opts)), max_backoff(max), wake(strand), pause(strand) {}

  detail::Strand strand;
  Options options;
  Millis max_backoff;
  asio::steady_timer wake;                         // strand only: the writer waits on it
  asio::steady_timer pause;                        // strand only: reconnect backoff
  std::unique_ptr<detail::Connection> connection;  // strand only
  bool stopping = false;                           // strand only
  std::string failure;                             // strand only: why the connection ended
  std::atomic<bool> running{false};

  mutable std::mutex mutex;
  std::map<std::string, Channel> channels;
  std::uint64_t next_id = 1;
  std::string pending;  // SUBSCRIBE / UNSUBSCRIBE frames not written yet
  std::atomic<bool> connected{false};
  std::atomic<std::uint64_t> reconnects{0};

  void kick() {
    asio::post(strand, [self = shared_from_this()] { self->wake.cancel(); });
  }

  void remove(const std::string& channel, std::uint64_t id) {
    {
      std::lock_guard lock(mutex);
      auto it = channels.find(channel);
      if (it == channels.end()) return;
      it->second.handlers.erase(id);
      if (!it->second.handlers.empty()) return;
      channels.erase(it);
      Command{"UNSUBSCRIBE", channel}.encode_to(pending);
    }
    kick();
  }

  // Called right after connecting: everything wanted, in one SUBSCRIBE.
  void resubscribe_all() {
    std::lock_guard lock(mutex);
    pending.clear();
    if (channels.empty()) return;
    Command subscribe{"SUBSCRIBE"};
    for (auto& [name, channel] : channels) {
      channel.confirmed = false;
      subscribe.push(name);
    }
    subscribe.encode_to(pending);
  }

  void dispatch(const Reply& reply) {
    if (!reply.is_array()) return;
    const auto& parts = reply.as_array();
    if (parts.size() != 3 || !parts[0].is_string() || !parts[1].is_string()) return;
    const auto& kind = parts[0].as_string();
    const auto& name = parts[1].as_string();
    if (kind == "subscribe") {
      std::lock_guard lock(mutex);
      if (auto it = channels.find(name); it != channels.end()) it->second.confirmed = true;
      return;
    }
    if (kind != "message" || !parts[2].is_string()) return;
    std::vector<Handler> targets;
    {
      std::lock_guard lock(mutex);
      auto it = channels.find(name);
      if (it == channels.end()) return;
      targets.reserve(it->second.handlers.size());
      for (const auto& [id, handler] : it->second.handlers) targets.push_back(handler);
    }
    for (const auto& handler : targets) {
      try {
        handler(parts[2].as_string());
      } catch (const std::exception& e) {
        log::error("redis subscriber: handler failed", {{"channel", name}, {"error", e.what()}});
      }
    }
  }

  // Both loops end by returning (never by throwing): awaitable operator||
  // waits for the first operand that *succeeds*, and then cancels the other.
  awaitable<void> read_loop() {
    std::vector<Reply> replies;
    try {
      while (true) {
        replies.clear();
        co_await connection->read(replies);
        for (const auto& reply : replies) dispatch(reply);
      }
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }

  awaitable<void> write_loop() {
    try {
      while (true) {
        std::string batch;
        {
          std::lock_guard lock(mutex);
          batch.swap(pending);
        }
        if (batch.empty()) {
          wake.expires_at(Clock::time_point::max());
          co_await wake.async_wait(asio::as_tuple(use_awaitable));
          const auto state = co_await asio::this_coro::cancellation_state;
          if (state.cancelled() != asio::cancellation_type::none) co_return;
          continue;
        }
        co_await connection->write(batch);
      }
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }

  awaitable<void> connect_and_serve() {
    connection = std::make_unique<detail::Connection>(strand);
    auto open = connection->open(options);
    co_await with_deadline(std::move(open), options.connect_timeout, "redis subscriber connect");
    resubscribe_all();
    connected = true;
    log::info("redis subscriber connected", {{"host", options.host}, {"port", options.port}});
    using namespace asio::experimental::awaitable_operators;
    failure = "connection closed";
    auto both = read_loop() || write_loop();
    co_await std::move(both);
    throw UnavailableError(failure);
  }

  awaitable<void> run() {
    Millis backoff = options.reconnect_backoff;
    bool first = true;
    while (!stopping) {
      if (!first) reconnects.fetch_add(1);
      first = false;
      std::string error;
      try {
        co_await connect_and_serve();
      } catch (const std::exception& e) {
        error = e.what();
      }
      const bool was_connected = connected.exchange(false);
      if (connection) connection->close();
      if (stopping) break;
      log::warn("redis subscriber disconnected; reconnecting", {{"error", error}, {"backoffMs", backoff.count()}});
      if (was_connected) backoff = options.reconnect_backoff;
      pause.expires_after(backoff);
      co_await pause.async_wait(asio::as_tuple(use_awaitable));
      backoff = std::min(backoff * 2, max_backoff);
    }
    running = false;
  }
};

// ------------------------------------------------------------------ Subscription

Subscriber::Subscription::Subscription(Subscription&& other) noexcept
    : state_(std::move(other.state_)), channel_(std::move(other.channel_)), id_(std::exchange(other.id_, 0)) {}

Subscriber::Subscription& Subscriber::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    state_ = std::move(other.state_);
    channel_ = std::move(other.channel_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void Subscriber::Subscription::reset() {
  if (id_ == 0) return;
  if (auto state = state_.lock()) state->remove(channel_, id_);
  id_ = 0;
  state_.reset();
}

// ------------------------------------------------------------------ Subscriber

Subscriber::Subscriber(asio::any_io_executor executor, Options options, Millis max_backoff)
    : state_(std::make_shared<State>(std::move(executor), std::move(options), max_backoff)) {}

Subscriber::~Subscriber() {
  asio::post(state_->strand, [state = state_] {
    state->stopping = true;
    state->pause.cancel();
    state->wake.cancel();
    if (state->connection) state->connection->close();
  });
}

void Subscriber::start() {
  state_->running = true;
  asio::co_spawn(state_->strand, state_->run(), [](std::exception_ptr failure) {
    if (failure) log::error("redis subscriber stopped unexpectedly");
  });
}

awaitable<void> Subscriber::stop() {
  auto state = state_;
  asio::post(state->strand, [state] {
    state->stopping = true;
    state->pause.cancel();
    state->wake.cancel();
    if (state->connection) state->connection->close();
  });
  asio::steady_timer poll(co_await asio::this_coro::executor);
  for (int i = 0; i < 200 && state->running.load(); ++i) {
    poll.expires_after(Millis(10));
    co_await poll.async_wait(asio::as_tuple(use_awaitable));
  }
}

Subscriber::Subscription Subscriber::subscribe(const std::string& channel, Handler handler) {
  Subscription subscription;
  {
    std::lock_guard lock(state_->mutex);
    auto& entry = state_->channels[channel];
    const bool first = entry.handlers.empty();
    subscription.id_ = state_->next_id++;
    entry.handlers.emplace(subscription.id_, std::move(handler));
    if (first) Command{"SUBSCRIBE", channel}.encode_to(state_->pending);
  }
  subscription.state_ = state_;
  subscription.channel_ = channel;
  state_->kick();
  return subscription;
}

awaitable<bool> Subscriber::wait_subscribed(const std::string& channel, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  asio::steady_timer poll(co_await asio::this_coro::executor);
  while (true) {
    {
      std::lock_guard lock(state_->mutex);
      auto it = state_->channels.find(channel);
      if (it != state_->channels.end() && it->second.confirmed) co_return true;
    }
    if (Clock::now() >= deadline) co_return false;
    poll.expires_after(Millis(2));
    co_await poll.async_wait(asio::as_tuple(use_awaitable));
  }
}

bool Subscriber::connected() const { return state_->connected.load(); }

std::size_t Subscriber::channels() const {
  std::lock_guard lock(state_->mutex);
  return state_->channels.size();
}

std::uint64_t Subscriber::reconnects() const { return state_->reconnects.load(); }

}  // namespace uitgo::redis
