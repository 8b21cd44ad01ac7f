#include "driver/location/location_writer.hpp"

#include "core/base/log.hpp"
#include "core/pg/array_literal.hpp"

namespace uitgo::driver {
namespace {

// One statement: the history rows and the latest position per driver (the
// last received ping of the batch wins; an older batch never overwrites a
// newer row).
constexpr const char* kWriteBatch =
    "WITH batch AS ("
    "  SELECT * FROM unnest($1::uuid[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::bigint[],"
    "                       $7::bigint[])"
    "    WITH ORDINALITY AS b(driver_id, lat, lng, heading, speed_kmh, recorded_ms, received_ms, ord)"
    "), history AS ("
    "  INSERT INTO driver_locations (driver_id, lat, lng, heading, speed_kmh, recorded_at)"
    "  SELECT driver_id, lat, lng, heading, speed_kmh, timestamptz 'epoch' + recorded_ms * interval '1 millisecond'"
    "  FROM batch"
    ")"
    " INSERT INTO driver_last_locations AS cur (driver_id, lat, lng, recorded_at)"
    " SELECT DISTINCT ON (driver_id) driver_id, lat, lng, timestamptz 'epoch' + received_ms * interval '1 millisecond'"
    " FROM batch WHERE EXISTS (SELECT 1 FROM drivers d WHERE d.id = batch.driver_id)"
    " ORDER BY driver_id, received_ms DESC, ord DESC"
    " ON CONFLICT (driver_id) DO UPDATE SET lat = excluded.lat, lng = excluded.lng, recorded_at = excluded.recorded_at"
    " WHERE excluded.recorded_at >= cur.recorded_at";

using pg::append_number;
using pg::array_literal;

void append_optional(std::string& out, const std::optional<double>& v) {
  if (v) {
    append_number(out, *v);
  } else {
    out += "NULL";
  }
}

// Worth retrying: serialization/deadlock (40), resources (53), cancels and
// shutdowns (57), lock waits (55), connection trouble (08).
bool transient(const pg::QueryError& e) {
  const std::string_view state = e.sqlstate();
  for (const std::string_view cls : {"40", "53", "55", "57", "08"}) {
    if (state.starts_with(cls)) return true;
  }
  return false;
}

}  // namespace

LocationWriter::LocationWriter(service::Runtime& runtime, pg::Pool& db, WriterSettings settings)
    : db_(db),
      settings_(settings),
      flushed_(runtime.metrics().counter("driver_location_flushed_total", "location pings written to Postgres")),
      dropped_(runtime.metrics().counter("driver_location_dropped_total",
                                         "location pings dropped because the history buffer was full (oldest first)")),
      failures_(
          runtime.metrics().counter("driver_location_flush_failures_total", "history batches that failed to write")),
      flush_seconds_(runtime.metrics().histogram("driver_location_flush_seconds", "time to write one history batch")) {
  auto& metrics = runtime.metrics();
  metrics.on_collect([this, &metrics] {
    metrics.gauge("driver_location_buffered", "location pings waiting to be written")
        .set(static_cast<double>(buffered()));
  });
  task_ = &runtime.add_task({.name = "location-history-flush", .period = settings_.flush_interval, .final_pass = true},
                            [this] { return flush_all(); });
  // Stop steps run after the tasks' final passes: whatever is left now is lost.
  runtime.on_stop([this]() -> awaitable<void> {
    const auto left = buffered();
    if (left > 0) log::error("location history lost at shutdown", {{"pings", static_cast<std::int64_t>(left)}});
    co_return;
  });
}

void LocationWriter::add(LocationRecord record) {
  std::size_t size;
  {
    std::lock_guard lock(mutex_);
    if (buffer_.size() >= settings_.buffer_max) {
      buffer_.pop_front();
      dropped_.inc();
    }
    buffer_.push_back(std::move(record));
    size = buffer_.size();
  }
  if (size == settings_.batch_size && !last_pass_failed_.load()) task_->wake();
}

std::size_t LocationWriter::buffered() const {
  std::lock_guard lock(mutex_);
  return buffer_.size();
}

awaitable<void> LocationWriter::flush_all() {
  while (true) {
    std::vector<LocationRecord> batch;
    {
      std::lock_guard lock(mutex_);
      const std::size_t n = std::min(buffer_.size(), settings_.batch_size);
      batch.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(buffer_.front()));
        buffer_.pop_front();
      }
    }
    if (batch.empty()) break;
    const auto started = Clock::now();
    std::exception_ptr failure;
    std::string rejection;
    try {
      co_await write(batch);
    } catch (const pg::QueryError& e) {
      if (transient(e)) {
        failure = std::current_exception();
      } else {
        rejection = e.what();  // Postgres refused the data itself: retrying cannot help
      }
    } catch (const std::exception&) {
      failure = std::current_exception();
    }
    if (!rejection.empty()) {
      failures_.inc();
      dropped_.inc(batch.size());
      log::error("location history batch rejected by postgres; dropped",
                 {{"pings", static_cast<std::int64_t>(batch.size())}, {"error", rejection}});
      continue;
    }
    if (failure) {
      failures_.inc();
      requeue(std::move(batch));
      last_pass_failed_.store(true);
      std::rethrow_exception(failure);  // the task logs it and retries after the flush interval
    }
    flush_seconds_.observe(std::chrono::duration<double>(Clock::now() - started).count());
    flushed_.inc(batch.size());
  }
  last_pass_failed_.store(false);
}

awaitable<void> LocationWriter::write(const std::vector<LocationRecord>& batch) {
  pg::Params params;
  params.add(array_literal(batch, [](std::string& o, const LocationRecord& r) { o += r.driver_id; }));
  params.add(array_literal(batch, [](std::string& o, const LocationRecord& r) { append_number(o, r.lat); }));
  params.add(array_literal(batch, [](std::string& o, const LocationRecord& r) { append_number(o, r.lng); }));
  params.add(array_literal(batch, [](std::string& o, const LocationRecord& r) { append_optional(o, r.heading); }));
  params.add(array_literal(batch, [](std::string& o, const LocationRecord& r) { append_optional(o, r.speed_kmh); }));
  params.add(array_literal(batch, [](std::string& o, const LocationRecord& r) { append_number(o, r.recorded_ms); }));
  params.add(array_literal(batch, [](std::string& o, const LocationRecord& r) { append_number(o, r.received_ms); }));
  co_await db_.query(kWriteBatch, std::move(params));
}

void LocationWriter::requeue(std::vector<LocationRecord> batch) {
  std::lock_guard lock(mutex_);
  for (auto it = batch.rbegin(); it != batch.rend(); ++it) buffer_.push_front(std::move(*it));
  while (buffer_.size() > settings_.buffer_max) {
    buffer_.pop_front();
    dropped_.inc();
  }
}

}  // namespace uitgo::driver
