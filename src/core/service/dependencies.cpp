#include "core/service/dependencies.hpp"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>

#include "core/base/log.hpp"
#include "core/pg/migrations.hpp"

namespace uitgo::service {

config::Spec postgres_pool_spec() {
  config::Spec s;
  s.integer("PG_POOL_SIZE", 16, 1, 1000, "connections per Postgres pool")
      .integer("PG_QUERY_TIMEOUT_MS", 5000, 10, 600000, "deadline of one query")
      .integer("PG_CONNECT_TIMEOUT_MS", 3000, 10, 600000, "deadline of opening a connection")
      .integer("PG_ACQUIRE_TIMEOUT_MS", 1000, 1, 600000, "wait for a free connection before answering 503")
      .integer("PG_POOL_WARM", 4, 0, 1000,
               "connections each Postgres pool opens before the service accepts requests (at most PG_POOL_SIZE; "
               "the rest open on demand)");
  return s;
}

config::Spec redis_spec() {
  config::Spec s;
  s.string("REDIS_URL", "redis://127.0.0.1:16379/0", "redis://[:password@]host:port[/db]")
      .integer("REDIS_TIMEOUT_MS", 1000, 10, 600000, "deadline of one Redis command");
  return s;
}

config::Spec migrations_spec() {
  config::Spec s;
  s.string("MIGRATIONS_DIR", "migrations", "folder holding <service>/NNN_name.sql migrations")
      .integer("STARTUP_TIMEOUT_MS", 30000, 0, 600000, "how long start-up waits for Postgres to accept connections");
  return s;
}

std::shared_ptr<const auth::Jwt> install_jwt(Runtime& runtime) {
  auto jwt = auth::make_jwt(runtime.config());
  runtime.set_authenticator(std::make_shared<auth::JwtAuthenticator>(jwt));
  return jwt;
}

config::Spec internal_token_spec() {
  config::Spec s;
  s.string("INTERNAL_TOKEN", "",
           "shared secret of service-to-service calls (X-Internal-Token), at least 32 bytes; required unless "
           "UITGO_DEV_MODE=true",
           true);
  return s;
}

std::string install_internal_token(Runtime& runtime) {
  constexpr std::size_t kMinimumLength = 32;
  std::string token = runtime.config().str("INTERNAL_TOKEN");
  if (token.empty() && runtime.config().flag("UITGO_DEV_MODE")) {
    log::warn("INTERNAL_TOKEN is unset: using the public development token (UITGO_DEV_MODE=true)");
    token = "uitgo-development-internal-token-not-for-production";
  }
  if (token.size() < kMinimumLength) {
    throw config::ConfigError(
        "INTERNAL_TOKEN must be set to at least 32 bytes (UITGO_DEV_MODE=true allows a "
        "development default)");
  }
  runtime.set_internal_token(token);
  return token;
}

std::unique_ptr<pg::Pool> make_pool(Runtime& runtime, const std::string& dsn, const std::string& name, PoolRole role) {
  const auto& c = runtime.config();
  const auto& deadline = role.deadline;
  const auto capped = [&](const char* key) { return deadline ? std::min(c.millis(key), *deadline) : c.millis(key); };
  auto pool = std::make_unique<pg::Pool>(runtime.executor(),
                                         pg::Options{.dsn = dsn,
                                                     .max_size = static_cast<std::size_t>(c.integer("PG_POOL_SIZE")),
                                                     .query_timeout = capped("PG_QUERY_TIMEOUT_MS"),
                                                     .connect_timeout = capped("PG_CONNECT_TIMEOUT_MS"),
                                                     .acquire_timeout = capped("PG_ACQUIRE_TIMEOUT_MS"),
                                                     .name = name});
  auto* p = pool.get();
  if (role.gates_readiness) {
    runtime.add_readiness_check(name, [p, name]() -> awaitable<void> {
      if (!co_await p->ping()) throw UnavailableError(name + " does not answer");
    });
  }
  auto& registry = runtime.metrics();
  registry.on_collect([p, name, &registry] {
    const auto stats = p->stats();
    const auto set = [&](const char* state, std::size_t v) {
      registry.gauge("pg_pool_connections", "Postgres pool connections by state", {{"pool", name}, {"state", state}})
          .set(static_cast<double>(v));
    };
    set("idle", stats.idle);
    set("in_use", stats.in_use);
    set("waiting", stats.waiting);
  });
  return pool;
}

std::unique_ptr<redis::Client> make_redis(Runtime& runtime) {
  auto options = redis::Options::from_url(runtime.config().str("REDIS_URL"));
  options.command_timeout = runtime.config().millis("REDIS_TIMEOUT_MS");
  auto client = std::make_unique<redis::Client>(runtime.executor(), options);
  auto* r = client.get();
  runtime.add_readiness_check("redis", [r]() -> awaitable<void> { co_await r->ping(); });
  auto& registry = runtime.metrics();
  registry.on_collect([r, &registry] {
    const auto stats = r->stats();
    registry.gauge("redis_connected", "1 when the shared Redis connection is up").set(stats.connected ? 1 : 0);
    registry.gauge("redis_commands_in_flight", "Redis commands queued or awaiting a reply")
        .set(static_cast<double>(stats.in_flight));
    registry.gauge("redis_reconnects", "Redis reconnections since start").set(static_cast<double>(stats.reconnects));
  });
  return client;
}

void migrate_on_start(Runtime& runtime, pg::Pool& pool, const std::string& service) {
  const std::filesystem::path dir = std::filesystem::path(runtime.config().str("MIGRATIONS_DIR")) / service;
  const auto patience = runtime.config().millis("STARTUP_TIMEOUT_MS");
  runtime.on_start([&pool, dir, patience]() -> awaitable<void> {
    if (!std::filesystem::is_directory(dir)) throw std::runtime_error("migrations folder not found: " + dir.string());
    const auto deadline = Clock::now() + patience;
    asio::steady_timer pause(co_await asio::this_coro::executor);
    while (true) {
      try {
        const int applied = co_await pg::run_migrations(pool, dir);
        log::info("migrations applied", {{"dir", dir.string()}, {"applied", applied}});
        co_return;
      } catch (const UnavailableError& e) {
        // Postgres may still be starting: retry until the start-up deadline.
        if (Clock::now() >= deadline) throw;
        log::warn("postgres not reachable yet, retrying", {{"error", e.what()}});
      } catch (const TimeoutError& e) {
        if (Clock::now() >= deadline) throw;
        log::warn("postgres not reachable yet, retrying", {{"error", e.what()}});
      }
      pause.expires_after(Millis(500));
      co_await pause.async_wait(use_awaitable);
    }
  });
}

void warm_on_start(Runtime& runtime, pg::Pool& pool, const std::string& name) {
  const auto& c = runtime.config();
  const auto wanted = static_cast<std::size_t>(std::min(c.integer("PG_POOL_WARM"), c.integer("PG_POOL_SIZE")));
  if (wanted == 0) return;
  runtime.on_start([&pool, name, wanted]() -> awaitable<void> {
    const auto started = Clock::now();
    std::vector<pg::Lease> held;  // held until all are open, so each acquire opens a new one
    std::string error;
    try {
      while (held.size() < wanted) {
        auto lease = co_await pool.acquire();
        held.push_back(std::move(lease));
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
    const auto ms = std::chrono::duration_cast<Millis>(Clock::now() - started).count();
    if (error.empty()) {
      log::info("postgres pool warmed", {{"pool", name}, {"connections", held.size()}, {"ms", ms}});
    } else {
      // Not fatal: connections also open on demand.
      log::warn("postgres pool not warmed", {{"pool", name}, {"opened", held.size()}, {"error", error}});
    }
  });
}

}  // namespace uitgo::service
