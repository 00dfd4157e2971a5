-- Who holds a digest delivery's claim (host:pid:start), so that a rerun right after a crash
-- takes over the claims of a process that no longer runs instead of waiting for them to age.
ALTER TABLE digest_deliveries ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
