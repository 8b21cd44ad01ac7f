-- Trip status changes notify the rider and the driver through user-service's
-- inbox (src/trip/lifecycle/trip_notices.hpp), delivered by the outbox: a new
-- kind of row.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('trip_match', 'driver_release', 'trip_settlement', 'trip_notification'));
