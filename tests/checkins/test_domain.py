"""Check-in domain: the schedule across a 调休 weekend, reading what people type, the concerns a
careful clerk raises, and a round's status."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaisonbot.domain.checkins import (
    Answer,
    Concern,
    Frequency,
    InputRefused,
    ResumptionStatus,
    RoundStatus,
    Schedule,
    below_since,
    concerns,
    parse_count,
    parse_counts,
    parse_date,
    parse_percent,
    remind_at,
    round_status,
    schedule_for,
)

SH = ZoneInfo("Asia/Shanghai")


def test_default_schedule_follows_the_official_calendar_across_a_tiaoxiu_weekend() -> None:
    s = Schedule()
    # 2020-01-19 (Sunday) was a working day (调休 before the Spring Festival); 01-25 a holiday
    assert s.is_round_day(date(2020, 1, 19))
    assert not s.is_round_day(date(2020, 1, 25))
    assert not s.is_round_day(date(2020, 1, 18))  # an ordinary Saturday
    opens, closes = s.window(date(2020, 1, 17), SH)  # Friday: closes Sunday noon (a work day)
    assert opens == datetime(2020, 1, 17, 16, 0, tzinfo=SH)
    assert closes == datetime(2020, 1, 19, 12, 0, tzinfo=SH)


def test_open_round_at_a_frozen_clock() -> None:
    s = Schedule()
    friday_evening = datetime(2020, 1, 17, 10, 0, tzinfo=UTC)  # 18:00 Shanghai
    assert s.open_round(friday_evening, SH) == (
        date(2020, 1, 17),
        datetime(2020, 1, 17, 16, 0, tzinfo=SH),
        datetime(2020, 1, 19, 12, 0, tzinfo=SH),
    )
    saturday = datetime(2020, 1, 18, 4, 0, tzinfo=UTC)
    assert s.open_round(saturday, SH)[0] == date(2020, 1, 17)  # type: ignore[index]
    sunday_afternoon = datetime(2020, 1, 19, 6, 0, tzinfo=UTC)  # 14:00, before 16:00
    assert s.open_round(sunday_afternoon, SH) is None


def test_weekly_off_and_window_hours() -> None:
    weekly = Schedule(Frequency.WEEKLY, weekday=2, send_time=time(9, 0), window_hours=8)
    assert weekly.is_round_day(date(2026, 11, 25)) and not weekly.is_round_day(date(2026, 11, 26))
    opens, closes = weekly.window(date(2026, 11, 25), SH)
    assert closes - opens == (closes - opens).__class__(hours=8)
    assert remind_at(opens, closes) == datetime(2026, 11, 25, 15, 24, tzinfo=SH)
    assert not Schedule(Frequency.OFF).is_round_day(date(2026, 11, 25))
    assert Schedule(Frequency.DAILY).is_round_day(date(2026, 11, 29))


def test_most_specific_schedule_wins() -> None:
    off = Schedule(Frequency.OFF)
    daily = Schedule(Frequency.DAILY)
    table = {("35", ""): off, ("3501", "汽车"): daily}
    assert schedule_for(table, "350100", "汽车") is daily
    assert schedule_for(table, "350100", "电子") is off
    assert schedule_for(table, "110108", "汽车") == Schedule()


@pytest.mark.parametrize("text", ["85", "85%", "85％", "0.85", "８５", "百分之85", " 85 % "])
def test_percent_forms_read_as_85(text: str) -> None:
    assert parse_percent(text) == 85


@pytest.mark.parametrize(
    ("text", "key"),
    [("很多", "checkin.bad_percent"), ("-5", "checkin.negative"), ("", "checkin.bad_percent")],
)
def test_percent_refused_with_the_reason(text: str, key: str) -> None:
    with pytest.raises(InputRefused) as info:
        parse_percent(text)
    assert info.value.key == key


@given(st.integers(min_value=0, max_value=100))
def test_any_whole_percent_reads_back(value: int) -> None:
    assert parse_percent(str(value)) == value
    assert parse_percent(f"{value}%") == value


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_counts_pairs(registered: int, on_duty: int) -> None:
    assert parse_counts(f"{registered} {on_duty}") == (registered, on_duty)
    assert parse_counts(f"{registered}/{on_duty}") == (registered, on_duty)
    assert parse_count(f"{registered:,}") == registered


def test_counts_refused() -> None:
    for text in ("两百", "-3", "1 2 3"):
        with pytest.raises(InputRefused):
            parse_counts(text)


def test_dates() -> None:
    today = date(2026, 11, 26)
    assert parse_date("2026-12-10", today) == date(2026, 12, 10)
    assert parse_date("12月10日", today) == date(2026, 12, 10)
    assert parse_date("12/10", today) == date(2026, 12, 10)
    assert parse_date("1-5", today) == date(2027, 1, 5)  # no year: the next such day
    assert parse_date("2026-11-01", today) == date(2026, 11, 1)  # past: stored only if confirmed
    with pytest.raises(InputRefused):
        parse_date("下周", today)
    with pytest.raises(InputRefused):
        parse_date("2026-02-30", today)


def test_every_concern() -> None:
    today = date(2026, 11, 26)
    partial = ResumptionStatus.PARTIAL
    assert concerns(Answer(partial, capacity=120), None, today) == [Concern.CAPACITY_RANGE]
    assert concerns(Answer(partial, 100, 120), None, today) == [Concern.ON_DUTY_ABOVE_REGISTERED]
    assert concerns(Answer(partial, expected=date(2026, 11, 1)), None, today) == [Concern.DATE_PAST]
    assert concerns(Answer(ResumptionStatus.FULL, capacity=0), None, today) == [
        Concern.FULL_AT_ZERO
    ]
    before = Answer(partial, capacity=40)
    assert concerns(Answer(partial, capacity=75), before, today) == [Concern.JUMP]
    assert concerns(Answer(partial, capacity=70), before, today) == []
    assert concerns(Answer(partial, 100, 80, 60, date(2026, 12, 1)), before, today) == []


def test_round_status() -> None:
    closes = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)
    early = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    late = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)
    kw = {"asked": True, "closes_at": closes, "exempt": False}
    assert round_status(first_answer_at=early, **kw) is RoundStatus.ON_TIME  # type: ignore[arg-type]
    assert round_status(first_answer_at=late, **kw) is RoundStatus.LATE  # type: ignore[arg-type]
    assert round_status(first_answer_at=None, **kw) is RoundStatus.MISSING  # type: ignore[arg-type]
    assert (
        round_status(asked=False, first_answer_at=None, closes_at=None, exempt=True)
        is RoundStatus.EXEMPT
    )
    assert round_status(asked=False, first_answer_at=None, closes_at=None, exempt=False) is None


def test_below_since_counts_the_current_run() -> None:
    low = Answer(ResumptionStatus.PARTIAL, capacity=50)
    ok = Answer(ResumptionStatus.FULL, capacity=95)
    days = [date(2026, 11, d) for d in (20, 23, 24, 25)]
    assert below_since(list(zip(days, [low, ok, low, low], strict=True)), 80) == (days[2], 2)
    assert below_since(list(zip(days, [low, low, low, ok], strict=True)), 80) == (None, 0)
    stopped = Answer(ResumptionStatus.NOT_RESUMED)
    assert below_since([(days[0], stopped)], 80) == (days[0], 1)


def test_same_again_drops_a_past_expected_date() -> None:
    last = Answer(ResumptionStatus.PARTIAL, 100, 80, 60, date(2026, 11, 20))
    again = last.same_again(date(2026, 11, 26))
    assert again.expected is None and again.capacity == 60 and again.staff_rate == 80
