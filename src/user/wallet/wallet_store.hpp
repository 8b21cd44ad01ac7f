// SQL of the wallet (user_db: `wallets`, `wallet_transactions`). Writes run in
// the caller's transaction: lock() creates the user's wallet row if needed and
// locks it, so every posting on one wallet is serialized; append() writes the
// ledger row and moves the balance in the same transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/async.hpp"
#include "core/pg/pool.hpp"
#include "user/wallet/ledger.hpp"
#include "user/wallet/payloads.hpp"

namespace uitgo::user::wallet {

struct Posting {
  std::string user_id;
  Kind kind = Kind::topup;
  std::int64_t amount = 0;         // signed
  std::optional<std::string> key;  // business key; nullopt only for a top-up without Idempotency-Key
  std::optional<std::string> trip_id;
};

struct EntryPage {
  std::vector<Entry> items;
  std::int64_t total = 0;
};

class WalletStore {
 public:
  // The balance of the (created if absent and) locked wallet row.
  static awaitable<std::int64_t> lock(pg::Tx& tx, const std::string& user_id);
  // The ledger row with this business key, if any.
  static awaitable<std::optional<Entry>> find_key(pg::Tx& tx, const std::string& key);
  // Appends the row (balance_after = balance + amount) and moves the wallet's
  // balance; the wallet must be locked. nullopt when the key exists already.
  static awaitable<std::optional<Entry>> append(pg::Tx& tx, const Posting& posting, std::int64_t balance);

  static awaitable<WalletView> wallet(pg::Pool& db, const std::string& user_id);
  static awaitable<std::int64_t> balance(pg::Pool& db, const std::string& user_id);
  static awaitable<EntryPage> list(pg::Pool& db, const std::string& user_id, const Page& page);
  static awaitable<Summary> summary(pg::Pool& db, const std::string& user_id);
};

}  // namespace uitgo::user::wallet
