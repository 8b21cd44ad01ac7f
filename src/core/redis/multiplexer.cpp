#include "core/redis/multiplexer.hpp"

#include <algorithm>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <functional>

namespace uitgo::redis::detail {

namespace {

Clock::time_point deadline_after(Clock::time_point now, Clock::duration timeout) {
  if (timeout >= Clock::time_point::max() - now) return Clock::time_point::max();
  return now + timeout;
}

}  // namespace

void Batch::encode_to(std::string& out) const {
  if (!is_pipeline) return single.encode_to(out);
  for (const Command& command : many) command.encode_to(out);
}

Multiplexer::Multiplexer(asio::any_io_executor executor, Options options)
    : options_(std::move(options)),
      strand_(asio::make_strand(std::move(executor))),
      watchdog_(strand_),
      connect_timer_(strand_) {}

awaitable<Reply> Multiplexer::submit(Batch batch, Clock::duration caller_timeout, Clock::duration hard_timeout) {
  // Checked again on the strand; this early look spares an overloaded client the round trip.
  if (stat_in_flight_.load(std::memory_order_relaxed) + batch.size() > options_.max_in_flight) {
    throw OverloadedError("redis: too many commands in flight");
  }
  return asio::async_initiate<decltype(use_awaitable), void(std::exception_ptr, Reply)>(
      [self = shared_from_this(), caller_timeout, hard_timeout](auto handler, Batch batch) {
        auto executor = asio::prefer(asio::any_io_executor(asio::get_associated_executor(handler)),
                                     asio::execution::outstanding_work.tracked);
        self->initiate(Caller(std::move(handler), std::move(executor)), std::move(batch), caller_timeout, hard_timeout);
      },
      use_awaitable, std::move(batch));
}

void Multiplexer::shutdown() {
  asio::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    self->drop_connection("redis client shut down");
    self->watchdog_.cancel();
  });
}

Stats Multiplexer::stats() const {
  return {stat_connected_.load(), stat_in_flight_.load(std::memory_order_relaxed),
          stat_reconnects_.load(std::memory_order_relaxed), stat_timeouts_.load(std::memory_order_relaxed)};
}

// Runs on the caller's thread.
void Multiplexer::initiate(Caller caller, Batch batch, Clock::duration caller_timeout, Clock::duration hard_timeout) {
  const std::uint64_t ticket = next_ticket_.fetch_add(1, std::memory_order_relaxed);
  // On the type-erased handler's slot: wrapping the handler took over the original one.
  auto slot = caller.handler.get_cancellation_slot();
  if (slot.is_connected()) {
    slot.assign([weak = weak_from_this(), ticket](asio::cancellation_type type) {
      if (type == asio::cancellation_type::none) return;
      if (auto self = weak.lock()) asio::post(self->strand_, [self, ticket] { self->abandon(ticket); });
    });
  }
  asio::post(strand_, [self = shared_from_this(), ticket, batch = std::move(batch), caller = std::move(caller),
                       caller_timeout, hard_timeout]() mutable {
    self->enqueue(ticket, std::move(batch), std::move(caller), caller_timeout, hard_timeout);
  });
}

void Multiplexer::enqueue(std::uint64_t ticket, Batch batch, Caller caller, Clock::duration caller_timeout,
                          Clock::duration hard_timeout) {
  if (stopped_) return answer(caller, std::make_exception_ptr(UnavailableError("redis client shut down")));
  const std::size_t commands = batch.size();
  if (pending_commands_ + commands > options_.max_in_flight) {
    return answer(caller, std::make_exception_ptr(OverloadedError("redis: too many commands in flight")));
  }
  const Clock::time_point now = Clock::now();
  if (!connection_) {
    if (now < retry_after_) {
      return answer(caller, std::make_exception_ptr(UnavailableError(last_failure_ + " (retrying shortly)")));
    }
    start_connect();
  }

  Request& request = in_flight_.emplace_back(next_seq_++, ticket, commands, batch.is_pipeline, Reply(),
                                             deadline_after(now, hard_timeout), std::move(caller));
  if (batch.is_pipeline) {
    request.result = Reply::array({});
    request.result.as_array().reserve(commands);
  }
  batch.encode_to(write_buffer_);
  pending_commands_ += commands;
  stat_in_flight_.store(pending_commands_, std::memory_order_relaxed);

  if (request.hard_deadline != Clock::time_point::max()) add_deadline({request.hard_deadline, request.seq, true});
  if (caller_timeout < hard_timeout) add_deadline({deadline_after(now, caller_timeout), request.seq, false});
  arm_watchdog();
  if (connected_ && !writing_) start_writer();
}

