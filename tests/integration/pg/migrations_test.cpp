#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/pg/migrations.hpp"
#include "pg_fixture.hpp"

namespace uitgo::pg::test {
namespace {

namespace fs = std::filesystem;

// Each test gets its own schema (through search_path) and migrations folder,
// so schema_migrations starts empty every time.
class MigrationsTest : public PgTest {
 protected:
  void SetUp() override {
    const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    schema_ = "mig_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++);
    dir_ = fs::temp_directory_path() / ("uitgo_pg_" + schema_ + "_" + test);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Pool admin(io.get_executor(), options(1));
    run(admin.query("CREATE SCHEMA " + schema_));
  }
  void TearDown() override {
    Pool admin(io.get_executor(), options(1));
    run(admin.query("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE"));
    fs::remove_all(dir_);
  }

  Options scoped(std::size_t max_size = 2) {
    Options o = options(max_size);
    o.dsn += " options='-c search_path=" + schema_ + "'";
    return o;
  }
  void write(const std::string& file, const std::string& sql) { std::ofstream(dir_ / file) << sql; }

  std::string schema_;
  fs::path dir_;
  static inline int counter_ = 0;
};

TEST_F(MigrationsTest, AppliesEachFileOnceInNumericOrderAndRecordsIt) {
  // Lexically "10_" sorts before "2_": the order must be numeric.
  write("1_create_trips.sql", "CREATE TABLE trips (id int PRIMARY KEY);\nINSERT INTO trips VALUES (1), (2);\n");
  write("2_create_fares.sql", "CREATE TABLE fares (trip_id int REFERENCES trips(id));\n");
  write("10_fill_fares.sql", "INSERT INTO fares SELECT id FROM trips;\nINSERT INTO fares VALUES (1);\n");
  write("README.md", "not a migration");
  Pool pool(io.get_executor(), scoped());

  EXPECT_EQ(run(run_migrations(pool, dir_)), 3);
  Result rows = run(pool.query("SELECT version, name, applied_at IS NOT NULL FROM schema_migrations ORDER BY version"));
  ASSERT_EQ(rows.rows(), 3);
  EXPECT_EQ(rows.get<int>(0, "version"), 1);
  EXPECT_EQ(rows.get<std::string>(0, "name"), "create_trips");
  EXPECT_EQ(rows.get<int>(2, "version"), 10);
  EXPECT_EQ(rows.get<std::string>(2, "name"), "fill_fares");
  EXPECT_TRUE(rows.get<bool>(2, 2));
  EXPECT_EQ(run(pool.query("SELECT count(*) FROM fares")).get<std::int64_t>(0, 0), 3);

  EXPECT_EQ(run(run_migrations(pool, dir_)), 0);  // nothing new
  EXPECT_EQ(run(pool.query("SELECT count(*) FROM fares")).get<std::int64_t>(0, 0), 3);

  write("11_index.sql", "CREATE INDEX fares_trip ON fares (trip_id);");
  EXPECT_EQ(run(run_migrations(pool, dir_)), 1);
  EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST_F(MigrationsTest, ConcurrentRunnersApplyEachFileExactlyOnce) {
  write("1_log.sql", "CREATE TABLE applied_log (version int NOT NULL);\nINSERT INTO applied_log VALUES (1);");
  write("2_slow.sql", "INSERT INTO applied_log VALUES (2);\nSELECT pg_sleep(0.3);");
  write("3_more.sql", "INSERT INTO applied_log VALUES (3);");
  // Two pools stand for two service instances starting at the same moment.
  Pool first(io.get_executor(), scoped());
  Pool second(io.get_executor(), scoped());
  auto a = asio::co_spawn(io, run_migrations(first, dir_), asio::use_future);
  auto b = asio::co_spawn(io, run_migrations(second, dir_), asio::use_future);
  drain();
  const int applied_a = a.get();
  const int applied_b = b.get();
  EXPECT_EQ(applied_a + applied_b, 3);
  Result log = run(first.query("SELECT version, count(*) FROM applied_log GROUP BY version ORDER BY version"));
  ASSERT_EQ(log.rows(), 3);
  for (int row = 0; row < 3; ++row) {
    EXPECT_EQ(log.get<int>(row, 0), row + 1);
    EXPECT_EQ(log.get<std::int64_t>(row, 1), 1) << "version " << row + 1 << " ran more than once";
  }
  EXPECT_EQ(run(first.query("SELECT count(*) FROM schema_migrations")).get<std::int64_t>(0, 0), 3);
}

TEST_F(MigrationsTest, FailingFileRollsBackNamesTheFileAndStopsTheRun) {
  write("1_ok.sql", "CREATE TABLE good (id int);");
  write("2_broken.sql", "CREATE TABLE partial (id int);\nINSERT INTO missing_table VALUES (1);");
  write("3_later.sql", "CREATE TABLE later (id int);");
  Pool pool(io.get_executor(), scoped());
  try {
    run(run_migrations(pool, dir_));
    ADD_FAILURE() << "expected MigrationError";
  } catch (const MigrationError& e) {
    EXPECT_EQ(e.file(), "2_broken.sql");
    EXPECT_NE(std::string(e.what()).find("2_broken.sql"), std::string::npos) << e.what();
    EXPECT_EQ(e.sqlstate(), "42P01");  // undefined_table
  }
  auto exists = [&](const std::string& table) {
    return run(pool.query("SELECT to_regclass($1) IS NOT NULL", {schema_ + "." + table})).get<bool>(0, 0);
  };
  EXPECT_TRUE(exists("good"));
  EXPECT_FALSE(exists("partial"));  // the failing file left nothing behind
  EXPECT_FALSE(exists("later"));
  Result versions = run(pool.query("SELECT version FROM schema_migrations ORDER BY version"));
  ASSERT_EQ(versions.rows(), 1);
  EXPECT_EQ(versions.get<int>(0, 0), 1);

  // Fixed file: the run resumes where it stopped (and the advisory lock was released).
  write("2_broken.sql", "CREATE TABLE partial (id int);");
  EXPECT_EQ(run(run_migrations(pool, dir_)), 2);
  EXPECT_TRUE(exists("later"));
}

TEST_F(MigrationsTest, MisnamedOrDuplicateFilesAreRejected) {
  Pool pool(io.get_executor(), scoped());
  write("create_users.sql", "SELECT 1;");
  EXPECT_THROW(run(run_migrations(pool, dir_)), MigrationError);
  fs::remove(dir_ / "create_users.sql");
  write("1_a.sql", "SELECT 1;");
  write("01_b.sql", "SELECT 1;");
  try {
    run(run_migrations(pool, dir_));
    ADD_FAILURE() << "expected MigrationError";
  } catch (const MigrationError& e) {
    EXPECT_NE(std::string(e.what()).find("duplicate"), std::string::npos) << e.what();
  }
  EXPECT_THROW(run(run_migrations(pool, dir_ / "nope")), MigrationError);
}

}  // namespace
}  // namespace uitgo::pg::test
