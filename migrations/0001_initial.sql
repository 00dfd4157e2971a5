-- LiaisonBot initial schema. Times are UTC ISO-8601 strings; ids of people and chats are Telegram ids.

CREATE TABLE users (
    user_id     INTEGER PRIMARY KEY,
    username    TEXT NOT NULL DEFAULT '',
    full_name   TEXT NOT NULL DEFAULT '',
    language    TEXT,                        -- NULL: the bot's default language
    blocked_at  TEXT,                        -- the user blocked the bot
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE enterprises (
    id                  INTEGER PRIMARY KEY,
    credit_code         TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    region_code         TEXT NOT NULL,
    chain               TEXT NOT NULL DEFAULT '',
    tier                TEXT NOT NULL DEFAULT 'OTHER' CHECK (tier IN ('LEADING', 'CORE_SUPPLIER', 'OTHER')),
    specialized         INTEGER NOT NULL DEFAULT 0,
    size                TEXT NOT NULL DEFAULT '',
    liaison_officer_id  INTEGER,
    resumption_status   TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX enterprises_region ON enterprises (region_code);
CREATE INDEX enterprises_name ON enterprises (name);

-- Supplier → leading enterprise (many-to-many); relation is 上游 UPSTREAM or 下游 DOWNSTREAM.
CREATE TABLE enterprise_links (
    supplier_id  INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    leading_id   INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    relation     TEXT NOT NULL DEFAULT 'UPSTREAM' CHECK (relation IN ('UPSTREAM', 'DOWNSTREAM')),
    PRIMARY KEY (supplier_id, leading_id)
);
CREATE INDEX enterprise_links_leading ON enterprise_links (leading_id);

-- An enterprise contact is bound to exactly one enterprise.
CREATE TABLE contacts (
    user_id        INTEGER PRIMARY KEY,
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    bound_by       INTEGER,
    bound_at       TEXT NOT NULL
);
CREATE INDEX contacts_enterprise ON contacts (enterprise_id);

CREATE TABLE roles (
    user_id        INTEGER NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('officer', 'official', 'admin')),
    region_prefix  TEXT NOT NULL DEFAULT '',
    chain          TEXT NOT NULL DEFAULT '',
    granted_by     INTEGER,
    granted_at     TEXT NOT NULL,
    PRIMARY KEY (user_id, role, region_prefix, chain)
);

CREATE TABLE liaison_groups (
    chat_id        INTEGER PRIMARY KEY,
    title          TEXT NOT NULL DEFAULT '',
    region_prefix  TEXT NOT NULL DEFAULT '',
    chain          TEXT NOT NULL DEFAULT '',
    is_escalation  INTEGER NOT NULL DEFAULT 0,
    active         INTEGER NOT NULL DEFAULT 1,
    bound_by       INTEGER,
    bound_at       TEXT NOT NULL
);

-- Single-use, expiring invite tokens carried in a t.me deep link.
CREATE TABLE invites (
    token          TEXT PRIMARY KEY,
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    created_by     INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    used_by        INTEGER,
    used_at        TEXT
);

CREATE TABLE reports (
    id                 INTEGER PRIMARY KEY,
    enterprise_id      INTEGER NOT NULL REFERENCES enterprises (id),
    reporter_id        INTEGER,
    channel            TEXT NOT NULL DEFAULT 'CHAT',
    category           TEXT NOT NULL,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    ask                TEXT NOT NULL DEFAULT '',
    impact             TEXT NOT NULL DEFAULT '',
    urgency            TEXT NOT NULL DEFAULT 'NORMAL',
    scope              TEXT NOT NULL DEFAULT 'LOCAL',
    mode               TEXT NOT NULL DEFAULT 'SINGLE_ITEM',
    state              TEXT NOT NULL DEFAULT 'submitted',
    assignee_id        INTEGER,
    due_at             TEXT,
    -- where the report came from and where its card lives
    source_key         TEXT NOT NULL UNIQUE,  -- idempotency key: one Telegram action files one report
    origin_chat_id     INTEGER,
    origin_message_id  INTEGER,
    group_chat_id      INTEGER,
    card_message_id    INTEGER,
    acked_at           TEXT,                  -- the reporter's acknowledgement was sent
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX reports_enterprise ON reports (enterprise_id, id);
CREATE INDEX reports_state ON reports (state);
CREATE INDEX reports_pending_delivery ON reports (id) WHERE acked_at IS NULL OR (group_chat_id IS NOT NULL AND card_message_id IS NULL);

-- Append-only: every step of a report, the first one included.
CREATE TABLE report_events (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    actor_id    INTEGER,
    at          TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX report_events_report ON report_events (report_id, id);
CREATE INDEX report_events_at ON report_events (at);

CREATE TABLE attachments (
    id              INTEGER PRIMARY KEY,
    report_id       INTEGER NOT NULL REFERENCES reports (id),
    kind            TEXT NOT NULL CHECK (kind IN ('photo', 'document')),
    file_id         TEXT NOT NULL,
    file_unique_id  TEXT NOT NULL DEFAULT '',
    file_name       TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX attachments_report ON attachments (report_id);

-- The guided dialog's state, one per user, written at every step so a restart loses nothing.
CREATE TABLE drafts (
    user_id         INTEGER PRIMARY KEY,
    token           TEXT NOT NULL,           -- names this draft in its buttons and its report's source_key
    step            TEXT NOT NULL,
    editing         INTEGER NOT NULL DEFAULT 0,
    data            TEXT NOT NULL DEFAULT '{}',
    origin_chat_id  INTEGER,
    updated_at      TEXT NOT NULL
);

-- Updates already handled; Telegram may deliver one twice after a restart.
CREATE TABLE processed_updates (
    update_id     INTEGER PRIMARY KEY,
    processed_at  TEXT NOT NULL
);
