-- Search across reports (/find) and the digest's chart (docs/domain.md, "Search and charts").
--
-- search_docs holds each report's searchable text as written: `public_text` (title,
-- description, ask, enterprise name, the notes the enterprise sees) and `staff_text` (internal
-- notes). search_words holds the same text cut into words by jieba (a space between words), in an
-- FTS5 table whose rowid is the report id: unicode61 alone would treat an unbroken run of Chinese
-- as one token. Short queries (one or two characters) also use LIKE on search_docs.
--
-- Triggers mark a report stale in search_pending whenever its row, its events or its enterprise's
-- name change; liaisonbot/search/index.py re-cuts the stale reports (jieba runs in Python, so it
-- cannot run in a trigger) before each search and at start. Every report is stale at first.
CREATE TABLE search_docs (
    report_id    INTEGER PRIMARY KEY REFERENCES reports (id),
    public_text  TEXT NOT NULL DEFAULT '',
    staff_text   TEXT NOT NULL DEFAULT ''
);

CREATE VIRTUAL TABLE search_words USING fts5 (
    public_words, staff_words, tokenize = 'unicode61 remove_diacritics 2'
);

-- One row per change (not per report): the indexer removes only the rows it has read, so a change
-- made while it cuts words stays pending for the next round.
CREATE TABLE search_pending (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL
);

INSERT INTO search_pending (report_id) SELECT id FROM reports;

CREATE TRIGGER search_report_added AFTER INSERT ON reports BEGIN
    INSERT INTO search_pending (report_id) VALUES (new.id);
END;

CREATE TRIGGER search_report_changed AFTER UPDATE OF title, description, ask, enterprise_id
    ON reports BEGIN
    INSERT INTO search_pending (report_id) VALUES (new.id);
END;

CREATE TRIGGER search_event_added AFTER INSERT ON report_events WHEN new.note != '' BEGIN
    INSERT INTO search_pending (report_id) VALUES (new.report_id);
END;

CREATE TRIGGER search_enterprise_renamed AFTER UPDATE OF name ON enterprises
    WHEN new.name != old.name BEGIN
    INSERT INTO search_pending (report_id)
        SELECT id FROM reports WHERE enterprise_id = new.id;
END;

-- A search's words, so that its 下一页 buttons (callback data ≤ 64 bytes) can name it by number;
-- only the person who searched may turn its pages, and each page is searched again in their scope.
CREATE TABLE saved_searches (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    query       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Newest first within the caller's scope.
CREATE INDEX IF NOT EXISTS reports_created_at ON reports (created_at);

-- The digest's picture goes after the text and before the ledger; chart_sent_at records that it
-- went, so a rerun after a crash sends neither the text nor the picture a second time.
ALTER TABLE digest_deliveries ADD COLUMN chart_sent_at TEXT;
