-- Resumption check-ins (监测会商): schedules, the rounds each enterprise was asked in, answers as
-- versions, the check-in conversation's state, and the notices sent once per round.

-- When rounds go out, per region prefix and chain ('' = all); the most specific one applies.
CREATE TABLE checkin_schedules (
    region_prefix  TEXT NOT NULL DEFAULT '',
    chain          TEXT NOT NULL DEFAULT '',
    frequency      TEXT NOT NULL CHECK (frequency IN ('WORKDAYS', 'DAILY', 'WEEKLY', 'OFF')),
    weekday        INTEGER CHECK (weekday BETWEEN 0 AND 6),   -- 0 = Monday, for WEEKLY
    send_time      TEXT NOT NULL DEFAULT '16:00',             -- HH:MM in LIAISONBOT_TZ
    window_hours   REAL,                                      -- NULL: until 12:00 next working day
    updated_by     INTEGER,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (region_prefix, chain)
);

-- One row per enterprise and round (round_date: the local day it opened), claimed before the
-- question is sent: the key makes each enterprise asked once per round, across restarts.
CREATE TABLE checkin_asks (
    round_date     TEXT NOT NULL,
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    opens_at       TEXT NOT NULL,
    closes_at      TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'sent', 'unreachable')),
    claimed_at     TEXT NOT NULL,
    sent_at        TEXT,
    chat_id        INTEGER,
    message_id     INTEGER,
    reminded_at    TEXT,
    PRIMARY KEY (round_date, enterprise_id)
);
CREATE INDEX checkin_asks_enterprise ON checkin_asks (enterprise_id, round_date);

-- Every answer is kept: a correction is a new version of the same round.
CREATE TABLE checkin_answers (
    id             INTEGER PRIMARY KEY,
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    round_date     TEXT NOT NULL,
    version        INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('NOT_RESUMED', 'PARTIAL', 'FULL', 'CLOSED')),
    registered     INTEGER,          -- 在册职工
    on_duty        INTEGER,          -- 今日在岗
    capacity       REAL,             -- 产能利用率, percent
    expected_date  TEXT,             -- expected full resumption (YYYY-MM-DD)
    bottleneck     TEXT,             -- a report category code
    recorded_by    INTEGER,          -- Telegram user id; NULL: the command line
    on_behalf      INTEGER NOT NULL DEFAULT 0,   -- recorded by an officer for the enterprise
    confirmed      TEXT NOT NULL DEFAULT '',     -- concerns the person confirmed, comma-separated
    source_key     TEXT UNIQUE,      -- one Telegram action records one version
    answered_at    TEXT NOT NULL,
    UNIQUE (enterprise_id, round_date, version)
);
CREATE INDEX checkin_answers_round ON checkin_answers (round_date, enterprise_id, version);
CREATE INDEX checkin_answers_enterprise ON checkin_answers (enterprise_id, round_date, version);
CREATE INDEX checkin_answers_closed ON checkin_answers (enterprise_id, round_date) WHERE status = 'CLOSED';

-- The check-in conversation of one contact, written at every step so a restart loses nothing.
CREATE TABLE checkin_sessions (
    user_id        INTEGER PRIMARY KEY,
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    round_date     TEXT NOT NULL,
    step           TEXT NOT NULL,
    data           TEXT NOT NULL DEFAULT '{}',
    updated_at     TEXT NOT NULL
);

-- Notices sent once per round: the reminder sweep and the officers' missing lists at close.
CREATE TABLE checkin_notices (
    round_date     TEXT NOT NULL,
    kind           TEXT NOT NULL,    -- 'missing'
    target_id      INTEGER NOT NULL, -- the officer (or group) told
    sent_at        TEXT NOT NULL,
    PRIMARY KEY (round_date, kind, target_id)
);
