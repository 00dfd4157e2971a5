"""Working-day due dates by the official calendar, calendar days where it does not know the year,
and the computed 临期 / 超期 / 督办 flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from liaisonbot.domain import deadlines
from liaisonbot.domain.vocabulary import ReportState, Urgency

ZONE = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZONE).astimezone(UTC)  # type: ignore[misc]


def test_national_day_holiday_and_adjusted_saturday() -> None:
    # 2026-09-30 (Wed): the next working day is 10-08; 10-10 (Sat) is an adjusted working day
    start = local(2026, 9, 30, 10, 0)
    assert deadlines.due_date(start, Urgency.URGENT, ZONE) == local(2026, 10, 8, 10, 0)
    assert deadlines.due_date(start, Urgency.HIGH, ZONE) == local(2026, 10, 10, 10, 0)
    assert deadlines.add_working_days(start, 4, ZONE) == local(2026, 10, 12, 10, 0)


def test_weekend_is_skipped_and_normal_is_seven_working_days() -> None:
    thursday = local(2026, 11, 26, 10, 0)
    assert deadlines.due_date(thursday, Urgency.URGENT, ZONE) == local(2026, 11, 27, 10, 0)
    assert deadlines.due_date(thursday, Urgency.HIGH, ZONE) == local(2026, 12, 1, 10, 0)
    assert deadlines.due_date(thursday, Urgency.NORMAL, ZONE) == local(2026, 12, 7, 10, 0)


def test_unknown_year_counts_calendar_days() -> None:
    assert not deadlines.calendar_known(datetime(2040, 1, 1).date())
    saturday = local(2040, 1, 7, 9, 0)
    assert deadlines.due_date(saturday, Urgency.HIGH, ZONE) == local(2040, 1, 10, 9, 0)


def test_extension_up_to_thirty_days() -> None:
    due = local(2026, 11, 27, 10, 0)
    assert deadlines.extended_due(due, 1, 0, ZONE) == local(2026, 11, 30, 10, 0)
    with pytest.raises(ValueError):
        deadlines.extended_due(due, 31, 0, ZONE)
    with pytest.raises(ValueError):
        deadlines.extended_due(due, 11, 20, ZONE)
    with pytest.raises(ValueError):
        deadlines.extended_due(due, 0, 0, ZONE)


def test_flags() -> None:
    due = local(2026, 12, 7, 10, 0)  # Monday
    open_state = ReportState.IN_PROGRESS
    assert not deadlines.flags(open_state, due, local(2026, 12, 3, 10, 0), ZONE).any
    # the ladder: nothing the working day before; 今日到期 from the due day's start; then 超期
    assert not deadlines.flags(open_state, due, local(2026, 12, 4, 10, 0), ZONE).any
    assert deadlines.flags(open_state, due, local(2026, 12, 7, 0, 0), ZONE).due_soon
    assert deadlines.flags(open_state, due, local(2026, 12, 7, 9, 59), ZONE).due_soon
    overdue = deadlines.flags(open_state, due, due + timedelta(minutes=1), ZONE)
    assert overdue.overdue and not overdue.due_soon and not overdue.supervise
    reminded = due + timedelta(minutes=5)
    assert not deadlines.flags(
        open_state, due, local(2026, 12, 11, 10, 0), ZONE, reminded
    ).supervise
    assert deadlines.flags(open_state, due, local(2026, 12, 14, 10, 6), ZONE, reminded).supervise
    # not on the clock: no marks
    for state in (ReportState.SUBMITTED, ReportState.RESOLVED, ReportState.CLOSED):
        assert not deadlines.flags(state, due, due + timedelta(days=30), ZONE).any
    assert deadlines.working_days_between(local(2026, 9, 30, 9), local(2026, 10, 12, 9), ZONE) == 4


def test_a_one_working_day_item_is_not_marked_on_acceptance() -> None:
    accepted = local(2026, 12, 3, 10, 0)  # Thursday
    due = deadlines.due_date(accepted, Urgency.URGENT, ZONE)  # Friday 10:00
    state = ReportState.ACCEPTED
    assert not deadlines.flags(state, due, accepted, ZONE).any
    assert not deadlines.flags(state, due, local(2026, 12, 3, 23, 59), ZONE).any
    assert deadlines.flags(state, due, local(2026, 12, 4, 8, 0), ZONE).due_soon  # 今日到期
    assert deadlines.flags(state, due, due, ZONE).overdue
