-- Trips and the audit trail of their transitions.
CREATE TABLE trips (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    rider_id      uuid NOT NULL,
    driver_id     uuid,
    status        text NOT NULL CHECK (status IN
                    ('requested', 'accepted', 'arriving', 'in_ride', 'completed', 'cancelled')),
    origin_text   text NOT NULL,
    dest_text     text NOT NULL,
    service_id    text NOT NULL,
    origin_lat    double precision,
    origin_lng    double precision,
    dest_lat      double precision,
    dest_lng      double precision,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX trips_rider_created_idx ON trips (rider_id, created_at DESC);
CREATE INDEX trips_driver_created_idx ON trips (driver_id, created_at DESC) WHERE driver_id IS NOT NULL;

CREATE TABLE trip_events (
    id          bigserial PRIMARY KEY,
    trip_id     uuid NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    from_status text,
    to_status   text NOT NULL,
    actor_id    text NOT NULL,
    actor_role  text NOT NULL,
    reason      text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX trip_events_trip_idx ON trip_events (trip_id, id);
