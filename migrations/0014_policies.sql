-- Support policies (援企稳企惠企政策), docs/domain.md "Support policies".
-- A policy is its stable key; every import that changes it adds a version. Offers, matches and
-- ticks at resolution point at the version they were about, so a later change rewrites nothing.
CREATE TABLE policies (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,          -- the file's 编号 column: names the policy across imports
    current_id  INTEGER,                       -- its newest version (policy_versions.id)
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE policy_versions (
    id           INTEGER PRIMARY KEY,
    policy_id    INTEGER NOT NULL REFERENCES policies (id),
    version      INTEGER NOT NULL,
    title        TEXT NOT NULL,
    issuer       TEXT NOT NULL DEFAULT '',     -- 发文机关
    doc_number   TEXT NOT NULL DEFAULT '',     -- 文号
    level        TEXT NOT NULL DEFAULT 'NATIONAL'
                 CHECK (level IN ('NATIONAL', 'PROVINCE', 'CITY', 'COUNTY')),
    region_code  TEXT NOT NULL DEFAULT '',     -- the issuing region (GB/T 2260), '' for national
    issued_on    TEXT,                         -- dates are local days, YYYY-MM-DD
    valid_from   TEXT,
    valid_to     TEXT,
    apply_from   TEXT,                         -- the application window
    apply_to     TEXT,
    benefit      TEXT NOT NULL DEFAULT 'OTHER'
                 CHECK (benefit IN ('RELIEF', 'SUBSIDY', 'INTEREST', 'JOBS', 'DEFERRAL', 'FINANCE', 'OTHER')),
    categories   TEXT NOT NULL DEFAULT '',     -- report category codes, comma-separated
    criteria     TEXT NOT NULL DEFAULT '{}',   -- JSON: region_prefix, chains, tiers, specialized, sizes
    checklist    TEXT NOT NULL DEFAULT '',     -- 条件 the bot cannot check, one per line
    link         TEXT NOT NULL DEFAULT '',
    automatic    INTEGER NOT NULL DEFAULT 0,   -- 免申即享
    fingerprint  TEXT NOT NULL,                -- hash of the content: an unchanged import adds nothing
    created_at   TEXT NOT NULL,
    UNIQUE (policy_id, version)
);

-- Policies that fitted a report when it was filed.
CREATE TABLE policy_matches (
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    version_id  INTEGER NOT NULL REFERENCES policy_versions (id),
    PRIMARY KEY (report_id, version_id)
);

-- A policy version offered to an enterprise: at most once (the unique key is the claim).
-- sent_at is set when the message went; claimed_by/claimed_at while a process sends it.
-- The funnel: pushed (sent) → read_at → interested_at → applied_at → granted_at.
CREATE TABLE policy_offers (
    id             INTEGER PRIMARY KEY,
    version_id     INTEGER NOT NULL REFERENCES policy_versions (id),
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises (id),
    report_id      INTEGER REFERENCES reports (id),
    wave_id        INTEGER REFERENCES policy_waves (id),
    offered_by     INTEGER,
    created_at     TEXT NOT NULL,
    claimed_by     TEXT NOT NULL DEFAULT '',
    claimed_at     TEXT,
    sent_at        TEXT,
    failed         TEXT NOT NULL DEFAULT '',   -- why it could not be sent (no contact reachable)
    read_at        TEXT,
    interested_at  TEXT,
    applied_at     TEXT,
    granted_at     TEXT,
    UNIQUE (version_id, enterprise_id)
);
CREATE INDEX policy_offers_unsent ON policy_offers (id) WHERE sent_at IS NULL AND failed = '';
CREATE INDEX policy_offers_enterprise ON policy_offers (enterprise_id);

-- A push of one version to the listed enterprises it fits, started by an officer.
CREATE TABLE policy_waves (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES policy_versions (id),
    started_by  INTEGER NOT NULL,
    scope       TEXT NOT NULL DEFAULT '',      -- the region prefix it covered
    started_at  TEXT NOT NULL,
    UNIQUE (version_id, scope)
);

-- Policies an officer ticked as applied when resolving a report.
CREATE TABLE policy_applied (
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    version_id  INTEGER NOT NULL REFERENCES policy_versions (id),
    actor_id    INTEGER,
    at          TEXT NOT NULL,
    PRIMARY KEY (report_id, version_id)
);

-- Switches an admin sets: 'auto_send' = '1' sends matched policies to the enterprise at filing.
CREATE TABLE policy_settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
