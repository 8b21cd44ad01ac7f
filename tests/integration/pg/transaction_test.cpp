#include <cstdint>
#include <stdexcept>
#include <string>

#include "pg_fixture.hpp"

namespace uitgo::pg::test {
namespace {

class TransactionTest : public PgTest {
 protected:
  void SetUp() override {
    pool_ = std::make_unique<Pool>(io.get_executor(), options());
    run(pool_->query("DROP TABLE IF EXISTS tx_items"));
    run(pool_->query("CREATE TABLE tx_items (id int PRIMARY KEY, label text NOT NULL)"));
  }
  void TearDown() override {
    run(pool_->query("DROP TABLE IF EXISTS tx_items"));
    pool_.reset();
  }
  std::int64_t count() { return run(pool_->query("SELECT count(*) FROM tx_items")).get<std::int64_t>(0, 0); }

  std::unique_ptr<Pool> pool_;
};

TEST_F(TransactionTest, CommitsWhenBodyReturns) {
  Pool& pool = *pool_;
  run(pool.transaction([&](Tx& tx) -> asio::awaitable<void> {
    co_await tx.query("INSERT INTO tx_items VALUES ($1, $2)", {1, "one"});
    co_await tx.query("INSERT INTO tx_items VALUES ($1, $2)", {2, "two"});
  }));
  EXPECT_EQ(count(), 2);
  EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST_F(TransactionTest, ReturnsTheBodysValue) {
  Pool& pool = *pool_;
  const std::string label = run(pool.transaction([&](Tx& tx) -> asio::awaitable<std::string> {
    Result r = co_await tx.query("INSERT INTO tx_items VALUES ($1, $2) RETURNING label", {3, "three"});
    co_return r.get<std::string>(0, "label");
  }));
  EXPECT_EQ(label, "three");
  EXPECT_EQ(count(), 1);
}

TEST_F(TransactionTest, RollsBackAndRethrowsWhenBodyThrows) {
  Pool& pool = *pool_;
  EXPECT_THROW(run(pool.transaction([&](Tx& tx) -> asio::awaitable<void> {
                 co_await tx.query("INSERT INTO tx_items VALUES ($1, $2)", {1, "one"});
                 throw std::runtime_error("business rule says no");
               })),
               std::runtime_error);
  EXPECT_EQ(count(), 0);

  // A failing statement rolls back the statements before it.
  try {
    run(pool.transaction([&](Tx& tx) -> asio::awaitable<void> {
      co_await tx.query("INSERT INTO tx_items VALUES ($1, $2)", {1, "one"});
      co_await tx.query("INSERT INTO tx_items VALUES ($1, $2)", {1, "duplicate"});
    }));
    ADD_FAILURE() << "expected a unique violation";
  } catch (const QueryError& e) {
    EXPECT_EQ(e.sqlstate(), "23505");
  }
  EXPECT_EQ(count(), 0);
  EXPECT_EQ(pool.stats().in_use, 0u);
  EXPECT_EQ(pool.stats().idle, pool.stats().size);  // connections came back clean, not mid-transaction
}

TEST_F(TransactionTest, SwallowedErrorMakesCommitFail) {
  Pool& pool = *pool_;
  try {
    run(pool.transaction([&](Tx& tx) -> asio::awaitable<void> {
      co_await tx.query("INSERT INTO tx_items VALUES ($1, $2)", {1, "one"});
      try {
        co_await tx.query("INSERT INTO tx_items VALUES ($1, $2)", {1, "duplicate"});
      } catch (const QueryError&) {
        // ignored on purpose: the server has aborted the transaction anyway
      }
    }));
    ADD_FAILURE() << "expected commit to report the rollback";
  } catch (const QueryError& e) {
    EXPECT_EQ(e.sqlstate(), "25P02");
  }
  EXPECT_EQ(count(), 0);
}

TEST_F(TransactionTest, IsolationLevelAndReadOnly) {
  Pool& pool = *pool_;
  const std::string level = run(pool.transaction(
      [&](Tx& tx) -> asio::awaitable<std::string> {
        Result r = co_await tx.query("SHOW transaction_isolation");
        co_return r.get<std::string>(0, 0);
      },
      {.isolation = Isolation::serializable}));
  EXPECT_EQ(level, "serializable");

  try {
    run(pool.transaction(
        [&](Tx& tx) -> asio::awaitable<void> { co_await tx.query("INSERT INTO tx_items VALUES (1, 'x')"); },
        {.isolation = Isolation::repeatable_read, .read_only = true}));
    ADD_FAILURE() << "expected read-only violation";
  } catch (const QueryError& e) {
    EXPECT_EQ(e.sqlstate(), "25006");
  }
}

TEST_F(TransactionTest, TimeoutInsideTransactionRollsBackAndDropsTheConnection) {
  Pool& pool = *pool_;
  EXPECT_THROW(run(pool.transaction([&](Tx& tx) -> asio::awaitable<void> {
                 co_await tx.query("INSERT INTO tx_items VALUES ($1, $2)", {1, "one"});
                 co_await tx.query("SELECT pg_sleep(2)", {}, 200ms);
               })),
               TimeoutError);
  EXPECT_EQ(count(), 0);
}

TEST_F(TransactionTest, ConcurrentTransactionsOnManyThreads) {
  Pool& pool = *pool_;
  std::vector<std::future<void>> done;
  for (int i = 0; i < 40; ++i) {
    done.push_back(asio::co_spawn(io, pool.transaction([i](Tx& tx) -> asio::awaitable<void> {
      co_await tx.query("INSERT INTO tx_items VALUES ($1, $2)", {i, "n"});
      co_await tx.query("UPDATE tx_items SET label = $2 WHERE id = $1", {i, "t" + std::to_string(i)});
    }),
                                  asio::use_future));
  }
  drain();
  for (auto& f : done) EXPECT_NO_THROW(f.get());
  EXPECT_EQ(count(), 40);
  EXPECT_LE(pool.stats().size, 4u);
  EXPECT_EQ(pool.stats().in_use, 0u);
}

}  // namespace
}  // namespace uitgo::pg::test
