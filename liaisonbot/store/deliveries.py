"""The digest delivery log (`digest_deliveries`, unique on subscription and digest day).

A claim (`sending`) is written before anything is sent, `message_sent` when the text went,
`chart_sent_at` when the picture went, `sent` / `skipped` when done; the uniqueness makes each
day's digest go out once.
"""

from __future__ import annotations

from datetime import date, datetime

from liaisonbot.clock import to_db
from liaisonbot.store.rows import Repository


class DeliveryRepository(Repository):
    async def claim(
        self, subscription_id: int, day: date, now: datetime, stale_before: datetime, holder: str
    ) -> str | None:
        """Claim the day's delivery: 'sending', 'message_sent' (a claim older than
        `stale_before` taken over), or None (done, or another process holds a fresh claim)."""
        rows = await self._all(
            "INSERT INTO digest_deliveries"
            " (subscription_id, digest_date, status, claimed_at, claimed_by)"
            " VALUES (?, ?, 'sending', ?, ?)"
            " ON CONFLICT (subscription_id, digest_date) DO UPDATE"
            " SET claimed_at = excluded.claimed_at, claimed_by = excluded.claimed_by"
            " WHERE status IN ('sending', 'message_sent') AND claimed_at < ?"
            " RETURNING status",
            (subscription_id, day.isoformat(), to_db(now), holder, to_db(stale_before)),
        )
        return rows[0]["status"] if rows else None

    async def status(self, subscription_id: int, day: date) -> str | None:
        row = await self._one(
            "SELECT status FROM digest_deliveries WHERE subscription_id = ? AND digest_date = ?",
            (subscription_id, day.isoformat()),
        )
        return row["status"] if row else None

    async def claim_holders(self, day: date) -> list[str]:
        """Who holds unfinished claims of the day."""
        rows = await self._all(
            "SELECT DISTINCT claimed_by FROM digest_deliveries WHERE digest_date = ?"
            " AND status IN ('sending', 'message_sent') AND claimed_at != ''",
            (day.isoformat(),),
        )
        return [row["claimed_by"] for row in rows]

    async def expire_claims_of(self, holder: str) -> int:
        """The holder is gone: its claims may be taken over at once."""
        return await self._count(
            "UPDATE digest_deliveries SET claimed_at = '' WHERE claimed_by = ?"
            " AND status IN ('sending', 'message_sent')",
            (holder,),
        )

    async def mark_message_sent(
        self, subscription_id: int, day: date, message_id: int, now: datetime
    ) -> None:
        await self._count(
            "UPDATE digest_deliveries SET status = 'message_sent', message_id = ?, claimed_at = ?"
            " WHERE subscription_id = ? AND digest_date = ?",
            (message_id, to_db(now), subscription_id, day.isoformat()),
        )

    async def mark_chart_sent(self, subscription_id: int, day: date, now: datetime) -> None:
        await self._count(
            "UPDATE digest_deliveries SET chart_sent_at = ?"
            " WHERE subscription_id = ? AND digest_date = ?",
            (to_db(now), subscription_id, day.isoformat()),
        )

    async def chart_sent(self, subscription_id: int, day: date) -> bool:
        row = await self._one(
            "SELECT chart_sent_at FROM digest_deliveries"
            " WHERE subscription_id = ? AND digest_date = ?",
            (subscription_id, day.isoformat()),
        )
        return bool(row and row["chart_sent_at"])

    async def mark_done(self, subscription_id: int, day: date, now: datetime, status: str) -> None:
        await self._count(
            "UPDATE digest_deliveries SET status = ?, sent_at = ?"
            " WHERE subscription_id = ? AND digest_date = ?",
            (status, to_db(now), subscription_id, day.isoformat()),
        )

    async def release(self, subscription_id: int, day: date) -> None:
        await self._count(
            "DELETE FROM digest_deliveries WHERE subscription_id = ? AND digest_date = ?"
            " AND status = 'sending'",
            (subscription_id, day.isoformat()),
        )

    async def release_part(self, subscription_id: int, day: date) -> None:
        await self._count(
            "UPDATE digest_deliveries SET claimed_at = '' WHERE subscription_id = ?"
            " AND digest_date = ? AND status = 'message_sent'",
            (subscription_id, day.isoformat()),
        )

    async def delivered(self, day: date) -> dict[int, str]:
        rows = await self._all(
            "SELECT subscription_id, status FROM digest_deliveries WHERE digest_date = ?",
            (day.isoformat(),),
        )
        return {r["subscription_id"]: r["status"] for r in rows}
