-- The escalation ladder (属地解决、逐级上报) and cross-region / cross-department coordination.

-- The level a report is held at: 0 the liaison group, n the n-th task force of its path.
ALTER TABLE reports ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN level_since TEXT;             -- when it reached that level
ALTER TABLE reports ADD COLUMN other_region TEXT NOT NULL DEFAULT '';   -- 跨地区: the other region
ALTER TABLE reports ADD COLUMN lead_unit TEXT NOT NULL DEFAULT '';      -- 牵头单位
ALTER TABLE reports ADD COLUMN partner_units TEXT NOT NULL DEFAULT '';  -- 配合单位

-- The task forces a report went up to, one row per level reached; the card is posted after the
-- row is committed (message_id NULL until then).
CREATE TABLE report_levels (
    report_id      INTEGER NOT NULL REFERENCES reports (id),
    level          INTEGER NOT NULL CHECK (level >= 1),
    chat_id        INTEGER NOT NULL,
    region_prefix  TEXT NOT NULL DEFAULT '',
    message_id     INTEGER,
    reached_at     TEXT NOT NULL,
    PRIMARY KEY (report_id, level)
);
CREATE INDEX report_levels_card ON report_levels (chat_id, message_id);

-- 协办: the liaison group of the other region is asked to help.
CREATE TABLE assist_requests (
    report_id     INTEGER NOT NULL REFERENCES reports (id),
    region_code   TEXT NOT NULL,
    chat_id       INTEGER,                 -- NULL: no liaison group covers that region
    message_id    INTEGER,
    state         TEXT NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'accepted', 'done')),
    accepted_by   INTEGER,
    requested_at  TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (report_id, region_code)
);
CREATE INDEX assist_requests_card ON assist_requests (chat_id, message_id);
