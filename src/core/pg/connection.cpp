#include "core/pg/connection.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/base/errors.hpp"

namespace uitgo::pg::detail {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using Wait = asio::posix::descriptor_base::wait_type;

namespace {

std::string trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Class 08 and the 57P0x shutdown codes mean the session is gone, not that the
// statement was wrong: callers should see "unavailable", not a query error.
bool ends_session(std::string_view state) {
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

std::string millis(milliseconds d) { return std::to_string(d.count()) + " ms"; }

}  // namespace

struct Connection::Impl : std::enable_shared_from_this<Connection::Impl> {
  Impl(asio::any_io_executor executor, std::string name, std::shared_ptr<CancelBudget> budget)
      : strand(asio::make_strand(std::move(executor))),
        timer(strand),
        name(std::move(name)),
        budget(std::move(budget)) {}

  ~Impl() {
    sd.reset();  // closes only our duplicate of the socket
    if (conn) PQfinish(conn);
  }

  asio::strand<asio::any_io_executor> strand;
  asio::steady_timer timer;
  std::optional<asio::posix::stream_descriptor> sd;
  PGconn* conn = nullptr;
  std::string name;
  std::shared_ptr<CancelBudget> budget;
  bool broken = false;
  bool busy = false;
  bool timed_out = false;
  std::uint64_t generation = 0;
  // Statement text → name of the session's prepared statement.
  static constexpr std::size_t kMaxPrepared = 256;
  std::unordered_map<std::string, std::string> prepared;

  struct Disarm {
    Impl& impl;
    ~Disarm() { impl.disarm(); }
  };

  [[noreturn]] void fail_unavailable(std::string_view what) {
    broken = true;
    throw UnavailableError(name + ": " + std::string(what) + ": " + trimmed(PQerrorMessage(conn)));
  }

  void watch_socket() {
    // Asio gets its own dup() of libpq's socket: closing or deregistering it
    // can never touch libpq's descriptor, nor a descriptor number the kernel
    // handed to someone else after libpq swapped sockets during connection
    // setup (e.g. retrying another address).
    sd.reset();
    const int fd = PQsocket(conn);
    if (fd < 0) fail_unavailable("no socket");
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) fail_unavailable("cannot duplicate socket");
    try {
      sd.emplace(strand, copy);
    } catch (...) {
      ::close(copy);
      throw;
    }
  }

  void arm(milliseconds timeout) {
    busy = true;
    timed_out = false;
    const auto gen = ++generation;
    timer.expires_after(timeout);
    timer.async_wait(asio::bind_executor(strand, [self = shared_from_this(), gen](boost::system::error_code ec) {
      if (ec || !self->busy || self->generation != gen) return;
      self->timed_out = true;
      boost::system::error_code ignored;
      if (self->sd) self->sd->cancel(ignored);
    }));
  }

  void disarm() noexcept {
    busy = false;
    timer.cancel();
  }

  void after_wait(boost::system::error_code ec, milliseconds timeout) {
    if (timed_out) throw TimeoutError(name + ": query timed out after " + millis(timeout));
    if (ec) throw boost::system::system_error(ec, name + ": socket wait failed");
  }

  // Closing our socket does not stop the backend (pg_sleep never notices), so
  // ask the server to cancel too. PQcancel blocks, hence a short-lived thread.
  void send_cancel() noexcept {
    if (!conn) return;
    if (budget->running.fetch_add(1) >= budget->max_running) {
      budget->running.fetch_sub(1);  // the connection is dropped anyway; the cancel is best effort
      return;
    }
    PGcancel* cancel = PQgetCancel(conn);
    if (!cancel) {
      budget->running.fetch_sub(1);
      return;
    }
    try {
      std::thread([cancel, budget = budget] {
        char error[256];
        PQcancel(cancel, error, sizeof error);
        PQfreeCancel(cancel);
        budget->running.fetch_sub(1);
      }).detach();
    } catch (...) {
      PQfreeCancel(cancel);
      budget->running.fetch_sub(1);
    }
  }

