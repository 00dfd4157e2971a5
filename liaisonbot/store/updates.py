"""The log of handled update ids, so that an update delivered twice is handled once."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..clock import to_db
from .rows import Repository

KEEP_FOR = timedelta(days=7)


class UpdateLog(Repository):
    async def seen(self, update_id: int) -> bool:
        row = await self._one("SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,))
        return row is not None

    async def mark(self, update_id: int, now: datetime) -> None:
        await self._run(
            "INSERT OR IGNORE INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
            (update_id, to_db(now)),
        )

    async def prune(self, now: datetime) -> None:
        await self._run(
            "DELETE FROM processed_updates WHERE processed_at < ?", (to_db(now - KEEP_FOR),)
        )
