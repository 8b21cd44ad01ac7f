#include "user/seed.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/array.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "core/auth/jwt.hpp"
#include "core/base/json_text.hpp"
#include "core/pg/migrations.hpp"
#include "core/pg/pool.hpp"
#include "core/service/dependencies.hpp"
#include "core/service/peers.hpp"
#include "peers/driver_client.hpp"
#include "user/accounts/passwords.hpp"
#include "user/wallet/wallet_store.hpp"

namespace uitgo::user {
namespace {

struct Account {
  std::string email;
  std::string name;
  std::string role;
  std::string password;
};

// Documented in the README; only for local stacks.
const Account kDemoAccounts[] = {
    {"rider@uitgo.dev", "Demo Rider", "rider", "rider-demo-2026"},
    {"driver@uitgo.dev", "Demo Driver", "driver", "driver-demo-2026"},
    {"admin@uitgo.dev", "Demo Admin", "admin", "admin-demo-2026"},
};

config::Spec spec() {
  config::Spec s;
  s.string("USER_DB_DSN", "host=127.0.0.1 port=15432 user=uitgo password=uitgo dbname=user_db",
           "libpq connection string of user_db")
      .string("MIGRATIONS_DIR", "migrations", "folder holding <service>/NNN_name.sql migrations")
      .boolean("SEED_DEMO", true, "create the demo rider, driver and admin accounts")
      .integer("SEED_RIDERS", 0, 0, 100000, "load-test riders to create (loadtest-rider-N@uitgo.test)")
      .integer("SEED_DRIVERS", 0, 0, 100000, "load-test drivers to create (loadtest-driver-N@uitgo.test)")
      .string("SEED_PASSWORD", "loadtest-password", "password of the load-test accounts")
      .integer("SEED_TOKEN_TTL_SECONDS", 900, 60, 86400, "lifetime of the printed access tokens")
      .string("SEED_OUTPUT", "-", "where to write the JSON with ids and tokens ('-' = stdout)")
      .boolean("SEED_DRIVER_PROFILES", true,
               "give every seeded driver account a driver profile in driver-service (DRIVER_SERVICE_URL)");
  s.merge(auth::jwt_spec()).merge(service::internal_token_spec()).merge(service::peer_spec("DRIVER_SERVICE"));
  return s;
}

std::vector<Account> generated(const config::Values& c) {
  std::vector<Account> out;
  for (const auto& [role, variable] : {std::pair{"rider", "SEED_RIDERS"}, std::pair{"driver", "SEED_DRIVERS"}}) {
    for (std::int64_t i = 1; i <= c.integer(variable); ++i) {
      char email[96];
      std::snprintf(email, sizeof email, "loadtest-%s-%05lld@uitgo.test", role, static_cast<long long>(i));
      out.push_back({email, std::string("Load ") + role + " " + std::to_string(i), role, c.str("SEED_PASSWORD")});
    }
  }
  return out;
}

// Demo home content, only into empty tables so an admin's edits are never undone.
awaitable<void> seed_home_content(pg::Pool& db) {
  co_await db.query(
      "INSERT INTO promotions (title, description, code, image_url, gradient_start, gradient_end, expires_at, "
      "priority) "
      "SELECT * FROM (VALUES "
      "('Giảm 20% chuyến đầu tiên', 'Áp dụng cho chuyến xe máy đầu tiên của bạn', 'WELCOME20', "
      "  'https://cdn.uitgo.dev/promo/welcome.png', '#FFA751', '#FFE259', now() + interval '90 days', 20), "
      "('Đi làm tiết kiệm', 'Giảm 15.000đ cho chuyến từ 7h đến 9h sáng', 'SANG15', NULL::text, '#667EEA', "
      "  '#764BA2', now() + interval '30 days', 10)) AS v "
      "WHERE NOT EXISTS (SELECT 1 FROM promotions)");
  co_await db.query(
      "INSERT INTO news (title, body, category, icon, image_url) "
      "SELECT * FROM (VALUES "
      "('UIT-Go có mặt tại TP.HCM', 'Đặt xe máy và ô tô tại mọi quận nội thành.', 'announcement', 'campaign', "
      "  NULL::text), "
      "('Tài xế mới', 'Đăng ký làm tài xế ngay trong ứng dụng.', 'fleet', 'two_wheeler', NULL::text)) AS v "
      "WHERE NOT EXISTS (SELECT 1 FROM news)");
}

// The demo rider's and driver's wallet, inbox and (rider) saved places, so the
// apps show something on first sign-in. Idempotent: the top-up has a fixed
// business key, the notifications fixed event ids, and places are only added
// to an account that has none.
awaitable<void> seed_demo_extras(pg::Pool& db, const std::string& id, const std::string& role) {
  const std::int64_t amount = role == "rider" ? 500'000 : 200'000;
  auto topup = [&](pg::Tx& tx) -> awaitable<void> {
    const auto balance = co_await wallet::WalletStore::lock(tx, id);
    const wallet::Posting posting{
        .user_id = id, .kind = wallet::Kind::topup, .amount = amount, .key = wallet::topup_key(id, "demo-seed")};
    co_await wallet::WalletStore::append(tx, posting, balance);
  };
  co_await db.transaction(topup);
  struct Note {
    const char* key;  // event id: demo:<key>:<userId>
    const char* type;
    const char* title;
    const char* body;
    bool read;
  };
  const std::vector<Note> rider_notes{
      {"welcome", "system", "Chào mừng đến với UIT-Go!",
       "Xin chào Demo Rider, cảm ơn bạn đã trải nghiệm UIT-Go. Chúng tôi đã sẵn sàng đồng hành trên mọi hành trình.",
       true},
      {"promotion", "promotion", "Ưu đãi độc quyền", "Nhập mã WELCOME20 để được giảm 20% cho chuyến đi đầu tiên.",
       false},
      {"wallet", "system", "Nạp tiền thành công", "Ví UIT-Go của bạn đã được nạp 500.000đ.", false}};
  const std::vector<Note> driver_notes{
      {"welcome", "system", "Chào mừng tài xế UIT-Go!", "Bật trạng thái trực tuyến để bắt đầu nhận chuyến quanh bạn.",
       false},
      {"earnings", "system", "Thu nhập tuần này", "Xem doanh thu 7 ngày qua trong mục Ví.", false}};
  const auto& notes = role == "rider" ? rider_notes : driver_notes;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    const auto& n = notes[i];
    const std::string event_id = std::string("demo:") + n.key + ":" + id;
    const auto minutes_ago = static_cast<std::int64_t>((notes.size() - i) * 90);
    const pg::Params params{id, n.type, n.title, n.body, event_id, minutes_ago, n.read};
    co_await db.query(
        "INSERT INTO notifications (user_id, type, title, body, event_id, created_at, read_at)"
        " VALUES ($1, $2, $3, $4, $5, now() - make_interval(mins => $6::int),"
        "         CASE WHEN $7::boolean THEN now() - make_interval(mins => $6::int) END)"
        " ON CONFLICT (event_id) DO NOTHING",
        params);
  }
  if (role != "rider") co_return;
  const pg::Params place_params{id};
  co_await db.query(
      "INSERT INTO saved_places (user_id, name, address, lat, lng)"
      " SELECT $1::uuid, v.name, v.address, v.lat, v.lng FROM (VALUES"
      "  ('Nhà', '135 Nam Kỳ Khởi Nghĩa, Bến Thành, Quận 1', 10.7769, 106.6953),"
      "  ('Trường UIT', 'Khu phố 6, Linh Trung, Thủ Đức', 10.8700, 106.8031)) AS v(name, address, lat, lng)"
      " WHERE NOT EXISTS (SELECT 1 FROM saved_places WHERE user_id = $1::uuid)",
      place_params);
}

// Idempotent: an existing account keeps its password; its id is returned.
awaitable<std::string> upsert(pg::Pool& db, const Account& a, const std::string& password_hash) {
  auto r = co_await db.query(
      "WITH inserted AS (INSERT INTO users (name, email, password_hash, role) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (email) DO NOTHING RETURNING id) "
      "SELECT id::text FROM inserted UNION ALL SELECT id::text FROM users WHERE email = $2 LIMIT 1",
      {a.name, a.email, password_hash, a.role});
  co_return r.get<std::string>(0, 0);
}

// A plausible profile with a vehicle, unique per driver (index 0 = the demo driver).
boost::json::object profile_body(const std::string& id, const Account& a, int index) {
  char plate[16];
  char phone[24];
  char license[16];
  std::snprintf(plate, sizeof plate, "59A-%05d", index);
  std::snprintf(phone, sizeof phone, "+84 900 %06d", index);
  std::snprintf(license, sizeof license, "DL-%07d", index);
  const boost::json::object vehicle{
      {"make", "Honda"}, {"model", "Vision"}, {"color", "red"}, {"year", 2022}, {"plateNumber", plate}};
  return {{"id", id}, {"fullName", a.name}, {"phone", phone}, {"licenseNumber", license}, {"vehicle", vehicle}};
}

// Idempotent on driver-service's side: the same id again answers 200.
awaitable<void> ensure_driver_profile(peers::DriverClient& drivers, const std::string& id, const Account& a,
                                      int index) {
  const auto profile = profile_body(id, a, index);
  const std::string request_id = "seed-" + id;
  co_await drivers.create_profile(profile, request_id);
}

awaitable<boost::json::object> seed(const config::Values& c, pg::Pool& db, const auth::Jwt& jwt) {
  co_await pg::run_migrations(db, std::filesystem::path(c.str("MIGRATIONS_DIR")) / "user");
  std::unique_ptr<peers::DriverClient> drivers;
  if (c.flag("SEED_DRIVER_PROFILES")) {
    // Named first: GCC 12 corrupts aggregates built in an expression that co_awaits.
    auto executor = co_await asio::this_coro::executor;
    auto options = service::peer_options(c, "DRIVER_SERVICE", c.str("INTERNAL_TOKEN"));
    drivers = std::make_unique<peers::DriverClient>(executor, std::move(options));
  }
  int driver_index = 1;  // load-test drivers; the demo driver is number 0
  boost::json::object out{
      {"demo", boost::json::array{}}, {"riders", boost::json::array{}}, {"drivers", boost::json::array{}}};
  const auto record = [&](const char* list, const Account& a, const std::string& id) {
    out[list].as_array().push_back(
        boost::json::object{{"id", id}, {"email", a.email}, {"role", a.role}, {"accessToken", jwt.issue(id, a.role)}});
  };
  if (c.flag("SEED_DEMO")) {
    co_await seed_home_content(db);
    for (const auto& a : kDemoAccounts) {
      const std::string hash = PasswordHasher::hash_now(a.password);
      const std::string id = co_await upsert(db, a, hash);
      if (drivers && a.role == "driver") co_await ensure_driver_profile(*drivers, id, a, 0);
      if (a.role != "admin") co_await seed_demo_extras(db, id, a.role);
      record("demo", a, id);
    }
  }
  // Load-test accounts share one hash: hashing thousands of times would take minutes.
  const std::string shared_hash = PasswordHasher::hash_now(c.str("SEED_PASSWORD"));
  for (const auto& a : generated(c)) {
    const std::string id = co_await upsert(db, a, shared_hash);
    if (drivers && a.role == "driver") co_await ensure_driver_profile(*drivers, id, a, driver_index++);
    record(a.role == "rider" ? "riders" : "drivers", a, id);
  }
  co_return out;
}

int run(const config::Values& c) {
  // Same secret rules as the services; only the lifetime of these tokens differs.
  config::Values jwt_values = c;
  jwt_values.set("JWT_ACCESS_TTL_SECONDS", std::to_string(c.integer("SEED_TOKEN_TTL_SECONDS")));
  const auto jwt_ptr = auth::make_jwt(jwt_values);
  const auth::Jwt& jwt = *jwt_ptr;
  asio::io_context io;
  pg::Pool db(io.get_executor(), pg::Options{.dsn = c.str("USER_DB_DSN"), .max_size = 4, .name = "user_db"});
  std::exception_ptr failure;
  boost::json::object result;
  auto work = seed(c, db, jwt);
  asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, boost::json::object r) {
    failure = e;
    result = std::move(r);
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  const auto text = uitgo::json::to_text(result) + "\n";
  if (c.str("SEED_OUTPUT") == "-") {
    std::cout << text;
  } else {
    std::ofstream(c.str("SEED_OUTPUT")) << text;
    std::cerr << "seed: wrote " << c.str("SEED_OUTPUT") << "\n";
  }
  return 0;
}

}  // namespace

service::Command seed_command() {
  return {"seed", "create demo accounts and load-test users; print their access tokens", spec, run};
}

}  // namespace uitgo::user
