-- Busy state, latest positions and location history (issue #3).

-- The trip a driver is reserved for (NULL = free). Written when a reservation
-- in Redis succeeds or is released, so the SQL search can skip busy drivers
-- and a Redis rebuild can restore the reservation keys.
ALTER TABLE drivers ADD COLUMN current_trip_id uuid NULL;

-- One row per driver: the last ping the batch writer stored. recorded_at is
-- when the server received that ping (server clock), so staleness
-- (DRIVER_STALE_SECONDS) is judged on the same clock as the Redis heartbeat.
CREATE TABLE driver_last_locations (
    driver_id   uuid PRIMARY KEY REFERENCES drivers (id) ON DELETE CASCADE,
    lat         double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng         double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
    recorded_at timestamptz NOT NULL
);
-- Serves the SQL search's bounding box (point(lng, lat) <@ box): a 2-D index,
-- built into PostgreSQL (no PostGIS).
CREATE INDEX driver_last_locations_point_idx ON driver_last_locations USING gist (point(lng, lat));

-- Append-only history, written in batches (one multi-row INSERT per flush).
-- recorded_at is the client's recordedAt when it sent one, else the receive
-- time. No foreign key: only drivers with a profile get past the API, and a
-- batch must never fail as a whole because of one row.
CREATE TABLE driver_locations (
    driver_id   uuid NOT NULL,
    lat         double precision NOT NULL,
    lng         double precision NOT NULL,
    heading     double precision,
    speed_kmh   double precision,
    recorded_at timestamptz NOT NULL
);
CREATE INDEX driver_locations_driver_time_idx ON driver_locations (driver_id, recorded_at DESC);
