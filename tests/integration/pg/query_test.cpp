#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/pg/array_literal.hpp"

#include "pg_fixture.hpp"

namespace uitgo::pg::test {
namespace {

using QueryTest = PgTest;

TEST_F(QueryTest, ParamsOfEveryKindAndNulls) {
  Pool pool(io.get_executor(), options());
  Result r = run(
      pool.query("SELECT $1::text AS s, $2::int8 AS i, $3::float8 AS d, $4::bool AS b, $5::text AS n1, $6::text AS n2,"
                 " $7::int4 AS small, $8::text AS quoted",
                 {"text", std::int64_t{5}, 1.5, true, std::nullopt, std::optional<std::string>{}, 42,
                  std::string("it's \"quoted\"; DROP TABLE x")}));
  ASSERT_EQ(r.rows(), 1);
  ASSERT_EQ(r.columns(), 8);
  EXPECT_EQ(r.get<std::string>(0, "s"), "text");
  EXPECT_EQ(r.get<std::int64_t>(0, "i"), 5);
  EXPECT_DOUBLE_EQ(r.get<double>(0, "d"), 1.5);
  EXPECT_TRUE(r.get<bool>(0, "b"));
  EXPECT_TRUE(r.is_null(0, r.column("n1")));
  EXPECT_EQ(r.get<std::optional<std::string>>(0, "n1"), std::nullopt);
  EXPECT_EQ(r.get<std::optional<std::int64_t>>(0, "n2"), std::nullopt);
  EXPECT_EQ(r.get<std::optional<std::int64_t>>(0, "i"), 5);
  EXPECT_EQ(r.get<int>(0, "small"), 42);
  EXPECT_EQ(r.get<std::string>(0, "quoted"), "it's \"quoted\"; DROP TABLE x");
  EXPECT_THROW(r.get<std::string>(0, "n1"), ConversionError);
  EXPECT_THROW(r.get<std::int64_t>(0, "s"), ConversionError);
  EXPECT_THROW(r.column("missing"), std::out_of_range);
  EXPECT_THROW(r.get<std::string>(1, 0), std::out_of_range);
}

// Any text survives an array parameter: quotes, backslashes, braces, commas,
// the word NULL, empty text and JSON.
TEST_F(QueryTest, QuotedArrayElementsRoundTrip) {
  Pool pool(io.get_executor(), options());
  const std::vector<std::string> texts{R"(it's "quoted")", R"(back\slash\)",      "{a,b}", "NULL", "", " padded ",
                                       R"({"k": "v\"w"})", "Sân bay Tân Sơn Nhất"};
  const auto literal = array_literal(texts, [](std::string& o, const std::string& t) { append_quoted(o, t); });
  Result r = run(pool.query("SELECT t FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n", {literal}));
  ASSERT_EQ(r.rows(), static_cast<int>(texts.size()));
  for (int i = 0; i < r.rows(); ++i) EXPECT_EQ(r.get<std::string>(i, "t"), texts[static_cast<std::size_t>(i)]);
}

TEST_F(QueryTest, DoublesRoundTripExactly) {
  Pool pool(io.get_executor(), options());
  const double value = 10.762622;  // a latitude: must not lose digits on the way
  Result r = run(pool.query("SELECT $1::float8 AS v, $2::float8 AS neg", {value, -0.1}));
  EXPECT_EQ(r.get<double>(0, "v"), value);
  EXPECT_EQ(r.get<double>(0, "neg"), -0.1);
}

TEST_F(QueryTest, TypedGettersOverRowsAndAffectedRows) {
  Pool pool(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    co_await pool.query("DROP TABLE IF EXISTS q_people");
    co_await pool.query(
        "CREATE TABLE q_people (id int8 PRIMARY KEY, name text NOT NULL, score float8, active bool NOT NULL,"
        " \"camelCase\" int4)");
    Result ins = co_await pool.query(
        "INSERT INTO q_people VALUES ($1, $2, $3, $4, $5), ($6, $7, $8, $9, $10)",
        {1, "an", 9.5, true, 7, std::int64_t{9'000'000'000}, "binh", std::nullopt, false, std::nullopt});
    EXPECT_EQ(ins.affected_rows(), 2);
    EXPECT_EQ(ins.command(), "INSERT 0 2");

    Result rows = co_await pool.query("SELECT id, name, score, active, \"camelCase\" FROM q_people ORDER BY id");
    EXPECT_EQ(rows.rows(), 2);
    EXPECT_EQ(rows.get<std::int64_t>(0, "id"), 1);
    EXPECT_EQ(rows.get<std::string_view>(0, "name"), "an");
    EXPECT_EQ(rows.get<std::optional<double>>(0, "score"), 9.5);
    EXPECT_EQ(rows.get<int>(0, "camelCase"), 7);
    EXPECT_EQ(rows.get<std::int64_t>(1, "id"), 9'000'000'000);
    EXPECT_THROW(rows.get<int>(1, "id"), ConversionError);  // does not fit 32 bits
    EXPECT_EQ(rows.get<std::optional<double>>(1, "score"), std::nullopt);
    EXPECT_FALSE(rows.get<bool>(1, "active"));

    Result upd = co_await pool.query("UPDATE q_people SET active = NOT active WHERE id > $1", {0});
    EXPECT_EQ(upd.affected_rows(), 2);
    Result none = co_await pool.query("SELECT id FROM q_people WHERE name = $1", {"nobody"});
    EXPECT_TRUE(none.empty());
    co_await pool.query("DROP TABLE q_people");
  }());
}

TEST_F(QueryTest, UniqueViolationCarriesSqlstateAndConstraint) {
  Pool pool(io.get_executor(), options());
  run([&]() -> asio::awaitable<void> {
    co_await pool.query("DROP TABLE IF EXISTS q_users");
    co_await pool.query("CREATE TABLE q_users (id serial PRIMARY KEY, email text CONSTRAINT q_users_email UNIQUE)");
    co_await pool.query("INSERT INTO q_users (email) VALUES ($1)", {"a@x.vn"});
    try {
      co_await pool.query("INSERT INTO q_users (email) VALUES ($1)", {"a@x.vn"});
      ADD_FAILURE() << "expected a unique violation";
    } catch (const QueryError& e) {
      EXPECT_EQ(e.sqlstate(), "23505");
      EXPECT_TRUE(e.is_unique_violation());
      EXPECT_EQ(e.constraint(), "q_users_email");
      EXPECT_NE(std::string(e.what()).find("duplicate key"), std::string::npos) << e.what();
    }
    // A syntax error is a QueryError too, and leaves the connection usable.
    try {
      co_await pool.query("SELEC 1");
      ADD_FAILURE() << "expected a syntax error";
    } catch (const QueryError& e) {
      EXPECT_EQ(e.sqlstate(), "42601");
    }
    Result r = co_await pool.query("SELECT count(*) FROM q_users");
    EXPECT_EQ(r.get<std::int64_t>(0, 0), 1);
    co_await pool.query("DROP TABLE q_users");
  }());
  EXPECT_EQ(pool.stats().in_use, 0u);
}

// Each session prepares a statement on its first use and reuses it: the
// server lists it once however often it runs; a statement that fails to
// prepare is not kept, so it fails the same way again and the session stays
// usable; a table gaining a column does not break a prepared statement.
TEST_F(QueryTest, StatementsArePreparedOncePerSession) {
  Pool pool(io.get_executor(), options(1));
  run([&]() -> asio::awaitable<void> {
    co_await pool.query("DROP TABLE IF EXISTS q_prepared");
    co_await pool.query("CREATE TABLE q_prepared (id int8 PRIMARY KEY, name text NOT NULL)");
    const std::string insert = "INSERT INTO q_prepared (id, name) VALUES ($1, $2)";
    for (int i = 1; i <= 10; ++i) co_await pool.query(insert, {i, "n" + std::to_string(i)});
    const std::string listed = "SELECT count(*)::int8 AS n FROM pg_prepared_statements WHERE statement = $1";
    Result once = co_await pool.query(listed, {insert});
    EXPECT_EQ(once.get<std::int64_t>(0, "n"), 1);

    for (int attempt = 0; attempt < 2; ++attempt) {
      std::string state;
      try {
        co_await pool.query("SELEC name FROM q_prepared WHERE id = $1", {1});
      } catch (const QueryError& e) {
        state = e.sqlstate();
      }
      EXPECT_EQ(state, "42601");
    }

    const std::string by_id = "SELECT name FROM q_prepared WHERE id = $1";
    Result before = co_await pool.query(by_id, {3});
    EXPECT_EQ(before.get<std::string>(0, "name"), "n3");
    co_await pool.query("ALTER TABLE q_prepared ADD COLUMN note text");
    Result after = co_await pool.query(by_id, {4});
    EXPECT_EQ(after.get<std::string>(0, "name"), "n4");
    co_await pool.query("DROP TABLE q_prepared");
  }());
}

TEST_F(QueryTest, PingAndStats) {
  Pool pool(io.get_executor(), options(3));
  EXPECT_EQ(pool.stats().size, 0u);  // connections are opened lazily
  EXPECT_TRUE(run(pool.ping()));
  const PoolStats stats = pool.stats();
  EXPECT_EQ(stats.size, 1u);
  EXPECT_EQ(stats.idle, 1u);
  EXPECT_EQ(stats.in_use, 0u);
  EXPECT_EQ(stats.waiting, 0u);

  Pool nowhere(io.get_executor(),
               {.dsn = "host=127.0.0.1 port=1 user=uitgo dbname=user_db connect_timeout=2", .name = "nowhere"});
  EXPECT_FALSE(run(nowhere.ping()));
  EXPECT_EQ(nowhere.stats().size, 0u);  // the failed slot was given back
}

TEST_F(QueryTest, ConnectFailureIsUnavailable) {
  Pool pool(io.get_executor(), {.dsn = "host=127.0.0.1 port=1 user=uitgo dbname=user_db", .name = "nowhere"});
  EXPECT_THROW(run(pool.query("SELECT 1")), UnavailableError);
  Pool bad_db(io.get_executor(), {.dsn = dsn() + " dbname=no_such_db", .name = "bad_db"});
  EXPECT_THROW(run(bad_db.query("SELECT 1")), UnavailableError);
}

}  // namespace
}  // namespace uitgo::pg::test
