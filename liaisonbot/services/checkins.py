"""Check-in use cases: who is due a question now, claiming and recording each ask, recording an
answer (a new version each time), the conversation's state, reminders and the missing lists.
Each function is one transaction."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from liaisonbot.domain.checkins import (
    Answer,
    ResumptionStatus,
    Schedule,
    remind_at,
    schedule_for,
)
from liaisonbot.domain.models import Enterprise
from liaisonbot.services.intake import choose_group
from liaisonbot.store import Database
from liaisonbot.store.checkins import Ask, CheckinRepository, Session
from liaisonbot.store.enterprises import enterprise_from_row
from liaisonbot.store.people import PeopleRepository

STALE_CLAIM = timedelta(minutes=10)  # a claim this old is from a sender that stopped mid-way
LOOKBACK_DAYS = 14


@dataclass(frozen=True)
class DueAsk:
    """One enterprise to ask in one round, and where to reach it."""

    enterprise: Enterprise
    round_date: date
    opens: datetime
    closes: datetime
    contacts: tuple[int, ...]
    group_chat_id: int | None  # where to mention a contact who never opened the private chat


def repo(db: Database) -> CheckinRepository:
    """For reads outside a transaction."""
    return CheckinRepository(db.conn)


async def schedules(db: Database) -> dict[tuple[str, str], Schedule]:
    return await repo(db).schedules()


async def set_schedule(
    db: Database, prefix: str, chain: str, schedule: Schedule, by: int | None, now: datetime
) -> None:
    async with db.transaction() as conn:
        await CheckinRepository(conn).set_schedule(prefix, chain, schedule, by, now)


async def due_asks(
    db: Database,
    now: datetime,
    zone: ZoneInfo,
    *,
    region_prefix: str = "",
    chain: str = "",
) -> list[DueAsk]:
    """Every enterprise with a bound contact whose round is open now and that has not been asked
    in it; those whose latest answer says 停产·注销 are 免报 and not asked."""
    table = await schedules(db)
    rows = await db.fetch_all(
        "SELECT e.*, (SELECT group_concat(c.user_id) FROM contacts c"
        " WHERE c.enterprise_id = e.id) AS contact_ids,"
        " (SELECT a.status FROM checkin_answers a WHERE a.enterprise_id = e.id"
        "  ORDER BY a.round_date DESC, a.version DESC LIMIT 1) AS last_status"
        " FROM enterprises e WHERE EXISTS (SELECT 1 FROM contacts c WHERE c.enterprise_id = e.id)"
        " AND e.region_code LIKE ? || '%' AND (? = '' OR e.chain = ?) ORDER BY e.id",
        (region_prefix, chain, chain),
    )
    groups = await PeopleRepository(db.conn).liaison_groups()
    asked: dict[date, set[int]] = {}
    due: list[DueAsk] = []
    # thousands of enterprises share a few schedules: each open round is computed once
    rounds: dict[tuple[str, str], tuple[date, datetime, datetime] | None] = {}
    group_of: dict[tuple[str, str], int | None] = {}
    for n, row in enumerate(rows):
        if n % 500 == 499:
            await asyncio.sleep(0)  # let interactive updates through while planning a big round
        if row["last_status"] == ResumptionStatus.CLOSED.value:
            continue
        key = (row["region_code"], row["chain"])
        if key not in rounds:
            rounds[key] = schedule_for(table, *key).open_round(now, zone)
            group_of[key] = choose_group(groups, *key, None)
        found = rounds[key]
        if found is None:
            continue
        enterprise = enterprise_from_row(row)
        day, opens, closes = found
        if day not in asked:
            asked[day] = await repo(db).asked_in(day)
        if enterprise.id in asked[day]:
            continue
        due.append(
            DueAsk(
                enterprise=enterprise,
                round_date=day,
                opens=opens,
                closes=closes,
                contacts=tuple(int(c) for c in row["contact_ids"].split(",")),
                group_chat_id=group_of[key],
            )
        )
    return due


async def claim(db: Database, ask: DueAsk, now: datetime) -> bool:
    assert ask.enterprise.id is not None
    async with db.transaction() as conn:
        return await CheckinRepository(conn).claim_ask(
            ask.round_date, ask.enterprise.id, ask.opens, ask.closes, now, now - STALE_CLAIM
        )


async def mark_sent(
    db: Database,
    ask: DueAsk,
    chat_id: int | None,
    message_id: int | None,
    now: datetime,
    *,
    reached: bool = True,
) -> None:
    assert ask.enterprise.id is not None
    async with db.transaction() as conn:
        await CheckinRepository(conn).mark_sent(
            ask.round_date, ask.enterprise.id, chat_id, message_id, now, reached=reached
        )


async def release(db: Database, ask: DueAsk) -> None:
    assert ask.enterprise.id is not None
    async with db.transaction() as conn:
        await CheckinRepository(conn).release_ask(ask.round_date, ask.enterprise.id)


async def round_for_answer(
    db: Database, enterprise: Enterprise, now: datetime, zone: ZoneInfo
) -> date:
    """The round an answer given now belongs to: the open one, else the latest the enterprise
    was asked in (a late answer), else today."""
    schedule = schedule_for(await schedules(db), enterprise.region_code, enterprise.chain)
    found = schedule.open_round(now, zone)
    if found is not None:
        return found[0]
    row = await db.fetch_one(
        "SELECT MAX(round_date) FROM checkin_asks WHERE enterprise_id = ?", (enterprise.id,)
    )
    if row and row[0]:
        return date.fromisoformat(row[0])
    return now.astimezone(zone).date()


async def is_known_round(db: Database, enterprise_id: int, round_date: date) -> bool:
    """Whether the enterprise was asked, or has answered, for that day: a button naming any
    other day is forged."""
    row = await db.fetch_one(
        "SELECT 1 FROM checkin_asks WHERE enterprise_id = ? AND round_date = ?"
        " UNION SELECT 1 FROM checkin_answers WHERE enterprise_id = ? AND round_date = ?",
        (enterprise_id, round_date.isoformat(), enterprise_id, round_date.isoformat()),
    )
    return row is not None


async def latest(
    db: Database, enterprise_id: int, before: date | None = None
) -> tuple[date, Answer] | None:
    return await repo(db).latest(enterprise_id, before)


async def record_answer(
    db: Database,
    enterprise_id: int,
    round_date: date,
    answer: Answer,
    *,
    recorded_by: int | None,
    on_behalf: bool = False,
    confirmed: list[str] | None = None,
    source_key: str | None = None,
    now: datetime,
    end_session_of: int | None = None,
) -> int | None:
    """Store the answer as a new version (the earlier ones kept); None when this Telegram action
    was recorded already. Ends the contact's check-in conversation in the same transaction."""
    async with db.transaction() as conn:
        checkins = CheckinRepository(conn)
        version = await checkins.record(
            enterprise_id,
            round_date,
            answer,
            recorded_by=recorded_by,
            on_behalf=on_behalf,
            confirmed=confirmed or [],
            source_key=source_key,
            now=now,
        )
        if end_session_of is not None:
            await checkins.end_session(end_session_of)
        return version


