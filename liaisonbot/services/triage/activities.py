"""Activities: the use cases that change a report but leave its state where it is."""

from __future__ import annotations

from datetime import datetime
from typing import cast
from zoneinfo import ZoneInfo

from liaisonbot.domain import deadlines
from liaisonbot.domain.access import covers
from liaisonbot.domain.errors import BadArgument, ExtensionOutOfRange
from liaisonbot.domain.vocabulary import Category, ReportState, Role
from liaisonbot.domain.workflow import Activity, check_activity
from liaisonbot.services.triage.steps import (
    amend,
    clean,
    load_as,
    other_report,
)
from liaisonbot.services.triage.terms import AlreadyAcknowledged, Change, SameCategory, Seat
from liaisonbot.store import Database, UnitOfWork


async def assign(
    db: Database,
    report_id: int,
    actor_id: int,
    assignee_id: int | None = None,
    *,
    expected: ReportState | None,
    now: datetime,
    seat: Seat = Seat.GROUP,
) -> Change:
    """Take it (no assignee given) or assign it to another officer who covers the enterprise."""
    async with UnitOfWork(db) as uow:
        report, enterprise = await load_as(uow, report_id, actor_id, seat)
        target = actor_id if assignee_id is None else assignee_id
        if target != actor_id and not covers(
            await uow.people.roles_of(target), enterprise, Role.OFFICER
        ):
            raise BadArgument(value=str(target))
        return await amend(
            uow,
            report,
            Activity.TAKE if target == actor_id else Activity.ASSIGN,
            actor_id,
            expected,
            now,
            note=str(target),
            sets={"assignee_id": target},
            details={"assignee": str(target)},
        )


async def add_note(
    db: Database,
    report_id: int,
    actor_id: int,
    text: str,
    *,
    public: bool = False,
    now: datetime,
    seat: Seat = Seat.GROUP,
) -> Change:
    """A progress note; internal unless `public` (then the reporter is told)."""
    text = clean(text, "note")
    async with UnitOfWork(db) as uow:
        report, _ = await load_as(uow, report_id, actor_id, seat)
        return await amend(
            uow,
            report,
            Activity.PUBLIC_NOTE if public else Activity.NOTE,
            actor_id,
            None,
            now,
            note=text,
            public=public,
        )


async def recategorize(
    db: Database,
    report_id: int,
    actor_id: int,
    category: Category,
    *,
    expected: ReportState | None,
    now: datetime,
    seat: Seat = Seat.GROUP,
) -> Change:
    """Change the category; the event keeps both (old → new) and the enterprise is told."""
    async with UnitOfWork(db) as uow:
        report, _ = await load_as(uow, report_id, actor_id, seat)
        old = report.content.category
        if old == category:
            raise SameCategory(number=report.id)
        return await amend(
            uow,
            report,
            Activity.RECATEGORIZE,
            actor_id,
            expected,
            now,
            note=f"{old.value} → {category.value}",
            sets={"category": category.value},
            details={"old": old.value, "new": category.value},
        )


async def link(
    db: Database, report_id: int, actor_id: int, other_id: int, *, now: datetime
) -> Change:
    """Several enterprises, one problem: link two reports (both must be the actor's to work)."""
    async with UnitOfWork(db) as uow:
        report, _ = await load_as(uow, report_id, actor_id, Seat.GROUP)
        await other_report(uow, actor_id, report_id, other_id)
        if not await uow.triage.add_link(report_id, other_id, actor_id, now):
            raise BadArgument(value=str(other_id))
        return await amend(
            uow,
            report,
            Activity.LINK,
            actor_id,
            None,
            now,
            note=f"#{other_id}",
            details={"other": str(other_id)},
        )


async def extend(
    db: Database,
    report_id: int,
    actor_id: int,
    days: int,
    reason: str,
    *,
    expected: ReportState | None,
    now: datetime,
    zone: ZoneInfo,
    seat: Seat = Seat.GROUP,
) -> Change:
    """Move the due date by `days` working days (30 in all at most), with a recorded reason."""
    async with UnitOfWork(db) as uow:
        report, _ = await load_as(uow, report_id, actor_id, seat)
        row = await uow.triage.triage_row(report_id)
        assert row is not None
        already = int(cast("int | None", row["extension_days"]) or 0)  # an INTEGER column
        left = deadlines.MAX_EXTENSION_DAYS - already
        if report.due_at is None:
            raise BadArgument(value=str(days))
        try:
            due = deadlines.extended_due(report.due_at, days, already, zone)
        except ValueError:
            raise ExtensionOutOfRange(
                value=days, left=left, limit=deadlines.MAX_EXTENSION_DAYS
            ) from None
        reason = clean(reason, "reason")  # after the days: `延期 40` hears about the limit first
        return await amend(
            uow,
            report,
            Activity.EXTEND,
            actor_id,
            expected,
            now,
            note=f"+{days} {reason}",
            sets={"due_at": due, "extension_days": already + days},
            details={"due_at": due.isoformat(), "days": str(days), "reason": reason},
        )


async def acknowledge(db: Database, report_id: int, actor_id: int, *, now: datetime) -> Change:
    """An official in the escalation group records having seen the item (once per person)."""
    async with UnitOfWork(db) as uow:
        report, _ = await load_as(uow, report_id, actor_id, Seat.ESCALATION)
        check_activity(report.state, Activity.ACKNOWLEDGE)
        if not await uow.triage.add_ack(report_id, actor_id, now):
            raise AlreadyAcknowledged(number=report.id)
        return await amend(uow, report, Activity.ACKNOWLEDGE, actor_id, None, now)
