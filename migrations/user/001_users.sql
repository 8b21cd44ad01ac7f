-- Accounts of riders, drivers and admins. Emails are stored normalized
-- (trimmed, lower-case) so the unique index is the duplicate check.
CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text NOT NULL,
    name          text NOT NULL,
    phone         text,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('rider', 'driver', 'admin')),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);
