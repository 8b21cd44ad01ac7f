// The wallet use cases (ledger.hpp states the rules): reads, top-ups and trip
// settlements. Every posting locks the wallets it touches (in user-id order,
// so two settlements never deadlock), skips an event whose business key is
// already in the ledger, then appends and moves the balance in one
// transaction. HTTP-free.
#pragma once

#include <optional>
#include <string>

#include "core/base/config.hpp"
#include "core/base/metrics.hpp"
#include "core/pg/pool.hpp"
#include "peers/wallet_contract.hpp"
#include "user/wallet/wallet_store.hpp"

namespace uitgo::user::wallet {

// WALLET_TOPUP_MIN, WALLET_TOPUP_MAX, WALLET_DRIVER_SHARE_PERCENT.
config::Spec wallet_spec();

struct WalletSettings {
  TopupBounds topup;
  std::int64_t driver_share_percent = 80;
  static WalletSettings from(const config::Values& config);
};

struct TopupResult {
  WalletView wallet;
  bool replayed = false;  // the Idempotency-Key was used before with the same amount
};

class Wallet {
 public:
  Wallet(pg::Pool& db, metrics::Registry& metrics, WalletSettings settings)
      : db_(db), metrics_(metrics), settings_(settings) {}

  awaitable<WalletView> get(const std::string& user_id);
  awaitable<Summary> summary(const std::string& user_id);
  awaitable<EntryPage> transactions(const std::string& user_id, const Page& page);
  awaitable<std::int64_t> balance(const std::string& user_id);
  // 400 outside the bounds; the same key with another amount → 422 idempotency_key_reused.
  awaitable<TopupResult> topup(const std::string& user_id, std::int64_t amount,
                               const std::optional<std::string>& idempotency_key);
  // Fare from the rider, the driver's share to the driver, once per trip.
  awaitable<peers::SettlementResult> settle_trip(const peers::TripSettlement& settlement);

 private:
  void count(Kind kind);

  pg::Pool& db_;
  metrics::Registry& metrics_;
  WalletSettings settings_;
};

}  // namespace uitgo::user::wallet
