-- Notifications (src/user/notifications/): the in-app inbox, the devices a
-- user receives pushes on, and the pushes still to send.
--
-- A notification written because of an event elsewhere (a trip's status, from
-- trip-service's outbox) carries that event's id: the UNIQUE event_id makes a
-- redelivery insert nothing. Welcome and demo notifications have none.
CREATE TABLE notifications (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL,
    type       text NOT NULL,
    title      text NOT NULL,
    body       text NOT NULL DEFAULT '',
    trip_id    uuid,
    event_id   text UNIQUE,
    -- What a push of it carries: its data (string values) and Android channel.
    push_data    jsonb NOT NULL DEFAULT '{}'::jsonb,
    push_channel text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id, created_at DESC) WHERE read_at IS NULL;

-- One row per device token: a token registered again by another user (a
-- shared phone, a new sign-in) moves to that user.
CREATE TABLE device_tokens (
    token      text PRIMARY KEY,
    user_id    uuid NOT NULL,
    platform   text NOT NULL CHECK (platform IN ('android', 'ios', 'web')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX device_tokens_user_idx ON device_tokens (user_id);

-- One push per (notification, device token), written with the notification
-- and sent by the push task (PUSH_SENDER); retried with a back-off, dropped
-- after PUSH_MAX_ATTEMPTS or when the token is gone.
CREATE TABLE push_outbox (
    id              bigserial PRIMARY KEY,
    notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    token           text NOT NULL,
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX push_outbox_due_idx ON push_outbox (next_attempt_at);
CREATE INDEX push_outbox_token_idx ON push_outbox (token);
