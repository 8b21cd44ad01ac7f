#include "core/pg/pool.hpp"

#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <stdexcept>

#include "core/base/errors.hpp"
#include "core/pg/pool_core.hpp"

namespace uitgo::pg {

namespace asio = boost::asio;

namespace detail {

namespace {
constexpr std::chrono::milliseconds kTrustIdleFor{50};
}  // namespace

// A caller suspended in acquire(). Type-erased by hand: Boost 1.81's
// any_completion_handler re-wraps itself recursively when moved into
// asio::append (stack overflow), and the concrete handler type is an Asio detail.
struct Waiter {
  explicit Waiter(asio::any_io_executor executor) : timer(std::move(executor)) {}
  virtual ~Waiter() = default;
  // Posts the completion; the handler runs on the waiting coroutine's executor.
  virtual void complete(const asio::any_io_executor& executor, std::exception_ptr error, Grant grant) = 0;

  // Every member call on the timer happens under PoolCore::mutex_, which is
  // what makes cancelling it from a releasing thread safe.
  asio::steady_timer timer;
};

namespace {
template <typename Handler>
struct WaiterFor final : Waiter {
  WaiterFor(asio::any_io_executor executor, Handler h) : Waiter(std::move(executor)), handler(std::move(h)) {}
  void complete(const asio::any_io_executor& executor, std::exception_ptr error, Grant grant) override {
    // post() hands the call on to the handler's associated executor (the
    // waiting coroutine's), and never runs it inline: the releasing thread may
    // be inside a Lease destructor of an unrelated coroutine.
    asio::post(executor, asio::append(std::move(handler), error, std::move(grant)));
  }
  Handler handler;
};
}  // namespace

PoolCore::PoolCore(asio::any_io_executor executor, Options options)
    : executor_(std::move(executor)), options_(std::move(options)) {
  if (options_.max_size == 0) throw std::invalid_argument("pg::Options::max_size must be at least 1");
}

std::exception_ptr PoolCore::overloaded(const char* why) const {
  return std::make_exception_ptr(OverloadedError(options_.name + ": " + why));
}

std::optional<Grant> PoolCore::take_locked() {
  if (!idle_.empty()) {
    Grant grant{std::move(idle_.back().conn), idle_.back().since};
    idle_.pop_back();
    return grant;
  }
  if (size_ < options_.max_size) {
    ++size_;
    return Grant{};
  }
  return std::nullopt;
}

asio::awaitable<Grant> PoolCore::take() {
  std::optional<Grant> ready;
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw UnavailableError(options_.name + ": pool is closed");
    ready = take_locked();
    if (!ready && waiters_.size() >= options_.max_waiters) {
      std::rethrow_exception(overloaded("too many callers waiting for a connection"));
    }
  }
  if (ready) co_return std::move(*ready);
  // Named, not a temporary inside the co_await: GCC 12 destroys a closure
  // with non-trivial captures twice when it is built in a co_await expression.
  auto initiation = [self = shared_from_this()](auto handler) {
    using Handler = decltype(handler);
    self->enqueue(std::make_shared<WaiterFor<Handler>>(self->executor_, std::move(handler)));
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr, Grant)>(
      std::move(initiation), asio::use_awaitable);
}

void PoolCore::enqueue(std::shared_ptr<Waiter> waiter) {
  std::unique_lock lock(mutex_);
  // Re-check: a connection may have come back since take() looked.
  std::exception_ptr error;
  std::optional<Grant> ready;
  if (closed_) {
    error = std::make_exception_ptr(UnavailableError(options_.name + ": pool is closed"));
  } else if ((ready = take_locked())) {
  } else if (waiters_.size() >= options_.max_waiters) {
    error = overloaded("too many callers waiting for a connection");
  } else {
    waiter->timer.expires_after(options_.acquire_timeout);
    waiter->timer.async_wait([self = shared_from_this(), waiter](boost::system::error_code) {
      self->expire(waiter);  // also runs when cancelled; expire() then finds it already served
    });
    waiters_.push_back(std::move(waiter));
    return;
  }
  lock.unlock();
  complete(*waiter, error, ready ? std::move(*ready) : Grant{});
}

void PoolCore::expire(const std::shared_ptr<Waiter>& waiter) {
  {
    std::lock_guard lock(mutex_);
    auto it = std::find(waiters_.begin(), waiters_.end(), waiter);
    if (it == waiters_.end()) return;
    waiters_.erase(it);
  }
  complete(*waiter, overloaded("no connection became free within acquire_timeout"), {});
}

void PoolCore::complete(Waiter& waiter, std::exception_ptr error, Grant grant) {
  waiter.complete(executor_, std::move(error), std::move(grant));
}

void PoolCore::give_back(std::shared_ptr<Connection> conn, bool reusable) noexcept {
  std::shared_ptr<Waiter> next;
  {
    std::lock_guard lock(mutex_);
    if (closed_) reusable = false;
    if (!waiters_.empty()) {
      next = std::move(waiters_.front());
      waiters_.pop_front();
      next->timer.cancel();
    } else if (reusable) {
      idle_.push_back({std::move(conn), std::chrono::steady_clock::now()});
    } else {
      --size_;
    }
  }
  // An unusable connection's slot goes to the waiter, who opens a new one.
  if (next) complete(*next, nullptr, reusable ? Grant{std::move(conn), std::nullopt} : Grant{});
  // Otherwise an unusable connection is closed here, outside the lock.
}

void PoolCore::close() noexcept {
  std::vector<IdleConnection> idle;
  std::deque<std::shared_ptr<Waiter>> waiters;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    idle.swap(idle_);
    size_ -= idle.size();
    waiters.swap(waiters_);
    for (auto& waiter : waiters) waiter->timer.cancel();
  }
  for (auto& waiter : waiters) {
    complete(*waiter, std::make_exception_ptr(UnavailableError(options_.name + ": pool is closed")), {});
  }
}

