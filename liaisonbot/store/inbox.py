"""The inbox: every update fetched from Telegram, kept before Telegram may forget it.

`getUpdates` confirms a batch when the next call asks for a higher offset, and the poller asks
again before the batch has been handled. So each batch is written here (one transaction) before
the fetch returns, and each update is marked handled when its handler has finished. At start,
what is kept and not handled is handled first; an update id already handled is skipped, so an
update Telegram delivers twice is handled once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from liaisonbot.clock import to_db
from liaisonbot.store.database import Database

# Handled rows are only needed to skip an update delivered twice; Telegram keeps an unconfirmed
# update for 24 hours, so a few days is plenty.
KEEP_HANDLED_FOR = timedelta(days=3)


class Inbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def keep(self, updates: Sequence[dict[str, Any]], now: datetime) -> None:
        """Store a fetched batch as Telegram sent it, all or nothing."""
        if not updates:
            return
        rows = [
            (int(u["update_id"]), json.dumps(u, ensure_ascii=False), to_db(now)) for u in updates
        ]
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                rows,
            )

    async def highest_handled(self) -> int:
        row = await self.db.fetch_one(
            "SELECT COALESCE(MAX(update_id), 0) FROM inbox WHERE handled_at IS NOT NULL"
        )
        return int(row[0]) if row else 0

    async def is_handled(self, update_id: int) -> bool:
        row = await self.db.fetch_one(
            "SELECT 1 FROM inbox WHERE update_id = ? AND handled_at IS NOT NULL", (update_id,)
        )
        return row is not None

    async def mark_handled(self, update_id: int, now: datetime) -> None:
        """Also for an update that did not come through the fetch (a test, a webhook)."""
        await self.db.write(
            "INSERT INTO inbox (update_id, received_at, handled_at) VALUES (?, ?, ?)"
            " ON CONFLICT (update_id) DO UPDATE SET handled_at = excluded.handled_at",
            (update_id, to_db(now), to_db(now)),
        )

    async def unhandled(self) -> list[dict[str, Any]]:
        """What a stop left fetched but not handled, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT payload FROM inbox WHERE handled_at IS NULL AND payload IS NOT NULL"
            " ORDER BY update_id"
        )
        return [json.loads(row[0]) for row in rows]

    async def prune(self, now: datetime) -> int:
        return await self.db.write(
            "DELETE FROM inbox WHERE handled_at IS NOT NULL AND handled_at < ?",
            (to_db(now - KEEP_HANDLED_FOR),),
        )
