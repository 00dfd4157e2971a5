"""Due dates and the computed 临期 / 超期 / 督办 marks (docs/domain.md#deadlines: overdue is a
flag, not a state).

Working days follow the official Chinese calendar (`chinese_calendar`, with its adjusted working
weekends) for the years it knows; for other years every calendar day counts. Dates are counted in
the configured zone (Asia/Shanghai); a due date keeps the time of day it was set at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from liaisonbot.domain.vocabulary import ReportState, Urgency
from liaisonbot.domain.workflow import TICKING_STATES

DUE_DAYS: dict[Urgency, int] = {Urgency.URGENT: 1, Urgency.HIGH: 3, Urgency.NORMAL: 7}
MAX_EXTENSION_DAYS = 30
SUPERVISE_AFTER_DAYS = 5  # 督办: still open this many working days after the overdue reminder

# States in which the clock runs (submitted has no due date yet; resolved waits on the reporter).
TICKING = TICKING_STATES


def calendar_known(day: date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_working_day(day: date) -> bool:
    """A working day by the official calendar; any day in a year the calendar does not know."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return True


def add_working_days(start: datetime, days: int, zone: ZoneInfo) -> datetime:
    """`days` working days after `start` (same local time of day), in UTC's tzinfo of `start`."""
    if start.tzinfo is None:
        raise ValueError("naive datetime")
    local = start.astimezone(zone)
    day = local.date()
    step = 1 if days >= 0 else -1
    left = abs(days)
    while left:
        day += timedelta(days=step)
        if is_working_day(day):
            left -= 1
    moved = datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=zone)
    return moved.astimezone(start.tzinfo)


def working_days_between(start: datetime, end: datetime, zone: ZoneInfo) -> int:
    """Working days from start's local date (exclusive) to end's (inclusive); negative if end is
    earlier."""
    a, b = start.astimezone(zone).date(), end.astimezone(zone).date()
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    count = 0
    day = a
    while day < b:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return sign * count


def due_date(accepted_at: datetime, urgency: Urgency, zone: ZoneInfo) -> datetime:
    return add_working_days(accepted_at, DUE_DAYS[urgency], zone)


def extended_due(due_at: datetime, days: int, already: int, zone: ZoneInfo) -> datetime:
    """The due date moved by `days` working days; extensions total at most 30 days."""
    if days < 1 or already + days > MAX_EXTENSION_DAYS:
        raise ValueError(f"extension of {days} days (already {already}) out of range")
    return add_working_days(due_at, days, zone)


@dataclass(frozen=True)
class DeadlineFlags:
    due_soon: bool = False  # 今日到期: the due date's day has come (the 临期 rung)
    overdue: bool = False  # 超期
    supervise: bool = False  # 督办

    @property
    def any(self) -> bool:
        return self.due_soon or self.overdue or self.supervise


def due_soon_from(due_at: datetime, zone: ZoneInfo) -> datetime:
    """The moment from which an item counts as 今日到期: the start of its due date's day.

    The ladder (docs/domain.md#deadlines) is 今日到期 → 超期 → 督办. It counts days, not a share of
    the term, so a one-working-day (紧急) item carries no mark on the day it is accepted and reads
    今日到期 on the morning it is due; a 7-day item gets the same single day of warning.
    """
    local_due = due_at.astimezone(zone)
    start = datetime.combine(local_due.date(), time(0), tzinfo=zone)
    return start.astimezone(due_at.tzinfo)


def supervise_from(overdue_reminded_at: datetime, zone: ZoneInfo) -> datetime:
    return add_working_days(overdue_reminded_at, SUPERVISE_AFTER_DAYS, zone)


def flags(
    state: ReportState,
    due_at: datetime | None,
    now: datetime,
    zone: ZoneInfo,
    overdue_reminded_at: datetime | None = None,
) -> DeadlineFlags:
    """The marks of a report at `now`; none for items not on the clock."""
    if due_at is None or state not in TICKING:
        return DeadlineFlags()
    overdue = now >= due_at
    supervise = (
        overdue
        and overdue_reminded_at is not None
        and now >= supervise_from(overdue_reminded_at, zone)
    )
    return DeadlineFlags(
        due_soon=not overdue and now >= due_soon_from(due_at, zone),
        overdue=overdue,
        supervise=supervise,
    )
