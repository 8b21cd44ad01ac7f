// The shared connection behind redis::Client. Requests arrive from any thread
// and are handed to a strand, which owns everything below: the write buffer
// (drained by one writer, so concurrent commands share writes), the FIFO of
// requests awaiting replies, one timer for all deadlines, and reconnection.
// Internal to uitgo_redis (pulls in Asio headers).
#pragma once

#include <atomic>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/redis/client.hpp"
#include "core/redis/connection.hpp"

namespace uitgo::redis::detail {

// What one caller sent: a command or a pipeline. Either way it is written
// contiguously and answered once, so MULTI ... EXEC in a pipeline stays whole.
struct Batch {
  Command single;
  std::vector<Command> many;
  bool is_pipeline = false;

  std::size_t size() const { return is_pipeline ? many.size() : 1; }
  void encode_to(std::string& out) const;
};

// A suspended caller: its completion handler and the executor to resume it on,
// kept apart because the type-erased handler's own executor cannot be posted to.
struct Caller {
  Caller(asio::any_completion_handler<void(std::exception_ptr, Reply)> h, asio::any_io_executor ex)
      : handler(std::move(h)), executor(std::move(ex)) {}
  Caller(Caller&&) = default;
  // Boost 1.81's any_completion_handler move-assignment recurses until the stack
  // overflows; deleting ours turns any use of it into a compile error.
  Caller& operator=(Caller&&) = delete;

  asio::any_completion_handler<void(std::exception_ptr, Reply)> handler;
  asio::any_io_executor executor;  // tracks work, so the caller's io_context stays up meanwhile
};

struct Request {
  std::uint64_t seq;     // position in the reply stream, assigned on the strand
  std::uint64_t ticket;  // assigned on the caller's thread, so a cancellation can find its request
  std::size_t remaining;
  bool is_pipeline;
  Reply result;
  Clock::time_point hard_deadline;
  Caller caller;  // handler empty once answered; a late reply is then dropped
};

struct Deadline {
  Clock::time_point at;
  std::uint64_t seq;
  bool resets_connection;  // false: only the caller stops waiting (ping)
  bool operator>(const Deadline& other) const { return at > other.at; }
};

class Multiplexer : public std::enable_shared_from_this<Multiplexer> {
 public:
  Multiplexer(asio::any_io_executor executor, Options options);

  // Any thread. The caller waits at most `caller_timeout`; the connection is
  // reset when a reply is later than `hard_timeout` (>= caller_timeout).
  awaitable<Reply> submit(Batch batch, Clock::duration caller_timeout, Clock::duration hard_timeout);
  // Any thread; fails whatever is pending and closes the connection.
  void shutdown();

  const Options& options() const { return options_; }
  Stats stats() const;

 private:
  void initiate(Caller caller, Batch batch, Clock::duration caller_timeout, Clock::duration hard_timeout);
  void enqueue(std::uint64_t ticket, Batch batch, Caller caller, Clock::duration caller_timeout,
               Clock::duration hard_timeout);
  void abandon(std::uint64_t ticket);
  void answer(Caller& caller, std::exception_ptr error, Reply reply = {});

  void start_connect();
  awaitable<void> connect(std::shared_ptr<Multiplexer> self, std::shared_ptr<Connection> connection);
  void connect_failed(const std::string& failure);
  void start_writer();
  awaitable<void> write_loop(std::shared_ptr<Multiplexer> self, std::shared_ptr<Connection> connection);
  awaitable<void> read_loop(std::shared_ptr<Multiplexer> self, std::shared_ptr<Connection> connection);
  void deliver(Reply&& reply);
  void drop_connection(const std::string& reason, std::optional<Clock::time_point> timed_out_at = {});

  bool is_done(std::uint64_t seq) const { return in_flight_.empty() || seq < in_flight_.front().seq; }
  Request* find(std::uint64_t seq);
  void add_deadline(Deadline deadline);
  void arm_watchdog();
  void on_watchdog();

  const Options options_;
  Strand strand_;
  std::atomic<std::uint64_t> next_ticket_{0};
  // Read by stats() on any thread, written on the strand.
  std::atomic<std::size_t> stat_in_flight_{0};
  std::atomic<bool> stat_connected_{false};
  std::atomic<std::uint64_t> stat_reconnects_{0};
  std::atomic<std::uint64_t> stat_timeouts_{0};

  // Everything below is touched only on strand_.
  asio::steady_timer watchdog_;
  asio::steady_timer connect_timer_;
  std::shared_ptr<Connection> connection_;  // set while connecting or connected
  bool connected_ = false;
  bool ever_connected_ = false;
  bool writing_ = false;
  bool stopped_ = false;
  Clock::time_point retry_after_{};
  std::string last_failure_;

  std::string write_buffer_;
  std::deque<Request> in_flight_;
  std::size_t pending_commands_ = 0;
  std::uint64_t next_seq_ = 0;
  std::vector<Deadline> deadlines_;  // min-heap on `at`
  bool watchdog_armed_ = false;
  Clock::time_point watchdog_at_{};
};

}  // namespace uitgo::redis::detail
