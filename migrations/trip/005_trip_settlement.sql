-- Completed trips are settled in user-service's wallet through the outbox
-- (src/trip/matching/outbox.hpp): a new kind of row.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('trip_match', 'driver_release', 'trip_settlement'));