  QueryError make_error(const PGresult* res) const {
    auto field = [res](int code) {
      const char* v = PQresultErrorField(res, code);
      return v ? std::string(v) : std::string();
    };
    std::string state = field(PG_DIAG_SQLSTATE);
    std::string primary = field(PG_DIAG_MESSAGE_PRIMARY);
    if (primary.empty()) primary = trimmed(PQresultErrorMessage(res));
    return QueryError(name + ": " + primary + " (SQLSTATE " + state + ")", state, field(PG_DIAG_MESSAGE_DETAIL),
                      field(PG_DIAG_CONSTRAINT_NAME));
  }

  static asio::awaitable<void> connect(std::shared_ptr<Impl> self, std::string dsn, milliseconds timeout) {
    Impl& c = *self;
    c.conn = PQconnectStart(dsn.c_str());
    if (!c.conn) {
      c.broken = true;
      throw UnavailableError(c.name + ": cannot allocate a connection");
    }
    if (PQstatus(c.conn) == CONNECTION_BAD) c.fail_unavailable("cannot connect");
    c.arm(timeout);
    Disarm guard{c};
    // libpq's contract: before the first PQconnectPoll, act as if it returned WRITING.
    PostgresPollingStatusType status = PGRES_POLLING_WRITING;
    while (status != PGRES_POLLING_OK) {
      if (status == PGRES_POLLING_FAILED) c.fail_unavailable("cannot connect");
      c.watch_socket();  // the socket can change between polls
      auto [ec] = co_await c.sd->async_wait(status == PGRES_POLLING_READING ? Wait::wait_read : Wait::wait_write,
                                            asio::as_tuple(asio::use_awaitable));
      if (c.timed_out) {
        c.broken = true;
        throw UnavailableError(c.name + ": connect timed out after " + millis(timeout));
      }
      if (ec) {
        c.broken = true;
        throw boost::system::system_error(ec, c.name + ": connect wait failed");
      }
      status = PQconnectPoll(c.conn);
    }
    if (PQsetnonblocking(c.conn, 1) != 0) c.fail_unavailable("cannot enter non-blocking mode");
    // The default processor prints server NOTICEs (e.g. "already exists, skipping") to stderr.
    PQsetNoticeProcessor(
        c.conn, [](void*, const char*) {}, nullptr);
    c.watch_socket();
  }

  static asio::awaitable<Result> exec(std::shared_ptr<Impl> self, std::string_view sql, const Params* params,
                                      milliseconds timeout) {
    Impl& c = *self;
    if (c.broken || !c.conn) throw UnavailableError(c.name + ": connection is closed");
    c.arm(timeout);
    Disarm guard{c};
    try {
      co_return co_await c.exchange(sql, params, timeout);
    } catch (const QueryError&) {
      throw;
    } catch (const TimeoutError&) {
      c.broken = true;  // a statement may still be running: never reuse this session
      c.send_cancel();
      throw;
    } catch (...) {
      c.broken = true;
      throw;
    }
  }

  asio::awaitable<Result> exchange(std::string_view sql, const Params* params, milliseconds timeout) {
    const std::string command(sql);  // libpq wants NUL-terminated text
    if (!params) {
      check_sent(PQsendQuery(conn, command.c_str()));
      co_return co_await finish(timeout);
    }
    std::vector<const char*> values;
    values.reserve(params->size());
    for (const Param& p : *params) values.push_back(p.c_str());
    const auto count = static_cast<int>(values.size());
    const std::string* name = co_await prepared_name(command, timeout);
    if (name) {
      check_sent(PQsendQueryPrepared(conn, name->c_str(), count, values.data(), nullptr, nullptr, 0));
    } else {
      check_sent(PQsendQueryParams(conn, command.c_str(), count, nullptr, values.data(), nullptr, nullptr, 0));
    }
    co_return co_await finish(timeout);
  }

  // The session's named statement for `sql`, prepared on its first use (one
  // extra round trip per connection and statement); every later execution
  // skips parsing and analysis. No type OIDs: the server infers each $n's type
  // from the statement, as for an unnamed one. Null once the session holds
  // kMaxPrepared statements (the rest run unnamed).
  asio::awaitable<const std::string*> prepared_name(const std::string& sql, milliseconds timeout) {
    if (const auto it = prepared.find(sql); it != prepared.end()) co_return &it->second;
    if (prepared.size() >= kMaxPrepared) co_return nullptr;
    std::string name = "u" + std::to_string(prepared.size());
    check_sent(PQsendPrepare(conn, name.c_str(), sql.c_str(), 0, nullptr));
    co_await finish(timeout);  // throws the statement's error (e.g. a syntax error): nothing is kept
    const auto it = prepared.emplace(sql, std::move(name)).first;
    co_return &it->second;
  }

