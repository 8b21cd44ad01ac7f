-- When a driver's reservation (current_trip_id) was last confirmed against
-- trip-service. A matcher process killed between reserving a driver and
-- offering the trip leaves a reservation no trip refers to; the reservation
-- audit finds those by this column and releases them.
ALTER TABLE drivers ADD COLUMN trip_checked_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX drivers_trip_checked_idx ON drivers (trip_checked_at) WHERE current_trip_id IS NOT NULL;
