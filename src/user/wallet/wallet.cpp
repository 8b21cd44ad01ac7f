#include "user/wallet/wallet.hpp"

#include <algorithm>

#include "core/base/errors.hpp"

namespace uitgo::user::wallet {

config::Spec wallet_spec() {
  config::Spec s;
  s.integer("WALLET_TOPUP_MIN", 10'000, 1, 1'000'000'000, "smallest top-up (VND) POST /v1/wallet/topup accepts")
      .integer("WALLET_TOPUP_MAX", 5'000'000, 1, 1'000'000'000, "largest top-up (VND) POST /v1/wallet/topup accepts")
      .integer("WALLET_DRIVER_SHARE_PERCENT", 80, 0, 100,
               "share of a completed trip's fare credited to the driver's wallet (the rest is the commission)");
  return s;
}

WalletSettings WalletSettings::from(const config::Values& c) {
  return {.topup = {.min = c.integer("WALLET_TOPUP_MIN"), .max = c.integer("WALLET_TOPUP_MAX")},
          .driver_share_percent = c.integer("WALLET_DRIVER_SHARE_PERCENT")};
}

namespace {

// Appends after checking the balance rule (ledger.hpp); nullopt when the key exists already.
awaitable<std::optional<Entry>> post(pg::Tx& tx, const Posting& posting, std::int64_t balance) {
  if (!may_post(posting.kind, balance, posting.amount)) {
    throw DomainError::conflict("insufficient_balance", "the wallet's balance is too low for this debit");
  }
  co_return co_await WalletStore::append(tx, posting, balance);
}

}  // namespace

void Wallet::count(Kind kind) {
  metrics_.counter("wallet_ledger_writes_total", "wallet ledger rows written", {{"kind", std::string(to_string(kind))}})
      .inc();
}

awaitable<WalletView> Wallet::get(const std::string& user_id) { co_return co_await WalletStore::wallet(db_, user_id); }

awaitable<Summary> Wallet::summary(const std::string& user_id) {
  co_return co_await WalletStore::summary(db_, user_id);
}

awaitable<EntryPage> Wallet::transactions(const std::string& user_id, const Page& page) {
  co_return co_await WalletStore::list(db_, user_id, page);
}

awaitable<std::int64_t> Wallet::balance(const std::string& user_id) {
  co_return co_await WalletStore::balance(db_, user_id);
}

awaitable<TopupResult> Wallet::topup(const std::string& user_id, std::int64_t amount,
                                     const std::optional<std::string>& idempotency_key) {
  check_topup_amount(amount, settings_.topup);
  Posting posting{.user_id = user_id, .kind = Kind::topup, .amount = amount};
  if (idempotency_key) posting.key = topup_key(user_id, *idempotency_key);
  bool replayed = false;
  auto body = [&](pg::Tx& tx) -> awaitable<void> {
    const auto balance = co_await WalletStore::lock(tx, user_id);
    if (posting.key) {
      const auto earlier = co_await WalletStore::find_key(tx, *posting.key);
      if (earlier) {
        if (earlier->amount != amount) {
          throw DomainError::unprocessable("idempotency_key_reused",
                                           "this Idempotency-Key was already used for a top-up of another amount",
                                           "Idempotency-Key");
        }
        replayed = true;
        co_return;
      }
    }
    const auto added = co_await post(tx, posting, balance);
    replayed = !added.has_value();
  };
  co_await db_.transaction(body);
  if (!replayed) count(Kind::topup);
  auto view = co_await WalletStore::wallet(db_, user_id);
  co_return TopupResult{.wallet = std::move(view), .replayed = replayed};
}

awaitable<peers::SettlementResult> Wallet::settle_trip(const peers::TripSettlement& s) {
  const std::int64_t earning = driver_earning(s.fare, settings_.driver_share_percent);
  peers::SettlementResult result{.trip_id = s.trip_id, .fare = s.fare, .earning = earning};
  if (s.fare <= 0) co_return result;  // nothing to move (a free ride)
  auto body = [&](pg::Tx& tx) -> awaitable<void> {
    // Both wallets locked in id order: concurrent settlements cannot deadlock.
    const auto& first = std::min(s.rider_id, s.driver_id);
    const auto& second = std::max(s.rider_id, s.driver_id);
    const auto first_balance = co_await WalletStore::lock(tx, first);
    std::int64_t second_balance = first_balance;
    if (second != first) second_balance = co_await WalletStore::lock(tx, second);
    const std::string key = fare_key(s.trip_id);
    const auto earlier = co_await WalletStore::find_key(tx, key);
    if (earlier) {
      result.fare = -earlier->amount;
      const auto earned = co_await WalletStore::find_key(tx, earning_key(s.trip_id));
      result.earning = earned ? earned->amount : 0;
      co_return;
    }
    std::int64_t rider_balance = s.rider_id == first ? first_balance : second_balance;
    const Posting fare{.user_id = s.rider_id, .kind = Kind::fare, .amount = -s.fare, .key = key, .trip_id = s.trip_id};
    const auto charged = co_await post(tx, fare, rider_balance);
    if (!charged) co_return;
    result.applied = true;
    if (earning <= 0) co_return;
    std::int64_t driver_balance = s.driver_id == first ? first_balance : second_balance;
    if (s.driver_id == s.rider_id) driver_balance = charged->balance_after;
    const Posting earned{.user_id = s.driver_id,
                         .kind = Kind::earning,
                         .amount = earning,
                         .key = earning_key(s.trip_id),
                         .trip_id = s.trip_id};
    co_await post(tx, earned, driver_balance);
  };
  co_await db_.transaction(body);
  if (result.applied) {
    count(Kind::fare);
    if (earning > 0) count(Kind::earning);
  }
  metrics_
      .counter("wallet_trip_settlements_total", "trip settlements received",
               {{"outcome", result.applied ? "applied" : "repeat"}})
      .inc();
  co_return result;
}

}  // namespace uitgo::user::wallet
