-- What the original apps read on the home screen: a promotion's banner
-- colours and priority (highest first), a news item's category and icon (a
-- Material icon name). Existing rows get the apps' own defaults; the demo
-- content (src/user/seed.cpp) gets the values the seed now writes.
ALTER TABLE promotions
    ADD COLUMN gradient_start text NOT NULL DEFAULT '#667EEA'
        CHECK (gradient_start ~ '^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$'),
    ADD COLUMN gradient_end text NOT NULL DEFAULT '#764BA2'
        CHECK (gradient_end ~ '^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$'),
    ADD COLUMN priority integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN -1000 AND 1000);

ALTER TABLE news
    ADD COLUMN category text NOT NULL DEFAULT 'general' CHECK (length(category) BETWEEN 1 AND 50),
    ADD COLUMN icon text NOT NULL DEFAULT 'news' CHECK (icon ~ '^[a-z0-9_]{1,50}$');

UPDATE promotions SET gradient_start = '#FFA751', gradient_end = '#FFE259', priority = 20 WHERE code = 'WELCOME20';
UPDATE promotions SET priority = 10 WHERE code = 'SANG15';
UPDATE news SET category = 'announcement', icon = 'campaign' WHERE title = 'UIT-Go có mặt tại TP.HCM';
UPDATE news SET category = 'fleet', icon = 'two_wheeler' WHERE title = 'Tài xế mới';

-- GET /promotions: active ones, highest priority first, then newest.
DROP INDEX promotions_active_idx;
CREATE INDEX promotions_active_idx ON promotions (priority DESC, created_at DESC, id) WHERE active;
