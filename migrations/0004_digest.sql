-- The daily digest (日调度): who gets it, for which scope and when, and the log that makes each
-- subscription get each day's digest exactly once.

-- chat_id is the official's user id (a private chat) or an escalation group's chat id.
-- chains: the chain names as a JSON array, sorted ('[]' = every chain).
CREATE TABLE subscriptions (
    id                INTEGER PRIMARY KEY,
    chat_id           INTEGER NOT NULL,
    owner_id          INTEGER,                    -- who subscribed; NULL: the command line
    region_prefix     TEXT NOT NULL DEFAULT '',
    chains            TEXT NOT NULL DEFAULT '[]',
    at_time           TEXT NOT NULL DEFAULT '08:30' CHECK (at_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    skip_empty        INTEGER NOT NULL DEFAULT 0,
    skip_non_working  INTEGER NOT NULL DEFAULT 0,
    active            INTEGER NOT NULL DEFAULT 1,
    inactive_reason   TEXT,                       -- 'unsubscribed', 'blocked', 'chat_gone'
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (chat_id, region_prefix, chains)
);
CREATE INDEX subscriptions_active_time ON subscriptions (active, at_time);

-- One row per subscription and digest day (the local date it is sent on). status:
-- 'sending' (claimed, nothing sent yet), 'message_sent' (the text went, the ledger not yet),
-- 'sent', or 'skipped' (empty or non-working day, by the subscription's choice).
CREATE TABLE digest_deliveries (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    digest_date      TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('sending', 'message_sent', 'sent', 'skipped')),
    claimed_at       TEXT NOT NULL,
    message_id       INTEGER,
    sent_at          TEXT,
    UNIQUE (subscription_id, digest_date)
);

-- The digest reads the period's events (report_events_at exists) and the open items.
CREATE INDEX reports_created_at ON reports (created_at);
CREATE INDEX reports_state_due ON reports (state, due_at);
