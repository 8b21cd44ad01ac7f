#include "user/accounts/account_store.hpp"

#include <sodium.h>

#include "core/base/digest.hpp"
#include "core/base/errors.hpp"

namespace uitgo::user {
namespace {

constexpr int kRefreshTtlDays = 30;

#define UITGO_USER_COLUMNS                                              \
  "id::text AS id, name, email, phone, role, disabled, password_hash, " \
  "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS created_at"

User read_user(const pg::Result& r, int row = 0) {
  return User{.id = r.get<std::string>(row, "id"),
              .name = r.get<std::string>(row, "name"),
              .email = r.get<std::string>(row, "email"),
              .phone = r.get<std::optional<std::string>>(row, "phone"),
              .role = r.get<std::string>(row, "role"),
              .disabled = r.get<bool>(row, "disabled"),
              .created_at = r.get<std::string>(row, "created_at"),
              .password_hash = r.get<std::string>(row, "password_hash")};
}

std::optional<User> first_user(const pg::Result& r) {
  if (r.empty()) return std::nullopt;
  return read_user(r);
}

// A LIKE pattern matching `text` anywhere (its %, _ and \ taken literally).
std::string contains_pattern(const std::string& text) {
  std::string out = "%";
  for (const char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  out += '%';
  return out;
}

}  // namespace

std::string new_opaque_token() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

boost::json::object User::to_json() const {
  boost::json::object o{
      {"id", id}, {"name", name}, {"email", email}, {"role", role}, {"createdAt", created_at}, {"disabled", disabled}};
  o["phone"] = phone ? boost::json::value(*phone) : boost::json::value(nullptr);
  return o;
}

std::string token_digest(const std::string& token) { return sha256_hex(token); }

awaitable<User> AccountStore::create(pg::Tx& tx, const NewUser& u) {
  try {
    auto r = co_await tx.query(
        "INSERT INTO users (name, email, phone, password_hash, role) VALUES ($1, $2, $3, $4, $5) "
        "RETURNING " UITGO_USER_COLUMNS,
        {u.name, u.email, u.phone, u.password_hash, u.role});
    co_return read_user(r);
  } catch (const pg::QueryError& e) {
    if (!e.is_unique_violation()) throw;
  }
  throw DomainError::conflict("an account with this email already exists");
}

awaitable<std::optional<User>> AccountStore::by_email(pg::Pool& db, const std::string& email) {
  auto r = co_await db.query("SELECT " UITGO_USER_COLUMNS " FROM users WHERE email = $1", {email});
  co_return first_user(r);
}

awaitable<std::optional<User>> AccountStore::by_id(pg::Pool& db, const std::string& id) {
  auto r = co_await db.query("SELECT " UITGO_USER_COLUMNS " FROM users WHERE id = $1::uuid", {id});
  co_return first_user(r);
}

awaitable<std::optional<User>> AccountStore::update_profile(pg::Pool& db, const std::string& id,
                                                            const std::optional<std::string>& name,
                                                            const std::optional<std::string>& phone, bool clear_phone) {
  auto r = co_await db.query(
      "UPDATE users SET name = COALESCE($2, name), phone = CASE WHEN $4 THEN NULL ELSE COALESCE($3, phone) END, "
      "updated_at = now() WHERE id = $1::uuid RETURNING " UITGO_USER_COLUMNS,
      {id, name, phone, clear_phone});
  co_return first_user(r);
}

awaitable<std::string> AccountStore::add_refresh_token(pg::Tx& tx, const std::string& user_id,
                                                       const std::string& family_id, const std::string& access_jti) {
  std::string token = new_opaque_token();
  const std::optional<std::string> family = family_id.empty() ? std::nullopt : std::optional(family_id);
  co_await tx.query(
      "INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at, access_jti) "
      "VALUES ($1::uuid, COALESCE($2::uuid, gen_random_uuid()), $3, now() + make_interval(days => $4), $5)",
      {user_id, family, token_digest(token), kRefreshTtlDays, access_jti});
  co_return token;
}

awaitable<RefreshOutcome> AccountStore::consume_refresh_token(pg::Tx& tx, const std::string& token) {
  // FOR UPDATE serializes concurrent presentations of one token: exactly one
  // can rotate it; the others see it used and trigger reuse detection.
  auto found = co_await tx.query(
      "SELECT t.id::text AS token_id, t.family_id::text AS family_id, "
      "       (t.used_at IS NOT NULL OR t.revoked_at IS NOT NULL) AS spent, "
      "       t.expires_at <= now() AS expired, u.disabled AS user_disabled, t.user_id::text AS user_id "
      "FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 FOR UPDATE OF t",
      {token_digest(token)});
  RefreshOutcome out;
  if (found.empty()) co_return out;
  out.family_id = found.get<std::string>(0, "family_id");
  if (found.get<bool>(0, "spent")) {
    co_await tx.query("UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1::uuid AND revoked_at IS NULL",
                      {out.family_id});
    out.check = RefreshCheck::reused;
    co_return out;
  }
  co_await tx.query("UPDATE refresh_tokens SET used_at = now(), revoked_at = now() WHERE id = $1::uuid",
                    {found.get<std::string>(0, "token_id")});
  if (found.get<bool>(0, "expired")) {
    out.check = RefreshCheck::expired;
    co_return out;
  }
  if (found.get<bool>(0, "user_disabled")) {
    out.check = RefreshCheck::disabled;
    co_return out;
  }
  auto user = co_await tx.query("SELECT " UITGO_USER_COLUMNS " FROM users WHERE id = $1::uuid",
                                {found.get<std::string>(0, "user_id")});
  out.user = read_user(user);
  out.check = RefreshCheck::valid;
  co_return out;
}

awaitable<void> AccountStore::revoke_refresh_token(pg::Pool& db, const std::string& token, const std::string& user_id) {
  co_await db.query(
      "UPDATE refresh_tokens SET revoked_at = now() "
      "WHERE token_hash = $1 AND user_id = $2::uuid AND revoked_at IS NULL",
      {token_digest(token), user_id});
}

awaitable<void> AccountStore::revoke_all_refresh_tokens(pg::Tx& tx, const std::string& user_id) {
  co_await tx.query("UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1::uuid AND revoked_at IS NULL",
                    {user_id});
}

awaitable<std::int64_t> AccountStore::revoke_other_sessions(pg::Tx& tx, const std::string& user_id,
                                                            const std::string& access_jti) {
  const auto r = co_await tx.query(
      "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1::uuid AND revoked_at IS NULL"
      " AND family_id NOT IN (SELECT family_id FROM refresh_tokens WHERE user_id = $1::uuid AND access_jti = $2)",
      {user_id, access_jti});
  co_return static_cast<std::int64_t>(r.affected_rows());
}

awaitable<void> AccountStore::set_password(pg::Tx& tx, const std::string& user_id, const std::string& password_hash) {
  co_await tx.query("UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1::uuid",
                    {user_id, password_hash});
}

awaitable<void> AccountStore::spend_password_resets(pg::Tx& tx, const std::string& user_id) {
  co_await tx.query("UPDATE password_resets SET used_at = now() WHERE user_id = $1::uuid AND used_at IS NULL",
                    {user_id});
}

awaitable<void> AccountStore::add_password_reset(pg::Tx& tx, const std::string& user_id, const std::string& token,
                                                 std::int64_t ttl_minutes) {
  co_await spend_password_resets(tx, user_id);
  co_await tx.query(
      "INSERT INTO password_resets (user_id, token_hash, expires_at)"
      " VALUES ($1::uuid, $2, now() + make_interval(mins => $3::int))",
      {user_id, token_digest(token), ttl_minutes});
}

awaitable<std::optional<std::string>> AccountStore::consume_password_reset(pg::Tx& tx, const std::string& token) {
  const auto r = co_await tx.query(
      "UPDATE password_resets SET used_at = now()"
      " WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id::text AS user_id",
      {token_digest(token)});
  if (r.empty()) co_return std::nullopt;
  std::string user_id = r.get<std::string>(0, "user_id");
  co_await spend_password_resets(tx, user_id);
  co_return user_id;
}

awaitable<AccountStore::UserPage> AccountStore::list(pg::Pool& db, const UserFilter& f) {
  const std::optional<std::string> pattern =
      f.search ? std::optional(contains_pattern(*f.search)) : std::optional<std::string>();
  constexpr const char* kWhere =
      " WHERE ($1::text IS NULL OR role = $1) AND ($2::boolean IS NULL OR disabled = $2)"
      " AND ($3::text IS NULL OR name ILIKE $3 OR email ILIKE $3)";
  const auto count =
      co_await db.query(std::string("SELECT count(*)::bigint AS n FROM users") + kWhere, {f.role, f.disabled, pattern});
  const auto rows = co_await db.query(std::string("SELECT " UITGO_USER_COLUMNS " FROM users") + kWhere +
                                          " ORDER BY users.created_at DESC, id LIMIT $4 OFFSET $5",
                                      {f.role, f.disabled, pattern, f.limit, f.offset});
  UserPage page;
  page.total = count.get<std::int64_t>(0, "n");
  page.items.reserve(static_cast<std::size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) page.items.push_back(read_user(rows, i));
  co_return page;
}

awaitable<bool> AccountStore::update_admin_fields(pg::Tx& tx, const std::string& id,
                                                  const std::optional<std::string>& role,
                                                  const std::optional<bool>& disabled) {
  const auto r = co_await tx.query(
      "UPDATE users SET role = coalesce($2, role), disabled = coalesce($3, disabled), updated_at = now()"
      " WHERE id = $1::uuid",
      {id, role, disabled});
  co_return r.affected_rows() == 1;
}

}  // namespace uitgo::user
