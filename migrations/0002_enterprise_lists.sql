-- Enterprise lists (名单): each import, and what it changed, enterprise by enterprise.

CREATE TABLE enterprise_imports (
    id           INTEGER PRIMARY KEY,
    file_name    TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    imported_by  INTEGER,                    -- Telegram user id of the admin; NULL: command line
    imported_at  TEXT NOT NULL,
    rows_total   INTEGER NOT NULL DEFAULT 0,
    created      INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    invalid      INTEGER NOT NULL DEFAULT 0
);

-- field: 'created', a column of enterprises (name, region_code, chain, tier, specialized, size,
-- liaison_officer_id), 'leading' (the set of links, as 'CODE:RELATION;…') or 'contact'.
CREATE TABLE enterprise_changes (
    id             INTEGER PRIMARY KEY,
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    import_id      INTEGER REFERENCES enterprise_imports (id),
    field          TEXT NOT NULL,
    old            TEXT,
    new            TEXT,
    changed_at     TEXT NOT NULL
);
CREATE INDEX enterprise_changes_enterprise ON enterprise_changes (enterprise_id, id);
CREATE INDEX enterprise_changes_import ON enterprise_changes (import_id);

-- "Whose enterprises?" for the one-to-one liaison officer, and list filters by chain.
CREATE INDEX enterprises_liaison ON enterprises (liaison_officer_id);
CREATE INDEX enterprises_chain ON enterprises (chain);

-- Resolving '@username' from a list against the users the bot has seen.
CREATE INDEX users_username_nocase ON users (username COLLATE NOCASE);
