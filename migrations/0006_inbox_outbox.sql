-- Nothing lost on a crash.
--
-- inbox: every update fetched from Telegram, written (one transaction per getUpdates batch)
-- before the next getUpdates can confirm it; handled_at is set when its handler has finished.
-- At start, what is not handled is handled first. It replaces processed_updates (the skip of an
-- update id handled before now reads handled_at).
CREATE TABLE inbox (
    update_id    INTEGER PRIMARY KEY,
    payload      TEXT,                    -- the update as Telegram sent it (JSON); NULL when
                                          -- only the handling was recorded
    received_at  TEXT NOT NULL,
    handled_at   TEXT
);
CREATE INDEX inbox_unhandled ON inbox (update_id) WHERE handled_at IS NULL;
CREATE INDEX inbox_handled_at ON inbox (handled_at) WHERE handled_at IS NOT NULL;

INSERT INTO inbox (update_id, payload, received_at, handled_at)
    SELECT update_id, NULL, processed_at, processed_at FROM processed_updates;
DROP TABLE processed_updates;

-- outbox: what the bot owes people, written in the same transaction as the change that owes it,
-- and sent (at least once) by a job while the bot runs: with backoff on 429 and 5xx, and a final
-- state after too many failures that the admin can see (`liaisonbot outbox`).
--   kind: 'ack' (the reporter's acknowledgement), 'card' (the liaison group's card)
--   state: 'pending' → 'sent' | 'summarised' (listed in a group's summary instead of a card)
--          | 'failed' (gave up after too many attempts) | 'dropped' (nothing to send any more)
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('ack', 'card')),
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
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending';

-- What a stop left owed before this migration.
INSERT INTO outbox (kind, report_id, created_at, next_attempt_at)
    SELECT 'ack', id, created_at, created_at FROM reports
    WHERE acked_at IS NULL AND origin_chat_id IS NOT NULL;
INSERT INTO outbox (kind, report_id, created_at, next_attempt_at)
    SELECT 'card', id, created_at, created_at FROM reports
    WHERE group_chat_id IS NOT NULL AND card_message_id IS NULL;
