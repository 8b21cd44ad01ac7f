#include "user/notifications/notifications.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <map>

#include "core/base/errors.hpp"
#include "core/base/log.hpp"
#include "core/pg/array_literal.hpp"

namespace uitgo::user::notifications {
namespace {

// A claimed push is retried by any instance if not settled within this time.
constexpr double kLeaseSeconds = 60;
constexpr int kPushBatch = 50;

// clang-format off
#define UITGO_UTC_TEXT(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

constexpr const char* kColumns =
    "id::text AS id, type, title, body, trip_id::text AS trip_id, "
    UITGO_UTC_TEXT("created_at") " AS created_at, " UITGO_UTC_TEXT("read_at") " AS read_at";

const std::string kList = std::string("SELECT ") + kColumns + ", count(*) OVER () AS total"
    "  FROM notifications WHERE user_id = $1 AND (NOT $2::boolean OR read_at IS NULL)"
    " ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4";

const std::string kCount =
    "SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND (NOT $2::boolean OR read_at IS NULL)";

const std::string kMarkRead =
    "UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2";

// The token moves to this user; pushes queued on it for anyone else are dropped.
const std::string kRegister =
    "WITH up AS (INSERT INTO device_tokens (token, user_id, platform) VALUES ($1, $2, $3)"
    "            ON CONFLICT (token) DO UPDATE SET user_id = EXCLUDED.user_id, platform = EXCLUDED.platform,"
    "                                              updated_at = now()"
    "            RETURNING token)"
    " DELETE FROM push_outbox p USING notifications n"
    "  WHERE p.token = $1 AND n.id = p.notification_id AND n.user_id <> $2";

const std::string kTrimDevices =
    "DELETE FROM device_tokens WHERE user_id = $1 AND token NOT IN"
    " (SELECT token FROM device_tokens WHERE user_id = $1 ORDER BY updated_at DESC LIMIT $2)";

// Each notification and one push per device of its recipient; a notice
// whose event is known writes nothing (and is not in the result).
const std::string kInsertEvents =
    "WITH v AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[],"
    "                                $7::jsonb[], $8::text[])"
    "             WITH ORDINALITY AS v(user_id, type, title, body, trip_id, event_id, push_data, push_channel, item)),"
    "     n AS (INSERT INTO notifications (user_id, type, title, body, trip_id, event_id, push_data, push_channel)"
    "           SELECT user_id, type, title, body, trip_id, event_id, push_data, push_channel FROM v ORDER BY item"
    "           ON CONFLICT (event_id) DO NOTHING RETURNING id, user_id, event_id),"
    "     p AS (INSERT INTO push_outbox (notification_id, token)"
    "           SELECT n.id, d.token FROM n JOIN device_tokens d ON d.user_id = n.user_id RETURNING notification_id)"
    " SELECT n.event_id, (SELECT count(*) FROM p WHERE p.notification_id = n.id) AS pushes FROM n";

const std::string kInsertWelcome =
    "INSERT INTO notifications (user_id, type, title, body, event_id) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (event_id) DO NOTHING";

const std::string kClaim =
    "WITH c AS (UPDATE push_outbox SET attempts = attempts + 1,"
    "                                  next_attempt_at = now() + make_interval(secs => $2)"
    "            WHERE id IN (SELECT id FROM push_outbox WHERE next_attempt_at <= now()"
    "                          ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)"
    "           RETURNING id, token, attempts, notification_id)"
    " SELECT c.id, c.token, c.attempts, n.title, n.body, n.push_data::text AS push_data, n.push_channel"
    "   FROM c JOIN notifications n ON n.id = c.notification_id ORDER BY c.id";

const std::string kDone = "DELETE FROM push_outbox WHERE id = $1";
const std::string kForgetToken =
    "WITH gone AS (DELETE FROM device_tokens WHERE token = $1)"
    " DELETE FROM push_outbox WHERE token = $1";
const std::string kRetry =
    "UPDATE push_outbox SET next_attempt_at = now() + make_interval(secs => $2), last_error = $3 WHERE id = $1";
#undef UITGO_UTC_TEXT
// clang-format on

Notification read_notification(const pg::Result& r, int row) {
  return {.id = r.get<std::string>(row, "id"),
          .type = r.get<std::string>(row, "type"),
          .title = r.get<std::string>(row, "title"),
          .body = r.get<std::string>(row, "body"),
          .trip_id = r.get<std::optional<std::string>>(row, "trip_id"),
          .created_at = r.get<std::string>(row, "created_at"),
          .read_at = r.get<std::optional<std::string>>(row, "read_at")};
}

std::string data_json(const Draft& d) {
  boost::json::object o;
  for (const auto& [key, value] : d.data) o[key] = value;
  return boost::json::serialize(o);
}

std::vector<std::pair<std::string, std::string>> data_pairs(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  boost::system::error_code ec;
  const auto value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) return out;
  for (const auto& [key, v] : value.as_object()) {
    if (v.is_string()) out.emplace_back(std::string(key), std::string(v.get_string()));
  }
  return out;
}

double seconds(Millis m) { return static_cast<double>(m.count()) / 1000.0; }

}  // namespace