PoolStats PoolCore::stats() const {
  std::lock_guard lock(mutex_);
  return {.size = size_, .idle = idle_.size(), .in_use = size_ - idle_.size(), .waiting = waiters_.size()};
}

asio::awaitable<Lease> PoolCore::acquire(std::shared_ptr<PoolCore> self) {
  for (;;) {
    Grant grant = co_await self->take();
    if (grant.conn) {
      // A connection that came back moments ago is trusted without the poll()
      // syscall: under load that saves a syscall per query, and a restart that
      // lands in that window costs one UnavailableError, as any in-flight query would.
      const bool fresh = !grant.idle_since || std::chrono::steady_clock::now() - *grant.idle_since < kTrustIdleFor;
      if (fresh || grant.conn->idle_healthy()) co_return Lease(self, std::move(grant.conn));
      self->give_back(std::move(grant.conn), false);  // went stale while idle, e.g. a server restart
      continue;
    }
    // Lazy (re)connect: this is how the pool heals after the server comes back.
    auto conn = std::make_shared<Connection>(self->executor_, self->options_.name, self->cancel_budget_);
    std::exception_ptr failure;
    try {
      co_await conn->connect(self->options_.dsn, self->options_.connect_timeout);
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      self->give_back(std::move(conn), false);
      std::rethrow_exception(failure);
    }
    co_return Lease(self, std::move(conn));
  }
}

}  // namespace detail

Pool::Pool(asio::any_io_executor executor, Options options)
    : core_(std::make_shared<detail::PoolCore>(std::move(executor), std::move(options))) {}

Pool::~Pool() { core_->close(); }

asio::awaitable<Lease> Pool::acquire() { return detail::PoolCore::acquire(core_); }

asio::awaitable<Result> Pool::query(std::string_view sql, Params params,
                                    std::optional<std::chrono::milliseconds> timeout) {
  Lease lease = co_await acquire();
  co_return co_await lease.query(sql, std::move(params), timeout);
}

asio::awaitable<bool> Pool::ping(std::chrono::milliseconds timeout) {
  try {
    Lease lease = co_await acquire();
    Result r = co_await lease.query("SELECT 1", {}, timeout);
    co_return r.rows() == 1;
  } catch (const std::exception&) {
    co_return false;
  }
}

PoolStats Pool::stats() const { return core_->stats(); }

const Options& Pool::options() const noexcept { return core_->options(); }

}  // namespace uitgo::pg
