#include "core/pg/lease.hpp"

#include <stdexcept>
#include <utility>

#include "core/pg/pool_core.hpp"

namespace uitgo::pg {

namespace asio = boost::asio;

Lease::Lease() noexcept = default;

Lease::Lease(std::shared_ptr<detail::PoolCore> core, std::shared_ptr<detail::Connection> conn) noexcept
    : core_(std::move(core)), conn_(std::move(conn)) {}

Lease::Lease(Lease&& other) noexcept
    : core_(std::move(other.core_)), conn_(std::move(other.conn_)), discard_(std::exchange(other.discard_, false)) {}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release();
    core_ = std::move(other.core_);
    conn_ = std::move(other.conn_);
    discard_ = std::exchange(other.discard_, false);
  }
  return *this;
}

Lease::~Lease() { release(); }

void Lease::release() noexcept {
  if (conn_) {
    const bool reusable = !discard_ && conn_->reusable();
    core_->give_back(std::move(conn_), reusable);
  }
  conn_.reset();
  core_.reset();
  discard_ = false;
}

asio::awaitable<Result> Lease::query(std::string_view sql, Params params,
                                     std::optional<std::chrono::milliseconds> timeout) {
  if (!conn_) throw std::logic_error("pg::Lease::query on an empty lease");
  co_return co_await conn_->query(sql, params, timeout.value_or(core_->options().query_timeout));
}

asio::awaitable<Result> detail::LeaseAccess::script(Lease& lease, std::string_view sql,
                                                    std::chrono::milliseconds timeout) {
  if (!lease.conn_) throw std::logic_error("pg::Lease: script on an empty lease");
  return lease.conn_->script(sql, timeout);
}

}  // namespace uitgo::pg
