-- Matching (issue #4): fare estimate, cancel reason, offers, idempotency keys
-- and the transactional outbox.

ALTER TABLE trips
    ADD COLUMN fare_estimate bigint,                      -- VND, NULL without coordinates
    ADD COLUMN cancel_reason text,
    ADD COLUMN offered_at    timestamptz,                 -- when the pending offer was made
    ADD COLUMN match_attempt integer NOT NULL DEFAULT 1;  -- 1 + offers ended without acceptance

-- Admin lists (all trips, newest first, optionally by status).
CREATE INDEX trips_created_idx ON trips (created_at DESC, id DESC);
CREATE INDEX trips_status_created_idx ON trips (status, created_at DESC);
-- The offer-expiry backstop.
CREATE INDEX trips_pending_offer_idx ON trips (offered_at) WHERE status = 'requested' AND driver_id IS NOT NULL;

-- Every driver a trip was offered to and what came of it. The primary key is
-- what makes "never offered the same trip again" hold.
CREATE TABLE trip_offers (
    trip_id     uuid NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    driver_id   uuid NOT NULL,
    attempt     integer NOT NULL,
    outcome     text NOT NULL DEFAULT 'pending'
                CHECK (outcome IN ('pending', 'accepted', 'declined', 'expired', 'withdrawn')),
    offered_at  timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    PRIMARY KEY (trip_id, driver_id)
);

-- Idempotency-Key of POST /v1/trips, written in the trip's transaction. The
-- key row comes first (it reserves the trip id), hence the deferred FK.
CREATE TABLE idempotency_keys (
    rider_id     uuid NOT NULL,
    key          text NOT NULL,
    trip_id      uuid NOT NULL REFERENCES trips (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    request_hash text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rider_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- The transactional outbox (see src/trip/outbox.hpp).
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('trip_match', 'driver_release')),
    payload         jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text
);
CREATE INDEX outbox_due_idx ON outbox (kind, next_attempt_at, id) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL;
