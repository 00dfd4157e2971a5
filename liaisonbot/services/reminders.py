"""Which deadline reminders are due (pure), and recording them sent, each exactly once.

- 临期 `due_soon`: to the assignee, when at most one working day is left;
- 超期 `overdue`: in the liaison group, once the due date has passed;
- 督办 `supervise`: to the officials of the scope, when the item is still open five working days
  after the overdue reminder.

A reminder's key is the due date it was computed from: extending the due date arms them again.
`claim` writes the key before sending (a unique row); a send that fails is `release`d so that the
next run tries again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from liaisonbot.clock import to_db
from liaisonbot.domain import deadlines
from liaisonbot.read.reports import ReminderCandidate
from liaisonbot.store import Database, UnitOfWork


class Kind(StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    SUPERVISE = "supervise"


@dataclass(frozen=True)
class Reminder:
    report_id: int
    kind: Kind
    key: str
    candidate: ReminderCandidate


def due_reminders(
    candidates: list[ReminderCandidate], now: datetime, zone: ZoneInfo
) -> list[Reminder]:
    """The reminders to send at `now`, none of them sent before."""
    due: list[Reminder] = []
    for c in candidates:
        if c.due_at is None:
            continue
        key = to_db(c.due_at)
        flags = deadlines.flags(
            c.state,
            c.due_at,
            now,
            zone,
            c.overdue_sent_at,
        )
        wanted: list[Kind] = []
        if flags.overdue:
            wanted.append(Kind.OVERDUE)
            if flags.supervise:
                wanted.append(Kind.SUPERVISE)
        elif flags.due_soon and c.assignee_id is not None:
            wanted.append(Kind.DUE_SOON)
        for kind in wanted:
            if (kind.value, key) not in c.sent:
                due.append(Reminder(c.report_id, kind, key, c))
    return due


async def claim(db: Database, reminder: Reminder, now: datetime) -> bool:
    """Record the reminder as sent; False if another run did already."""
    async with UnitOfWork(db) as uow:
        return await uow.triage.claim_reminder(
            reminder.report_id, reminder.kind.value, reminder.key, now
        )


async def release(db: Database, reminder: Reminder) -> None:
    """The send failed: forget the claim so that the next run tries again."""
    async with UnitOfWork(db) as uow:
        await uow.triage.release_reminder(reminder.report_id, reminder.kind.value, reminder.key)