async def session(db: Database, user_id: int) -> Session | None:
    return await repo(db).session(user_id)


async def save_session(db: Database, session: Session, now: datetime) -> None:
    async with db.transaction() as conn:
        await CheckinRepository(conn).save_session(session, now)


async def end_session(db: Database, user_id: int) -> None:
    async with db.transaction() as conn:
        await CheckinRepository(conn).end_session(user_id)


async def reminders_due(db: Database, now: datetime, zone: ZoneInfo) -> list[Ask]:
    """Asks not answered at 80 % of their window (and still open), not reminded yet."""
    since = now.astimezone(zone).date() - timedelta(days=LOOKBACK_DAYS)
    return [
        a
        for a in await repo(db).unanswered_asks(since)
        if a.reminded_at is None and remind_at(a.opens_at, a.closes_at) <= now < a.closes_at
    ]


async def mark_reminded(db: Database, ask: Ask, now: datetime) -> bool:
    async with db.transaction() as conn:
        return await CheckinRepository(conn).mark_reminded(ask.round_date, ask.enterprise_id, now)


async def closed_missing(
    db: Database, now: datetime, zone: ZoneInfo
) -> dict[tuple[date, int], list[Enterprise]]:
    """For each round closed without answers, the liaison officer and their missing
    enterprises, for the notices not sent yet ((round, officer) → enterprises)."""
    since = now.astimezone(zone).date() - timedelta(days=LOOKBACK_DAYS)
    closed = [a for a in await repo(db).unanswered_asks(since) if a.closes_at <= now]
    if not closed:
        return {}
    sent = {
        (date.fromisoformat(r["round_date"]), r["target_id"])
        for r in await db.fetch_all(
            "SELECT round_date, target_id FROM checkin_notices WHERE kind = 'missing'"
            " AND round_date >= ?",
            (since.isoformat(),),
        )
    }
    out: dict[tuple[date, int], list[Enterprise]] = {}
    for ask in closed:
        row = await db.fetch_one("SELECT * FROM enterprises WHERE id = ?", (ask.enterprise_id,))
        if row is None or row["liaison_officer_id"] is None:
            continue
        key = (ask.round_date, int(row["liaison_officer_id"]))
        if key not in sent:
            out.setdefault(key, []).append(enterprise_from_row(row))
    return out


async def claim_notice(
    db: Database, round_date: date, kind: str, target: int, now: datetime
) -> bool:
    async with db.transaction() as conn:
        return await CheckinRepository(conn).claim_notice(round_date, kind, target, now)


async def release_notice(db: Database, round_date: date, kind: str, target: int) -> None:
    async with db.transaction() as conn:
        await CheckinRepository(conn).release_notice(round_date, kind, target)
