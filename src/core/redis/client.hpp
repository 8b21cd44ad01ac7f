// The project's Redis client: one multiplexed connection shared by every
// coroutine of a service. Commands are pipelined (written in order, replies
// matched first-in first-out), so thousands of concurrent callers cost one
// socket and a few syscalls per batch rather than a connection each.
//
// One Client = one connection. Commands that hold the connection or change its
// state must get a Client of their own, never the shared one:
//   - blocking commands (XREADGROUP ... BLOCK, BLPOP): they stall every caller
//     queued behind them; pass a per-call timeout longer than the block time;
//   - SUBSCRIBE / PSUBSCRIBE: pushes without requests break reply matching
//     (not supported by this client yet);
//   - SELECT, WATCH, CLIENT REPLY, MULTI sent as separate commands: they would
//     apply to other callers' commands. Send MULTI ... EXEC as one pipeline(),
//     or better a Lua script through eval().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/base/async.hpp"
#include "core/redis/command.hpp"
#include "core/redis/options.hpp"
#include "core/redis/reply.hpp"
#include "core/redis/script.hpp"

namespace uitgo::redis {

namespace detail {
class Multiplexer;
}

struct Stats {
  bool connected = false;
  std::size_t in_flight = 0;     // commands queued or awaiting their reply
  std::uint64_t reconnects = 0;  // connections established after the first
  std::uint64_t timeouts = 0;    // deadlines that reset the connection
};

// Thread-safe: any coroutine on any thread may call any member at the same time.
//
// Failures, as thrown by the awaitables:
//   CommandError       Redis answered with an error reply (command/eval only;
//                      pipeline returns error replies in place);
//   TimeoutError       the deadline passed. The connection is then closed and
//                      every other command in flight fails with UnavailableError,
//                      because a reply that may still arrive would be matched to
//                      the wrong caller; the next command reconnects;
//   UnavailableError   not connected and connecting failed, the connection was
//                      lost, or a reconnect backoff is in progress (fails at once);
//   OverloadedError    more than Options::max_in_flight commands are pending.
// Cancelling the awaiting coroutine (e.g. an outer with_deadline) abandons the
// command without disturbing the connection: its reply is discarded on arrival.
class Client {
 public:
  // Connects lazily, on the first command.
  Client(asio::any_io_executor executor, Options options);
  // Commands still pending fail with UnavailableError; does not block.
  ~Client();
  Client(Client&&) noexcept = default;
  Client& operator=(Client&& other) noexcept;

  // co_await redis.command({"SET", key, value, "EX", 60});
  // Throws CommandError when Redis answers with an error reply.
  awaitable<Reply> command(Command command, std::optional<Clock::duration> timeout = {});

  // Sent in one write; one reply per command, error replies included (not thrown).
  //   std::vector<redis::Command> batch{{"INCR", "a"}, {"EXPIRE", "a", 60}};
  //   auto replies = co_await redis.pipeline(std::move(batch));
  // (A braced list written inside the co_await does not compile with GCC 12.2; see command.hpp.)
  awaitable<std::vector<Reply>> pipeline(std::vector<Command> commands, std::optional<Clock::duration> timeout = {});

  // EVALSHA; when Redis no longer has the script (restart, SCRIPT FLUSH), sends it
  // with EVAL once, which also caches it again. Throws CommandError like command().
  awaitable<Reply> eval(const Script& script, Command keys = {}, Command args = {},
                        std::optional<Clock::duration> timeout = {});

  // PING with Options::ping_timeout, for readiness checks. Throws like command()
  // on failure. Unlike other commands, missing this deadline fails only this call:
  // the shared connection is reset only if the reply is still missing after
  // Options::command_timeout, so a probe during a load spike harms nobody.
  awaitable<void> ping(std::optional<Clock::duration> timeout = {});

  Stats stats() const;
  const Options& options() const;

 private:
  awaitable<Reply> eval_with_fallback(Command evalsha, std::shared_ptr<const std::string> source, Command keys,
                                      Command args, std::optional<Clock::duration> timeout);

  std::shared_ptr<detail::Multiplexer> impl_;
};

}  // namespace uitgo::redis