PushSettings PushSettings::from(const config::Values& c) {
  return {.poll = c.millis("PUSH_POLL_MS"),
          .max_attempts = static_cast<int>(c.integer("PUSH_MAX_ATTEMPTS")),
          .retry_base = c.millis("PUSH_RETRY_BASE_MS"),
          .retry_max = c.millis("PUSH_RETRY_MAX_MS")};
}

Notifications::Notifications(service::Runtime& runtime, pg::Pool& db, std::unique_ptr<PushSender> sender,
                             PushSettings settings)
    : db_(db), metrics_(runtime.metrics()), sender_(std::move(sender)), settings_(settings) {
  task_ = &runtime.add_task({.name = "push-outbox", .period = settings_.poll, .first_delay = Millis(0)},
                            [this]() -> awaitable<void> { co_await push_pass(); });
  // Exported from the start (alerts name them), not only after the first push.
  (void)metrics_.counter("push_sent_total", "pushes the sender accepted", {{"sender", std::string(sender_->name())}});
}

awaitable<NotificationPage> Notifications::list(const std::string& user_id, const ListQuery& q) {
  const auto r = co_await db_.query(kList, pg::Params{user_id, q.unread_only, q.limit, q.offset});
  NotificationPage out;
  out.items.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.items.push_back(read_notification(r, i));
  if (r.rows() > 0) {
    out.total = r.get<std::int64_t>(0, "total");
  } else if (q.offset > 0) {
    const auto c = co_await db_.query(kCount, pg::Params{user_id, q.unread_only});  // an offset past the end
    out.total = c.get<std::int64_t>(0, "n");
  }
  co_return out;
}

awaitable<void> Notifications::mark_read(const std::string& user_id, const std::string& id) {
  const auto r = co_await db_.query(kMarkRead, pg::Params{id, user_id});
  if (r.affected_rows() == 0) throw DomainError::not_found("notification not found");
}

awaitable<void> Notifications::register_device(const std::string& user_id, const DeviceRegistration& device) {
  auto body = [&](pg::Tx& tx) -> awaitable<void> {
    co_await tx.query(kRegister, pg::Params{device.token, user_id, device.platform});
    co_await tx.query(kTrimDevices, pg::Params{user_id, kDevicesPerUser});
  };
  co_await db_.transaction(body);
  metrics_.counter("push_devices_registered_total", "device tokens registered", {{"platform", device.platform}}).inc();
}

awaitable<void> Notifications::welcome(const std::string& user_id, const std::string& name) {
  const auto drafts = welcome_drafts(name);
  for (const auto& d : drafts) {
    const std::string event_id = "welcome." + d.type + ":" + user_id;
    const pg::Params params{user_id, d.type, d.title, d.body, event_id};
    co_await db_.query(kInsertWelcome, params);
  }
}

namespace {

// The statement's array parameters, one per column.
pg::Params insert_params(const std::vector<peers::TripNotice>& notices) {
  using Row = std::array<std::optional<std::string>, 8>;
  std::vector<Row> rows;
  rows.reserve(notices.size());
  for (const auto& notice : notices) {
    const auto draft = trip_draft(notice);
    rows.push_back({notice.user_id, draft.type, draft.title, draft.body, draft.trip_id, notice.event_id,
                    data_json(draft), draft.android_channel});
  }
  pg::Params params;
  for (std::size_t column = 0; column < std::tuple_size_v<Row>; ++column) {
    params.add(
        pg::array_literal(rows, [column](std::string& out, const Row& row) { pg::append_element(out, row[column]); }));
  }
  return params;
}

}  // namespace

void Notifications::stored(const peers::TripNotice& notice, bool inserted, std::int64_t pushes) {
  if (inserted) {
    metrics_.counter("notifications_delivered_total", "notifications written to an inbox", {{"kind", notice.kind}})
        .inc();
  }
  if (pushes > 0) task_->wake();
}