// The caller stopped waiting (its coroutine was cancelled). The request keeps
// its place in the reply stream; only the answer is dropped.
void Multiplexer::abandon(std::uint64_t ticket) {
  for (Request& request : in_flight_) {
    if (request.ticket != ticket) continue;
    answer(request.caller, std::make_exception_ptr(boost::system::system_error(asio::error::operation_aborted)));
    return;
  }
}

// Resumes the caller on its own executor, never inline on the strand.
void Multiplexer::answer(Caller& caller, std::exception_ptr error, Reply reply) {
  if (!caller.handler) return;
  auto executor = std::move(caller.executor);
  asio::post(executor, [handler = std::move(caller.handler), error, reply = std::move(reply)]() mutable {
    handler(error, std::move(reply));
  });
}

void Multiplexer::start_connect() {
  auto connection = std::make_shared<Connection>(strand_);
  connection_ = connection;
  connected_ = false;
  connect_timer_.expires_after(options_.connect_timeout);
  connect_timer_.async_wait([self = shared_from_this(), connection](boost::system::error_code ec) {
    if (ec || self->connection_ != connection || self->connected_) return;
    // Also covers a slow DNS lookup, which closing the connection cannot interrupt.
    self->connect_failed("redis at " + self->options_.host + ":" + std::to_string(self->options_.port) +
                         ": connect timed out");
  });
  asio::co_spawn(strand_, connect(shared_from_this(), connection), asio::detached);
}

