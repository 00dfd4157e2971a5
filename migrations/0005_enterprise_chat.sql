-- Enterprise lists in the chat and the industry chain: an enterprise list an admin sent to the bot,
-- kept until they confirm or cancel it (a restart loses nothing), and the enterprise a report is
-- held up by (e.g. a supplier that has not resumed).

-- status: 'pending' (checked, buttons shown), 'applying' (a press claimed it), 'applied',
-- 'cancelled', 'superseded' (the same admin sent another list), 'failed' (the list no longer
-- passed when applied). can_apply: no errors, the whole list may be applied; can_apply_valid:
-- errors, but some rows are valid and may be applied alone.
CREATE TABLE list_uploads (
    token            TEXT PRIMARY KEY,
    user_id          INTEGER NOT NULL,
    chat_id          INTEGER NOT NULL,
    message_id       INTEGER,                 -- the report with the buttons
    file_name        TEXT NOT NULL,
    content          BLOB NOT NULL,
    can_apply        INTEGER NOT NULL DEFAULT 0,
    can_apply_valid  INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'applying', 'applied', 'cancelled', 'superseded', 'failed')),
    import_id        INTEGER REFERENCES enterprise_imports (id),
    created_at       TEXT NOT NULL,
    decided_at       TEXT
);
CREATE INDEX list_uploads_user ON list_uploads (user_id, status);

ALTER TABLE reports ADD COLUMN blocked_by_enterprise_id INTEGER REFERENCES enterprises (id);
CREATE INDEX reports_blocked_by ON reports (blocked_by_enterprise_id) WHERE blocked_by_enterprise_id IS NOT NULL;
