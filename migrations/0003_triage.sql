-- Triage and resolution: what officers decide about a report, prompts awaiting a typed answer,
-- linked reports, escalation acknowledgements and the log of reminders sent.

ALTER TABLE reports ADD COLUMN accepted_at TEXT;
ALTER TABLE reports ADD COLUMN resolved_at TEXT;
ALTER TABLE reports ADD COLUMN closed_at TEXT;
ALTER TABLE reports ADD COLUMN outcome TEXT;                  -- SOLVED / PARTLY / CANNOT
ALTER TABLE reports ADD COLUMN outcome_text TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN policies TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN satisfaction TEXT;             -- SATISFIED / BASIC / UNSATISFIED / TIMEOUT
ALTER TABLE reports ADD COLUMN merged_into INTEGER REFERENCES reports (id);
ALTER TABLE reports ADD COLUMN extension_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN escalation_chat_id INTEGER;
ALTER TABLE reports ADD COLUMN escalation_message_id INTEGER;
CREATE INDEX reports_group_card ON reports (group_chat_id, card_message_id);
CREATE INDEX reports_escalation_card ON reports (escalation_chat_id, escalation_message_id);

-- A question the bot asked with ForceReply; the reply to that message carries the answer.
CREATE TABLE triage_prompts (
    chat_id         INTEGER NOT NULL,
    message_id      INTEGER NOT NULL,
    report_id       INTEGER NOT NULL REFERENCES reports (id),
    user_id         INTEGER NOT NULL,            -- only this person's reply counts
    action          TEXT NOT NULL,
    expected_state  TEXT NOT NULL,
    argument        TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    used_at         TEXT,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX triage_prompts_report ON triage_prompts (report_id);

-- Several enterprises with the same problem; stored once per pair, lower id first.
CREATE TABLE report_links (
    report_id  INTEGER NOT NULL REFERENCES reports (id),
    other_id   INTEGER NOT NULL REFERENCES reports (id),
    linked_by  INTEGER,
    linked_at  TEXT NOT NULL,
    PRIMARY KEY (report_id, other_id),
    CHECK (report_id < other_id)
);
CREATE INDEX report_links_other ON report_links (other_id);

-- Who in the escalation group has seen an escalated report.
CREATE TABLE escalation_acks (
    report_id  INTEGER NOT NULL REFERENCES reports (id),
    user_id    INTEGER NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (report_id, user_id)
);

-- Each reminder once: kind is due_soon (临期), overdue (超期) or supervise (督办); key is the
-- due date it was computed from, so an extension arms the reminders again.
CREATE TABLE reminders_sent (
    report_id  INTEGER NOT NULL REFERENCES reports (id),
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    PRIMARY KEY (report_id, kind, key)
);