// `self` keeps this object alive while the coroutine is suspended (also in the loops below).
awaitable<void> Multiplexer::connect(std::shared_ptr<Multiplexer> self, std::shared_ptr<Connection> connection) {
  std::string failure;
  try {
    co_await connection->open(options_);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (connection_ != connection) co_return;  // timed out or shut down meanwhile
  connect_timer_.cancel();
  if (!failure.empty()) co_return connect_failed(failure);

  connected_ = true;
  stat_connected_.store(true);
  if (ever_connected_) stat_reconnects_.fetch_add(1, std::memory_order_relaxed);
  ever_connected_ = true;
  asio::co_spawn(strand_, read_loop(self, connection), asio::detached);
  if (!write_buffer_.empty()) start_writer();
}

void Multiplexer::connect_failed(const std::string& failure) {
  retry_after_ = Clock::now() + options_.reconnect_backoff;
  last_failure_ = failure;
  drop_connection(failure);
}

void Multiplexer::start_writer() {
  writing_ = true;
  asio::co_spawn(strand_, write_loop(shared_from_this(), connection_), asio::detached);
}

// One writer per connection: whatever callers appended while the previous
// write was on the wire goes out together in the next one.
awaitable<void> Multiplexer::write_loop(std::shared_ptr<Multiplexer>, std::shared_ptr<Connection> connection) {
  try {
    while (connection_ == connection && !write_buffer_.empty()) co_await connection->write(write_buffer_);
  } catch (const std::exception& e) {
    if (connection_ == connection) drop_connection(e.what());
    co_return;
  }
  if (connection_ == connection) writing_ = false;
}

awaitable<void> Multiplexer::read_loop(std::shared_ptr<Multiplexer>, std::shared_ptr<Connection> connection) {
  std::vector<Reply> replies;
  try {
    for (;;) {
      co_await connection->read(replies);
      if (connection_ != connection) co_return;
      for (Reply& reply : replies) {
        if (in_flight_.empty()) co_return drop_connection("redis sent a reply nobody asked for");
        deliver(std::move(reply));
      }
      replies.clear();
    }
  } catch (const std::exception& e) {
    if (connection_ == connection) drop_connection(e.what());
  }
}

void Multiplexer::deliver(Reply&& reply) {
  Request& request = in_flight_.front();
  stat_in_flight_.store(--pending_commands_, std::memory_order_relaxed);
  if (request.is_pipeline) {
    request.result.as_array().push_back(std::move(reply));
  } else {
    request.result = std::move(reply);
  }
  if (--request.remaining > 0) return;
  answer(request.caller, nullptr, std::move(request.result));
  in_flight_.pop_front();
}

// Fails everything queued on the current connection and forgets it; the next
// command connects again. Requests past their deadline at `timed_out_at` get
// TimeoutError, the others UnavailableError.
void Multiplexer::drop_connection(const std::string& reason, std::optional<Clock::time_point> timed_out_at) {
  if (connection_) connection_->close();
  connection_.reset();
  connected_ = false;
  stat_connected_.store(false);
  writing_ = false;
  connect_timer_.cancel();
  write_buffer_.clear();
  deadlines_.clear();
  pending_commands_ = 0;
  stat_in_flight_.store(0, std::memory_order_relaxed);
  std::deque<Request> failed;
  failed.swap(in_flight_);
  for (Request& request : failed) {
    if (timed_out_at && request.hard_deadline <= *timed_out_at) {
      answer(request.caller, std::make_exception_ptr(TimeoutError("redis command timed out")));
    } else {
      answer(request.caller, std::make_exception_ptr(UnavailableError(reason)));
    }
  }
}

Request* Multiplexer::find(std::uint64_t seq) {
  if (is_done(seq)) return nullptr;
  return &in_flight_[seq - in_flight_.front().seq];
}

void Multiplexer::add_deadline(Deadline deadline) {
  // Entries of answered requests are dropped lazily (see arm_watchdog); when
  // long per-call timeouts keep them from reaching the top, sweep them here.
  if (deadlines_.size() > 2 * in_flight_.size() + 1024) {
    std::erase_if(deadlines_, [this](const Deadline& d) { return is_done(d.seq); });
    std::make_heap(deadlines_.begin(), deadlines_.end(), std::greater<>());
  }
  deadlines_.push_back(deadline);
  std::push_heap(deadlines_.begin(), deadlines_.end(), std::greater<>());
}

// One timer for all deadlines, set to the earliest. Replies come in order, so
// with the usual uniform timeout the answered entries are the ones on top.
void Multiplexer::arm_watchdog() {
  while (!deadlines_.empty() && is_done(deadlines_.front().seq)) {
    std::pop_heap(deadlines_.begin(), deadlines_.end(), std::greater<>());
    deadlines_.pop_back();
  }
  if (deadlines_.empty()) return;
  const Clock::time_point at = deadlines_.front().at;
  if (watchdog_armed_ && watchdog_at_ <= at) return;
  watchdog_armed_ = true;
  watchdog_at_ = at;
  watchdog_.expires_at(at);
  watchdog_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->on_watchdog();
  });
}

void Multiplexer::on_watchdog() {
  watchdog_armed_ = false;
  const Clock::time_point now = Clock::now();
  while (!deadlines_.empty() && deadlines_.front().at <= now) {
    std::pop_heap(deadlines_.begin(), deadlines_.end(), std::greater<>());
    const Deadline deadline = deadlines_.back();
    deadlines_.pop_back();
    Request* request = find(deadline.seq);
    if (request == nullptr) continue;
    if (deadline.resets_connection) {
      // Its reply may still come and would be taken for the next caller's.
      stat_timeouts_.fetch_add(1, std::memory_order_relaxed);
      drop_connection("redis connection reset after a command timed out", now);
      break;
    }
    answer(request->caller, std::make_exception_ptr(TimeoutError("redis command timed out")));
  }
  arm_watchdog();
}

}  // namespace uitgo::redis::detail
