-- Imports apply in short batches and stay all or nothing (docs/domain.md, "Imports: all or
-- nothing with short locks"). An import is 'applying' while its batches are written, by the
-- process named in claimed_by (host:pid:start), then 'applied'; one that failed, or that a crash
-- left 'applying', is undone from its undo log and ends 'rolled_back'. Imports logged before this
-- migration were applied in one transaction.
ALTER TABLE enterprise_imports ADD COLUMN status TEXT NOT NULL DEFAULT 'applied'
    CHECK (status IN ('applying', 'applied', 'rolled_back'));
ALTER TABLE enterprise_imports ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';

-- What each batch overwrote, written in the batch's own transaction; kept until the import is
-- applied (then purged) or undone (newest first). kind / key / before:
--   created  first id of a batch of new enterprises / {"last": last id}
--   updated  enterprise id / the enterprise's columns before (updated_at included)
--   links    supplier id / [[leading id, relation], ...] before
--   grant    user id / [region prefix, chain] of an officer grant the import added
--   contact  user id / [enterprise id, bound_by, bound_at] before, or NULL (was no contact)
CREATE TABLE enterprise_import_undo (
    id         INTEGER PRIMARY KEY,
    import_id  INTEGER NOT NULL REFERENCES enterprise_imports (id),
    kind       TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'links', 'grant', 'contact')),
    key        INTEGER NOT NULL,
    before     TEXT
);
CREATE INDEX enterprise_import_undo_import ON enterprise_import_undo (import_id, id);
CREATE INDEX enterprise_imports_applying ON enterprise_imports (status) WHERE status = 'applying';
