-- The access token issued with each refresh token (its jti): a request's
-- access token then tells which session (refresh-token family) it belongs to,
-- so POST /auth/change-password can sign out every other session and keep the
-- caller's.
ALTER TABLE refresh_tokens ADD COLUMN access_jti text;
CREATE INDEX refresh_tokens_access_jti_idx ON refresh_tokens (user_id, access_jti) WHERE access_jti IS NOT NULL;

-- Password reset links (POST /auth/forgot-password): single use, short-lived,
-- stored only as SHA-256 digests. A new link spends the older ones.
CREATE TABLE password_resets (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  text NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id) WHERE used_at IS NULL;
