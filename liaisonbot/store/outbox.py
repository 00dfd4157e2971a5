"""The outbox: messages the bot owes people, owed in the same transaction as the change.

A row is written with the change that owes it (a new report owes its reporter an acknowledgement
and its liaison group a card) and ends in one final state: sent, summarised (listed in a group's
summary instead of a card of its own), failed (given up after too many attempts; the admin sees
it with `liaisonbot outbox`) or dropped (nothing to send any more, e.g. the reporter blocked the
bot). See migrations/0006_inbox_outbox.sql.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import aiosqlite

from liaisonbot.clock import from_db, to_db
from liaisonbot.store.rows import Repository


class Owed(StrEnum):
    ACK = "ack"
    CARD = "card"
    NOTICE = "notice"  # to the enterprise's contacts: an officer filed a report for it


class Final(StrEnum):
    SENT = "sent"
    SUMMARISED = "summarised"
    FAILED = "failed"
    DROPPED = "dropped"


@dataclass(frozen=True)
class OwedMessage:
    id: int
    kind: Owed
    report_id: int
    attempts: int
    group_chat_id: int | None  # for a card: the group it goes to
    created_at: datetime
    last_error: str | None = None


_SELECT = (
    "SELECT o.id, o.kind, o.report_id, o.attempts, o.created_at, o.last_error, r.group_chat_id"
    " FROM outbox o JOIN reports r ON r.id = o.report_id"
)


def _owed(row: aiosqlite.Row) -> OwedMessage:
    created = from_db(row["created_at"])
    assert created is not None
    return OwedMessage(
        id=row["id"],
        kind=Owed(row["kind"]),
        report_id=row["report_id"],
        attempts=row["attempts"],
        group_chat_id=row["group_chat_id"],
        created_at=created,
        last_error=row["last_error"],
    )


class OutboxRepository(Repository):
    async def owe(
        self, kind: Owed, report_id: int, now: datetime, due: datetime | None = None
    ) -> None:
        await self._run(
            "INSERT OR IGNORE INTO outbox (kind, report_id, created_at, next_attempt_at)"
            " VALUES (?, ?, ?, ?)",
            (kind.value, report_id, to_db(now), to_db(due or now)),
        )

    async def owe_again(self, kind: Owed, report_id: int, now: datetime) -> bool:
        """A summarised card asked for after all (its button in the summary was pressed)."""
        count = await self._count(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ?, attempts = 0,"
            " done_at = NULL WHERE kind = ? AND report_id = ? AND state = 'summarised'",
            (to_db(now), kind.value, report_id),
        )
        return count > 0

    async def due(self, now: datetime, limit: int = 200) -> list[OwedMessage]:
        rows = await self._all(
            f"{_SELECT} WHERE o.state = 'pending' AND o.next_attempt_at <= ? ORDER BY o.id LIMIT ?",
            (to_db(now), limit),
        )
        return [_owed(row) for row in rows]

    async def pending(self, kind: Owed, report_id: int) -> OwedMessage | None:
        row = await self._one(
            f"{_SELECT} WHERE o.kind = ? AND o.report_id = ? AND o.state = 'pending'",
            (kind.value, report_id),
        )
        return _owed(row) if row else None

    async def finish(self, owed_id: int, final: Final, now: datetime, error: str = "") -> None:
        await self._run(
            "UPDATE outbox SET state = ?, done_at = ?, last_error = COALESCE(NULLIF(?, ''),"
            " last_error) WHERE id = ? AND state = 'pending'",
            (final.value, to_db(now), error, owed_id),
        )

    async def postpone(self, owed_id: int, until: datetime, error: str) -> None:
        """One more failed attempt; the next one not before `until`."""
        await self._run(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
            " WHERE id = ? AND state = 'pending'",
            (to_db(until), error, owed_id),
        )

    async def group_posts_since(self, since: datetime) -> list[tuple[int, datetime]]:
        """Cards posted, and summaries (one message for all the cards it lists), since then.
        DISTINCT folds the rows of one summary (same group and time) into one post; a card's
        own id keeps each posted card apart."""
        rows = await self._all(
            "SELECT DISTINCT r.group_chat_id, o.done_at, o.state = 'sent' AND o.id AS one"
            " FROM outbox o JOIN reports r ON r.id = o.report_id"
            " WHERE o.kind = 'card' AND o.state IN ('sent', 'summarised') AND o.done_at >= ?"
            " AND r.group_chat_id IS NOT NULL",
            (to_db(since),),
        )
        posts = []
        for row in rows:
            at = from_db(row["done_at"])
            if at is not None:
                posts.append((int(row["group_chat_id"]), at))
        return posts

    async def unfinished(self) -> list[OwedMessage]:
        """What the admin should look at: failed, and pending with failed attempts."""
        rows = await self._all(
            f"{_SELECT} WHERE o.state = 'failed' OR (o.state = 'pending' AND o.attempts > 0)"
            " ORDER BY o.id"
        )
        return [_owed(row) for row in rows]

    async def counts(self) -> dict[str, int]:
        rows = await self._all("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")
        return {row["state"]: row["n"] for row in rows}
