"""Digest subscriptions (`subscriptions`): one row per chat and scope, with its time and options.

Rows come back as they are stored; the service reads them into `Subscription`.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from liaisonbot.clock import to_db
from liaisonbot.store.rows import Repository


class SubscriptionRepository(Repository):
    async def upsert(
        self,
        *,
        chat_id: int,
        owner_id: int,
        region_prefix: str,
        chains: str,
        at_time: str,
        skip_empty: bool,
        skip_non_working: bool,
        now: datetime,
    ) -> aiosqlite.Row:
        """Subscribe the chat to the scope (`chains` as stored, JSON); the same chat and scope
        again updates the time and options and reactivates it. The row as it is now."""
        await self.conn.execute(
            "INSERT INTO subscriptions (chat_id, owner_id, region_prefix, chains, at_time,"
            " skip_empty, skip_non_working, active, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
            " ON CONFLICT (chat_id, region_prefix, chains) DO UPDATE SET"
            " owner_id = excluded.owner_id, at_time = excluded.at_time,"
            " skip_empty = excluded.skip_empty, skip_non_working = excluded.skip_non_working,"
            " active = 1, inactive_reason = NULL, updated_at = excluded.updated_at",
            (
                chat_id,
                owner_id,
                region_prefix,
                chains,
                at_time,
                int(skip_empty),
                int(skip_non_working),
                to_db(now),
                to_db(now),
            ),
        )
        rows = await self._all(
            "SELECT * FROM subscriptions WHERE chat_id = ? AND region_prefix = ? AND chains = ?",
            (chat_id, region_prefix, chains),
        )
        return rows[0]

    async def unsubscribe(
        self, chat_id: int, now: datetime, subscription_id: int | None = None
    ) -> int:
        """Stop the chat's active subscriptions (one, or all); the number stopped."""
        sql = (
            "UPDATE subscriptions SET active = 0, inactive_reason = 'unsubscribed', updated_at = ?"
            " WHERE chat_id = ? AND active = 1"
        )
        params: list[object] = [to_db(now), chat_id]
        if subscription_id is not None:
            sql += " AND id = ?"
            params.append(subscription_id)
        return await self._count(sql, params)

    async def deactivate(self, subscription_id: int, reason: str, now: datetime) -> None:
        await self._count(
            "UPDATE subscriptions SET active = 0, inactive_reason = ?, updated_at = ? WHERE id = ?",
            (reason, to_db(now), subscription_id),
        )

    async def move_chat(self, old_chat_id: int, new_chat_id: int, now: datetime) -> None:
        await self._count(
            "UPDATE OR IGNORE subscriptions SET chat_id = ?, updated_at = ? WHERE chat_id = ?",
            (new_chat_id, to_db(now), old_chat_id),
        )

    async def for_chat(self, chat_id: int, *, active_only: bool = True) -> list[aiosqlite.Row]:
        return await self._all(
            "SELECT * FROM subscriptions WHERE chat_id = ?"
            + (" AND active = 1" if active_only else "")
            + " ORDER BY id",
            (chat_id,),
        )

    async def get(self, subscription_id: int) -> aiosqlite.Row | None:
        return await self._one("SELECT * FROM subscriptions WHERE id = ?", (subscription_id,))

    async def active(self, at_time: str | None = None) -> list[aiosqlite.Row]:
        if at_time is None:
            return await self._all("SELECT * FROM subscriptions WHERE active = 1 ORDER BY id")
        return await self._all(
            "SELECT * FROM subscriptions WHERE active = 1 AND at_time = ? ORDER BY id",
            (at_time,),
        )

    async def active_times(self) -> list[str]:
        rows = await self._all(
            "SELECT DISTINCT at_time FROM subscriptions WHERE active = 1 ORDER BY at_time"
        )
        return [r["at_time"] for r in rows]
