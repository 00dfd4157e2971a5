"""Check-in tables (migration 0008): schedules, asks (the exactly-once claim per enterprise and
round), answers as versions, the conversation's state, and notices sent once."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import aiosqlite

from liaisonbot.clock import from_db, to_db
from liaisonbot.domain.checkins import Answer, Frequency, ResumptionStatus, Schedule
from liaisonbot.domain.vocabulary import Category
from liaisonbot.store.rows import Repository

_STATUSES = {s.value: s for s in ResumptionStatus}
_CATEGORIES = {c.value: c for c in Category}


def answer_from_row(row: aiosqlite.Row) -> Answer:
    """Look-ups by dict rather than Enum(): a round's figures build 10^4–10^5 of these."""
    return Answer(
        status=_STATUSES[row["status"]],
        registered=row["registered"],
        on_duty=row["on_duty"],
        capacity=row["capacity"],
        expected=date.fromisoformat(row["expected_date"]) if row["expected_date"] else None,
        bottleneck=_CATEGORIES[row["bottleneck"]] if row["bottleneck"] else None,
    )


@dataclass
class Session:
    """Where a contact is in answering a round; `data` holds the answer so far."""

    user_id: int
    enterprise_id: int
    round_date: date
    step: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ask:
    round_date: date
    enterprise_id: int
    opens_at: datetime
    closes_at: datetime
    status: str
    chat_id: int | None
    reminded_at: datetime | None


def _ask(row: aiosqlite.Row) -> Ask:
    return Ask(
        date.fromisoformat(row["round_date"]),
        row["enterprise_id"],
        from_db(row["opens_at"]),  # type: ignore[arg-type]
        from_db(row["closes_at"]),  # type: ignore[arg-type]
        row["status"],
        row["chat_id"],
        from_db(row["reminded_at"]),
    )


