-- Driver profiles (one per driver account) and their availability.
CREATE TABLE drivers (
    id             uuid PRIMARY KEY,             -- the user id from user-service
    full_name      text NOT NULL,
    phone          text NOT NULL,
    license_number text NOT NULL,
    avatar_url     text,
    rating         numeric(3, 2) NOT NULL DEFAULT 5.00,
    availability   text NOT NULL DEFAULT 'offline' CHECK (availability IN ('online', 'offline')),
    status_updated_at timestamptz NOT NULL DEFAULT now(),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vehicles (
    driver_id    uuid PRIMARY KEY REFERENCES drivers (id) ON DELETE CASCADE,
    make         text NOT NULL,
    model        text NOT NULL,
    color        text NOT NULL,
    year         integer NOT NULL,
    plate_number text NOT NULL UNIQUE
);
