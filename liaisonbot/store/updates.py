"""The log of handled update ids, so that an update delivered twice is handled once.

It is written after every update, so each call is one statement on its own (autocommit, in turn
with the transactions) rather than a unit of work.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from liaisonbot.clock import to_db
from liaisonbot.store.database import Database

# Telegram keeps an unconfirmed update for 24 hours; a week of ids is plenty.
KEEP_FOR = timedelta(days=7)


class UpdateLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def highest(self) -> int:
        row = await self.db.fetch_one("SELECT COALESCE(MAX(update_id), 0) FROM processed_updates")
        return int(row[0]) if row else 0

    async def seen(self, update_id: int) -> bool:
        row = await self.db.fetch_one(
            "SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)
        )
        return row is not None

    async def mark(self, update_id: int, now: datetime) -> None:
        await self.db.write(
            "INSERT OR IGNORE INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
            (update_id, to_db(now)),
        )

    async def forget_old(self, now: datetime) -> int:
        return await self.db.write(
            "DELETE FROM processed_updates WHERE processed_at < ?", (to_db(now - KEEP_FOR),)
        )
