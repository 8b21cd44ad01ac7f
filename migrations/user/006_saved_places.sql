-- Saved places (GET/POST /saved_places, DELETE /saved_places/{id}): a user's
-- named locations. No foreign key to users: an account's rows are removed
-- with it by the account code, and the table accepts any token's subject.
CREATE TABLE saved_places (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL,
    name       text NOT NULL,
    address    text NOT NULL DEFAULT '',
    lat        double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng        double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX saved_places_user_idx ON saved_places (user_id, created_at DESC);
