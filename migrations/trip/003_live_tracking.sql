-- Live tracking: the last location a trip's driver sent over the WebSocket
-- (one row per trip, upserted in batches; see src/trip/location_store.hpp).
CREATE TABLE trip_locations (
    trip_id     uuid PRIMARY KEY REFERENCES trips (id) ON DELETE CASCADE,
    driver_id   uuid NOT NULL,
    lat         double precision NOT NULL,
    lng         double precision NOT NULL,
    recorded_at timestamptz NOT NULL
);