awaitable<peers::NoticeResult> Notifications::record_trip_event(const peers::TripNotice& notice) {
  const std::vector<peers::TripNotice> one{notice};
  auto results = co_await record_trip_events(one);
  co_return std::move(results.front());
}

// One statement however many notices.
awaitable<std::vector<peers::NoticeResult>> Notifications::record_trip_events(
    const std::vector<peers::TripNotice>& notices) {
  std::map<std::string, std::int64_t> pushes_of;  // by event id, for the notices written now
  if (!notices.empty()) {
    const auto r = co_await db_.query(kInsertEvents, insert_params(notices));
    for (int row = 0; row < r.rows(); ++row) {
      pushes_of.emplace(r.get<std::string>(row, "event_id"), r.get<std::int64_t>(row, "pushes"));
    }
  }
  std::vector<peers::NoticeResult> out;
  out.reserve(notices.size());
  for (const auto& notice : notices) {
    const auto it = pushes_of.find(notice.event_id);
    const bool applied = it != pushes_of.end();
    stored(notice, applied, applied ? it->second : 0);
    if (applied) pushes_of.erase(it);  // a repeat within the batch was not written
    out.push_back({.event_id = notice.event_id, .applied = applied});
  }
  co_return out;
}

awaitable<std::size_t> Notifications::push_pass() {
  const auto claimed = co_await db_.query(kClaim, pg::Params{kPushBatch, kLeaseSeconds});
  for (int i = 0; i < claimed.rows() && !task_->stopping(); ++i) {
    const auto id = claimed.get<std::int64_t>(i, "id");
    const auto attempts = claimed.get<int>(i, "attempts");
    PushMessage message{.token = claimed.get<std::string>(i, "token"),
                        .title = claimed.get<std::string>(i, "title"),
                        .body = claimed.get<std::string>(i, "body"),
                        .data = data_pairs(claimed.get<std::string>(i, "push_data")),
                        .android_channel = claimed.get<std::string>(i, "push_channel")};
    PushOutcome outcome;
    try {
      outcome = co_await sender_->send(message);
    } catch (const std::exception& e) {
      outcome = {.status = PushStatus::retry_later, .reason = "error", .detail = e.what()};
    }
    co_await settle_push(id, message.token, attempts, outcome);
  }
  // Rows claimed but not tried (stopping) come back when their lease ends.
  co_return static_cast<std::size_t>(claimed.rows());
}

awaitable<void> Notifications::settle_push(std::int64_t id, const std::string& token, int attempts,
                                           const PushOutcome& outcome) {
  const std::string sender(sender_->name());
  if (outcome.status == PushStatus::sent) {
    metrics_.counter("push_sent_total", "pushes the sender accepted", {{"sender", sender}}).inc();
    co_await db_.query(kDone, pg::Params{id});
    co_return;
  }
  metrics_
      .counter("push_failures_total", "pushes that failed, by reason (retried unless the token is gone or refused)",
               {{"sender", sender}, {"reason", outcome.reason}})
      .inc();
  const auto token_hint = token.substr(0, 8) + "…";
  switch (outcome.status) {
    case PushStatus::token_gone:
      log::info("push: device token not registered any more; forgotten",
                {{"token", token_hint}, {"detail", outcome.detail}});
      co_await db_.query(kForgetToken, pg::Params{token});
      co_return;
    case PushStatus::rejected:
      log::warn("push refused; dropped", {{"pushId", id}, {"reason", outcome.reason}, {"detail", outcome.detail}});
      co_await db_.query(kDone, pg::Params{id});
      co_return;
    case PushStatus::retry_later:
    case PushStatus::sent:
      break;
  }
  if (attempts >= settings_.max_attempts) {
    log::warn("push failed too often; dropped",
              {{"pushId", id}, {"attempts", attempts}, {"reason", outcome.reason}, {"detail", outcome.detail}});
    co_await db_.query(kDone, pg::Params{id});
    co_return;
  }
  const auto delay = push_retry_delay(attempts, settings_.retry_base, settings_.retry_max);
  log::warn("push failed; retrying later", {{"pushId", id},
                                            {"attempts", attempts},
                                            {"retryInMs", delay.count()},
                                            {"reason", outcome.reason},
                                            {"detail", outcome.detail}});
  co_await db_.query(kRetry, pg::Params{id, seconds(delay), outcome.detail.substr(0, 500)});
}

}  // namespace uitgo::user::notifications
