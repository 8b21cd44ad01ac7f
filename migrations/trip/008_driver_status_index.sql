-- A driver's trips in one status (GET /v1/trips?status=requested: the offers
-- waiting for the driver, polled every few seconds). With only
-- trips_driver_created_idx, Postgres read every trip the driver ever had and
-- filtered on the status, or intersected it with every trip in that status:
-- either way the poll grew with the driver's history or the waiting backlog.
-- Rows enter this index only once a trip has a driver.
CREATE INDEX trips_driver_status_idx ON trips (driver_id, status, created_at DESC) WHERE driver_id IS NOT NULL;
