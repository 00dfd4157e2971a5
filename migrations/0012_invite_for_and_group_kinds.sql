-- Issue 11: invites for one person, recorded moves of a contact between enterprises, and
-- staff groups (officers only: cards, internal notes) versus open groups (enterprise contacts).

ALTER TABLE invites ADD COLUMN for_user INTEGER;  -- NULL: anyone may use it

CREATE TABLE contact_moves (
    id                  INTEGER PRIMARY KEY,
    user_id             INTEGER NOT NULL,
    from_enterprise_id  INTEGER REFERENCES enterprises (id) ON DELETE SET NULL,
    to_enterprise_id    INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    invite_token        TEXT,
    moved_at            TEXT NOT NULL
);
CREATE INDEX contact_moves_user ON contact_moves (user_id, moved_at);

-- Existing groups are staff groups.
ALTER TABLE liaison_groups ADD COLUMN kind TEXT NOT NULL DEFAULT 'staff'
    CHECK (kind IN ('staff', 'open'));
-- A known enterprise contact was seen in this staff group: internal notes are held back until an
-- admin confirms (NULL: not held).
ALTER TABLE liaison_groups ADD COLUMN notes_held_since TEXT;
ALTER TABLE liaison_groups ADD COLUMN notes_held_for INTEGER;
