-- MAX_OPEN_TRIPS_PER_RIDER: a rider's open trips (requested … in_ride) each
-- hold one of the rider's numbered slots, 1..max; a trip leaves its slot by
-- leaving the open statuses (the index's predicate), with no further write.
-- The unique index makes the cap hold under concurrent creates, on any
-- number of trip-service instances. NULL = not counted (cap 0 = unlimited).
ALTER TABLE trips ADD COLUMN open_slot smallint;
UPDATE trips t SET open_slot = numbered.n
  FROM (SELECT id, row_number() OVER (PARTITION BY rider_id ORDER BY created_at, id) AS n
          FROM trips WHERE status IN ('requested', 'accepted', 'arriving', 'in_ride')) numbered
 WHERE t.id = numbered.id;
CREATE UNIQUE INDEX trips_open_slot_uidx ON trips (rider_id, open_slot)
  WHERE open_slot IS NOT NULL AND status IN ('requested', 'accepted', 'arriving', 'in_ride');
