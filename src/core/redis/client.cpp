#include "core/redis/client.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/redis/multiplexer.hpp"

namespace uitgo::redis {

using detail::Batch;

Client::Client(asio::any_io_executor executor, Options options)
    : impl_(std::make_shared<detail::Multiplexer>(std::move(executor), std::move(options))) {}

Client::~Client() {
  if (impl_) impl_->shutdown();
}

Client& Client::operator=(Client&& other) noexcept {
  // The replaced connection must be shut down, or its reader would keep it alive forever.
  if (this == &other) return *this;
  if (impl_) impl_->shutdown();
  impl_ = std::move(other.impl_);
  return *this;
}

awaitable<Reply> Client::command(Command command, std::optional<Clock::duration> timeout) {
  if (command.empty()) throw std::invalid_argument("redis command without arguments");
  const Clock::duration limit = timeout.value_or(impl_->options().command_timeout);
  Batch batch;
  batch.single = std::move(command);
  Reply reply = co_await impl_->submit(std::move(batch), limit, limit);
  reply.throw_if_error();
  co_return reply;
}

awaitable<std::vector<Reply>> Client::pipeline(std::vector<Command> commands, std::optional<Clock::duration> timeout) {
  if (commands.empty()) co_return std::vector<Reply>{};
  // Redis answers an empty command with nothing, which would shift every later reply.
  if (std::any_of(commands.begin(), commands.end(), [](const Command& c) { return c.empty(); })) {
    throw std::invalid_argument("redis command without arguments in a pipeline");
  }
  const Clock::duration limit = timeout.value_or(impl_->options().command_timeout);
  Batch batch;
  batch.many = std::move(commands);
  batch.is_pipeline = true;
  Reply replies = co_await impl_->submit(std::move(batch), limit, limit);
  co_return std::move(replies.as_array());
}

awaitable<Reply> Client::eval(const Script& script, Command keys, Command args,
                              std::optional<Clock::duration> timeout) {
  // Not a coroutine: the call holds what it needs (the source shared, not
  // copied), so `script` need not outlive it. The EVAL form is built only
  // when Redis asks for it: most calls never need the source.
  Command evalsha{"EVALSHA", script.sha1(), keys.size()};
  evalsha.append(keys).append(args);
  return eval_with_fallback(std::move(evalsha), script.shared_source(), std::move(keys), std::move(args), timeout);
}

awaitable<Reply> Client::eval_with_fallback(Command evalsha, std::shared_ptr<const std::string> source, Command keys,
                                            Command args, std::optional<Clock::duration> timeout) {
  const Clock::duration limit = timeout.value_or(impl_->options().command_timeout);
  Batch first;
  first.single = std::move(evalsha);
  const Clock::time_point started = Clock::now();
  Reply reply = co_await impl_->submit(std::move(first), limit, limit);
  if (reply.is_error() && reply.error_message().starts_with("NOSCRIPT")) {
    // One deadline for both round trips, as the caller asked for one call.
    const Clock::duration left = limit - (Clock::now() - started);
    if (left <= Clock::duration::zero()) throw TimeoutError("redis command timed out");
    Command eval{"EVAL", *source, keys.size()};
    eval.append(keys).append(args);
    Batch again;
    again.single = std::move(eval);
    reply = co_await impl_->submit(std::move(again), left, left);
  }
  reply.throw_if_error();
  co_return reply;
}

awaitable<void> Client::ping(std::optional<Clock::duration> timeout) {
  const Clock::duration limit = timeout.value_or(impl_->options().ping_timeout);
  // The connection is reset only if the reply is later than any command's
  // deadline: a slow PING under load is not a reason to fail everybody else.
  const Clock::duration reset_after = std::max<Clock::duration>(limit, impl_->options().command_timeout);
  Batch batch;
  batch.single = Command{"PING"};
  Reply reply = co_await impl_->submit(std::move(batch), limit, reset_after);
  reply.throw_if_error();
  if (!reply.is_status() || reply.as_string() != "PONG") {
    throw UnavailableError("redis answered PING with " + reply.debug_string());
  }
}

Stats Client::stats() const { return impl_->stats(); }

const Options& Client::options() const { return impl_->options(); }

}  // namespace uitgo::redis
