-- When a driver last became free (came online, or a reservation ended): the
-- matcher offers a trip without pickup coordinates to the free driver who has
-- been waiting longest (SPEC, matcher workers).
ALTER TABLE drivers ADD COLUMN free_since timestamptz NOT NULL DEFAULT now();
CREATE INDEX drivers_free_since_idx ON drivers (free_since) WHERE availability = 'online' AND current_trip_id IS NULL;
