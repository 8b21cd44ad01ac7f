-- Postgres drives matching work: trip-service's sweep re-publishes requested
-- trips whose matching went quiet and cancels those past the deadline.
--   match_seen_at  the last time a matcher read the trip (recorded in batches)
--   redriven_at    the last time the sweep re-published its match event
ALTER TABLE trips
  ADD COLUMN match_seen_at timestamptz,
  ADD COLUMN redriven_at timestamptz;