class CheckinRepository(Repository):
    # --- schedules ---
    async def schedules(self) -> dict[tuple[str, str], Schedule]:
        rows = await self._all("SELECT * FROM checkin_schedules")
        return {
            (r["region_prefix"], r["chain"]): Schedule(
                frequency=Frequency(r["frequency"]),
                weekday=r["weekday"],
                send_time=time.fromisoformat(r["send_time"]),
                window_hours=r["window_hours"],
            )
            for r in rows
        }

    async def set_schedule(
        self, prefix: str, chain: str, schedule: Schedule, by: int | None, now: datetime
    ) -> None:
        await self._run(
            "INSERT INTO checkin_schedules (region_prefix, chain, frequency, weekday, send_time,"
            " window_hours, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (region_prefix, chain) DO UPDATE SET frequency = excluded.frequency,"
            " weekday = excluded.weekday, send_time = excluded.send_time,"
            " window_hours = excluded.window_hours, updated_by = excluded.updated_by,"
            " updated_at = excluded.updated_at",
            (
                prefix,
                chain,
                schedule.frequency.value,
                schedule.weekday,
                schedule.send_time.strftime("%H:%M"),
                schedule.window_hours,
                by,
                to_db(now),
            ),
        )

    # --- asks ---
    async def claim_ask(
        self,
        round_date: date,
        enterprise_id: int,
        opens: datetime,
        closes: datetime,
        now: datetime,
        stale_before: datetime,
    ) -> bool:
        """Claim the question for this enterprise and round; False when it was sent already or
        another sender holds a fresh claim (a claim older than `stale_before` is taken over)."""
        rows = await self._all(
            "INSERT INTO checkin_asks (round_date, enterprise_id, opens_at, closes_at, claimed_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (round_date, enterprise_id) DO UPDATE"
            " SET claimed_at = excluded.claimed_at"
            " WHERE status = 'sending' AND claimed_at < ? RETURNING status",
            (
                round_date.isoformat(),
                enterprise_id,
                to_db(opens),
                to_db(closes),
                to_db(now),
                to_db(stale_before),
            ),
        )
        return bool(rows)

    async def mark_sent(
        self,
        round_date: date,
        enterprise_id: int,
        chat_id: int | None,
        message_id: int | None,
        now: datetime,
        *,
        reached: bool = True,
    ) -> None:
        await self._count(
            "UPDATE checkin_asks SET status = ?, chat_id = ?, message_id = ?, sent_at = ?"
            " WHERE round_date = ? AND enterprise_id = ?",
            (
                "sent" if reached else "unreachable",
                chat_id,
                message_id,
                to_db(now),
                round_date.isoformat(),
                enterprise_id,
            ),
        )

    async def release_ask(self, round_date: date, enterprise_id: int) -> None:
        await self._count(
            "DELETE FROM checkin_asks WHERE round_date = ? AND enterprise_id = ?"
            " AND status = 'sending'",
            (round_date.isoformat(), enterprise_id),
        )

    async def asked_in(self, round_date: date) -> set[int]:
        rows = await self._all(
            "SELECT enterprise_id FROM checkin_asks WHERE round_date = ?", (round_date.isoformat(),)
        )
        return {r["enterprise_id"] for r in rows}

    async def ask(self, round_date: date, enterprise_id: int) -> Ask | None:
        row = await self._one(
            "SELECT * FROM checkin_asks WHERE round_date = ? AND enterprise_id = ?",
            (round_date.isoformat(), enterprise_id),
        )
        return _ask(row) if row else None

    async def unanswered_asks(self, since: date) -> list[Ask]:
        """Asks sent in rounds from `since` on that have no answer yet."""
        rows = await self._all(
            "SELECT a.* FROM checkin_asks a WHERE a.status != 'sending' AND NOT EXISTS"
            " (SELECT 1 FROM checkin_answers x WHERE x.enterprise_id = a.enterprise_id"
            " AND x.round_date = a.round_date)"
            " AND a.round_date >= ?",
            (since.isoformat(),),
        )
        return [_ask(r) for r in rows]

    async def mark_reminded(self, round_date: date, enterprise_id: int, now: datetime) -> bool:
        count = await self._count(
            "UPDATE checkin_asks SET reminded_at = ? WHERE round_date = ? AND enterprise_id = ?"
            " AND reminded_at IS NULL",
            (to_db(now), round_date.isoformat(), enterprise_id),
        )
        return count == 1

    # --- answers ---
    async def latest(
        self, enterprise_id: int, before: date | None = None
    ) -> tuple[date, Answer] | None:
        """The newest answer (last version of the latest round), optionally before a round."""
        row = await self._one(
            "SELECT * FROM checkin_answers WHERE enterprise_id = ?"
            + (" AND round_date < ?" if before else "")
            + " ORDER BY round_date DESC, version DESC LIMIT 1",
            (enterprise_id, before.isoformat()) if before else (enterprise_id,),
        )
        return (date.fromisoformat(row["round_date"]), answer_from_row(row)) if row else None

    async def record(
        self,
        enterprise_id: int,
        round_date: date,
        answer: Answer,
        *,
        recorded_by: int | None,
        on_behalf: bool,
        confirmed: list[str],
        source_key: str | None,
        now: datetime,
    ) -> int | None:
        """A new version of the enterprise's answer in the round; None if `source_key` was
        recorded already (the same Telegram action delivered twice)."""
        rows = await self._all(
            "INSERT INTO checkin_answers (enterprise_id, round_date, version, status, registered,"
            " on_duty, capacity, expected_date, bottleneck, recorded_by, on_behalf, confirmed,"
            " source_key, answered_at) VALUES (?, ?, (SELECT COALESCE(MAX(version), 0) + 1 FROM"
            " checkin_answers WHERE enterprise_id = ? AND round_date = ?),"
            " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_key) DO NOTHING"
            " RETURNING version",
            (
                enterprise_id,
                round_date.isoformat(),
                enterprise_id,
                round_date.isoformat(),
                answer.status.value,
                answer.registered,
                answer.on_duty,
                answer.capacity,
                answer.expected.isoformat() if answer.expected else None,
                answer.bottleneck.value if answer.bottleneck else None,
                recorded_by,
                int(on_behalf),
                ",".join(confirmed),
                source_key,
                to_db(now),
            ),
        )
        return int(rows[0]["version"]) if rows else None

    # --- the conversation ---
    async def session(self, user_id: int) -> Session | None:
        row = await self._one("SELECT * FROM checkin_sessions WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return Session(
            row["user_id"],
            row["enterprise_id"],
            date.fromisoformat(row["round_date"]),
            row["step"],
            json.loads(row["data"]),
        )

    async def save_session(self, session: Session, now: datetime) -> None:
        await self._run(
            "INSERT INTO checkin_sessions (user_id, enterprise_id, round_date, step, data,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
            " enterprise_id = excluded.enterprise_id, round_date = excluded.round_date,"
            " step = excluded.step, data = excluded.data, updated_at = excluded.updated_at",
            (
                session.user_id,
                session.enterprise_id,
                session.round_date.isoformat(),
                session.step,
                json.dumps(session.data, ensure_ascii=False),
                to_db(now),
            ),
        )

    async def end_session(self, user_id: int) -> None:
        await self._count("DELETE FROM checkin_sessions WHERE user_id = ?", (user_id,))

    # --- notices ---
    async def claim_notice(self, round_date: date, kind: str, target: int, now: datetime) -> bool:
        rows = await self._all(
            "INSERT INTO checkin_notices (round_date, kind, target_id, sent_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING RETURNING target_id",
            (round_date.isoformat(), kind, target, to_db(now)),
        )
        return bool(rows)

    async def release_notice(self, round_date: date, kind: str, target: int) -> None:
        await self._count(
            "DELETE FROM checkin_notices WHERE round_date = ? AND kind = ? AND target_id = ?",
            (round_date.isoformat(), kind, target),
        )