  void check_sent(int sent) {
    if (sent) return;
    if (PQstatus(conn) == CONNECTION_BAD) fail_unavailable("cannot send query");
    broken = true;
    throw std::logic_error(name + ": cannot send query: " + trimmed(PQerrorMessage(conn)));
  }

  // Sends what libpq buffered and collects every result of the command.
  asio::awaitable<Result> finish(milliseconds timeout) {
    for (;;) {
      const int flushed = PQflush(conn);
      if (flushed == 0) break;
      if (flushed < 0) fail_unavailable("cannot send query");
      // Wait for either direction: the server may be blocked writing to us
      // while our send buffer is full, and PQflush reads input each time.
      auto [order, ec_read, ec_write] =
          co_await asio::experimental::make_parallel_group(sd->async_wait(Wait::wait_read, asio::deferred),
                                                           sd->async_wait(Wait::wait_write, asio::deferred))
              .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
      after_wait(order[0] == 0 ? ec_read : ec_write, timeout);
      if (order[0] == 0 && !PQconsumeInput(conn)) fail_unavailable("connection lost");
    }

    Result last;
    std::optional<QueryError> error;
    for (;;) {
      while (PQisBusy(conn)) {
        auto [ec] = co_await sd->async_wait(Wait::wait_read, asio::as_tuple(asio::use_awaitable));
        after_wait(ec, timeout);
        if (!PQconsumeInput(conn)) fail_unavailable("connection lost");
      }
      PGresult* res = PQgetResult(conn);
      if (!res) break;  // all results of this command are in: the connection is idle again
      Result owned(res);
      switch (PQresultStatus(res)) {
        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
        case PGRES_EMPTY_QUERY:
          if (!error) last = std::move(owned);
          break;
        case PGRES_FATAL_ERROR:
          if (!error) error = make_error(res);
          break;
        default:  // COPY or pipeline states: never started by this client
          broken = true;
          throw std::logic_error(name + ": unexpected result status " + PQresStatus(PQresultStatus(res)));
      }
    }
    if (PQstatus(conn) == CONNECTION_BAD) fail_unavailable("connection lost");
    if (error) {
      if (ends_session(error->sqlstate())) {
        broken = true;
        throw UnavailableError(error->what());
      }
      throw *error;
    }
    co_return last;
  }
};

Connection::Connection(asio::any_io_executor executor, std::string name, std::shared_ptr<CancelBudget> budget)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(name), std::move(budget))) {}

Connection::~Connection() = default;

asio::awaitable<void> Connection::connect(std::string dsn, milliseconds timeout) {
  return asio::co_spawn(impl_->strand, Impl::connect(impl_, std::move(dsn), timeout), asio::use_awaitable);
}

asio::awaitable<Result> Connection::query(std::string_view sql, const Params& params, milliseconds timeout) {
  return asio::co_spawn(impl_->strand, Impl::exec(impl_, sql, &params, timeout), asio::use_awaitable);
}

asio::awaitable<Result> Connection::script(std::string_view sql, milliseconds timeout) {
  return asio::co_spawn(impl_->strand, Impl::exec(impl_, sql, nullptr, timeout), asio::use_awaitable);
}

bool Connection::reusable() const noexcept {
  const Impl& c = *impl_;
  return !c.broken && c.conn && PQstatus(c.conn) == CONNECTION_OK && PQtransactionStatus(c.conn) == PQTRANS_IDLE;
}

bool Connection::idle_healthy() const noexcept {
  const Impl& c = *impl_;
  if (c.broken || !c.conn || PQstatus(c.conn) != CONNECTION_OK) return false;
  // Anything readable on an idle session is a shutdown notice or EOF (a
  // server restart); dropping it costs only a reconnect.
  pollfd p{PQsocket(c.conn), POLLIN | POLLRDHUP, 0};
  return ::poll(&p, 1, 0) == 0;
}

}  // namespace uitgo::pg::detail
