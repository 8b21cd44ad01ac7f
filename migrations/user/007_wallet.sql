-- The wallet (src/user/wallet/ledger.hpp): an append-only ledger of signed
-- amounts in đồng, one row per business event (the UNIQUE business_key makes
-- recording an event twice a no-op), and the balance per user, moved in the
-- same transaction as each row (balance = sum of the user's amounts).
CREATE TABLE wallets (
    user_id       uuid PRIMARY KEY,
    balance       bigint NOT NULL DEFAULT 0,
    reward_points bigint NOT NULL DEFAULT 0 CHECK (reward_points >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE wallet_transactions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('topup', 'fare', 'earning', 'reward', 'refund', 'adjustment')),
    amount        bigint NOT NULL CHECK (amount <> 0),
    business_key  text NOT NULL UNIQUE,
    trip_id       uuid,
    balance_after bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- Only fares take money; top-ups, earnings, rewards and refunds give it.
    CHECK (kind NOT IN ('topup', 'earning', 'reward', 'refund') OR amount > 0),
    CHECK (kind <> 'fare' OR amount < 0)
);
CREATE INDEX wallet_transactions_user_idx ON wallet_transactions (user_id, created_at DESC, id DESC);
CREATE INDEX wallet_transactions_earning_idx ON wallet_transactions (user_id, created_at) WHERE kind = 'earning';
-- Append-only: rows are never changed or removed.
CREATE FUNCTION wallet_transactions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'wallet_transactions is append-only';
END $$;
CREATE TRIGGER wallet_transactions_append_only BEFORE UPDATE OR DELETE ON wallet_transactions
    FOR EACH ROW EXECUTE FUNCTION wallet_transactions_append_only();
