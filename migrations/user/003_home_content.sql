-- Home-screen content managed by admins: promotions and news. Lengths and
-- formats are validated by user-service (src/user/home/payloads.cpp) before
-- anything is written; the CHECKs only guard against other writers.
CREATE TABLE promotions (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    code        text NOT NULL CHECK (length(code) BETWEEN 1 AND 50),
    image_url   text CHECK (length(image_url) <= 2048),
    expires_at  timestamptz,  -- NULL: never expires
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
-- GET /promotions: active ones, newest first; the expiry filter runs on the
-- (few) active rows.
CREATE INDEX promotions_active_idx ON promotions (created_at DESC, id) WHERE active;

CREATE TABLE news (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body         text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    image_url    text CHECK (length(image_url) <= 2048),
    published_at timestamptz NOT NULL DEFAULT now(),  -- in the future: scheduled, not listed yet
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
-- GET /news?limit=N: newest published first.
CREATE INDEX news_published_idx ON news (published_at DESC, id DESC);
