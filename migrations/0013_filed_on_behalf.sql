-- Reports an officer files on an enterprise's behalf (what was heard on a call or a visit): the
-- enterprise's contacts are owed a notice, kept in the outbox like the acknowledgement and the
-- card. SQLite cannot change a CHECK constraint, so the outbox is rebuilt with the new kind.
--   kind: 'ack' | 'card' | 'notice' (the contacts of an enterprise a report was filed for)
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('ack', 'card', 'notice')),
    report_id        INTEGER NOT NULL REFERENCES reports (id),
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'sent', 'summarised', 'failed', 'dropped')),
    created_at       TEXT NOT NULL,
    next_attempt_at  TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    done_at          TEXT,
    UNIQUE (kind, report_id)
);
INSERT INTO outbox_new SELECT id, kind, report_id, state, created_at, next_attempt_at, attempts,
    last_error, done_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending';

-- The officer who filed the report for the enterprise (NULL: the enterprise filed it itself).
ALTER TABLE reports ADD COLUMN filed_by INTEGER;
