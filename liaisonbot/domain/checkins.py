"""Resumption check-ins (监测会商): the schedule of rounds, what an answer holds, reading what
people type, and the concerns a careful clerk would raise before storing it (docs/domain.md,
"Resumption check-ins"). Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from liaisonbot.domain.deadlines import is_working_day
from liaisonbot.domain.vocabulary import Category, Labelled

DEFAULT_SEND_TIME = time(16, 0)
DEFAULT_CLOSE_TIME = time(12, 0)  # the window closes at noon of the next working day
REMIND_AT_SHARE = 0.8  # the reminder goes at 80 % of the window
JUMP_POINTS = 30.0  # a change of capacity larger than this is asked about
DEFAULT_THRESHOLD = 80.0  # 达产: at least this capacity utilisation


class _Term(Labelled):
    """A check-in term; its labels live here rather than in vocabulary's table."""

    @property
    def zh(self) -> str:
        return _LABELS[self.value][0]

    @property
    def en(self) -> str:
        return _LABELS[self.value][1]


class ResumptionStatus(_Term):
    NOT_RESUMED = "NOT_RESUMED"
    PARTIAL = "PARTIAL"
    FULL = "FULL"
    CLOSED = "CLOSED"  # 停产·注销: 免报 until an answer says otherwise


class RoundStatus(_Term):
    ON_TIME = "ON_TIME"  # 已报
    LATE = "LATE"  # 迟报: first answered after the window closed
    MISSING = "MISSING"  # 未报
    EXEMPT = "EXEMPT"  # 免报


class Frequency(_Term):
    WORKDAYS = "WORKDAYS"
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    OFF = "OFF"


class Concern(StrEnum):
    """Something to confirm or correct before an answer is stored."""

    CAPACITY_RANGE = "capacity_range"
    ON_DUTY_ABOVE_REGISTERED = "on_duty_above"
    DATE_PAST = "date_past"
    FULL_AT_ZERO = "full_at_zero"
    JUMP = "jump"


_LABELS: dict[str, tuple[str, str]] = {
    "NOT_RESUMED": ("未复工", "Not resumed"),
    "PARTIAL": ("部分复工", "Partly resumed"),
    "FULL": ("全面复工", "Fully resumed"),
    "CLOSED": ("停产·注销", "Stopped or deregistered"),
    "ON_TIME": ("已报", "Answered"),
    "LATE": ("迟报", "Answered late"),
    "MISSING": ("未报", "Not answered"),
    "EXEMPT": ("免报", "Exempt"),
    "WORKDAYS": ("工作日", "Working days"),
    "DAILY": ("每日", "Daily"),
    "WEEKLY": ("每周", "Weekly"),
    "OFF": ("停发", "Off"),
}

WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


# --- the schedule -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """When rounds go out for a region or chain. `window_hours` None: open until 12:00 of the
    next working day."""

    frequency: Frequency = Frequency.WORKDAYS
    weekday: int | None = None  # 0 = Monday, for WEEKLY
    send_time: time = DEFAULT_SEND_TIME
    window_hours: float | None = None

    def is_round_day(self, day: date) -> bool:
        if self.frequency is Frequency.OFF:
            return False
        if self.frequency is Frequency.DAILY:
            return True
        if self.frequency is Frequency.WEEKLY:
            return day.weekday() == (self.weekday if self.weekday is not None else 0)
        return is_working_day(day)

    def window(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The round of `day`: when it opens and when it closes (aware datetimes in `zone`)."""
        opens = datetime.combine(day, self.send_time, tzinfo=zone)
        if self.window_hours is not None:
            return opens, opens + timedelta(hours=self.window_hours)
        next_day = day + timedelta(days=1)
        while not is_working_day(next_day):
            next_day += timedelta(days=1)
        return opens, datetime.combine(next_day, DEFAULT_CLOSE_TIME, tzinfo=zone)

    def open_round(self, now: datetime, zone: ZoneInfo) -> tuple[date, datetime, datetime] | None:
        """The round whose window is open at `now` (the latest one if windows overlap)."""
        today = now.astimezone(zone).date()
        for back in range(0, 15):
            day = today - timedelta(days=back)
            if not self.is_round_day(day):
                continue
            opens, closes = self.window(day, zone)
            if opens <= now < closes:
                return day, opens, closes
            if closes <= now:
                return None  # the latest round that opened is closed already
        return None


def remind_at(opens: datetime, closes: datetime) -> datetime:
    return opens + (closes - opens) * REMIND_AT_SHARE


def schedule_for(
    schedules: dict[tuple[str, str], Schedule], region_code: str, chain: str
) -> Schedule:
    """The most specific schedule covering the enterprise: the longest region prefix, a chain's
    own before the all-chains one; the default (working days at 16:00) when none is set."""
    best: tuple[int, int] | None = None
    chosen = Schedule()
    for (prefix, sched_chain), schedule in schedules.items():
        if not region_code.startswith(prefix) or (sched_chain and sched_chain != chain):
            continue
        rank = (len(prefix), 1 if sched_chain else 0)
        if best is None or rank > best:
            best, chosen = rank, schedule
    return chosen


# --- an answer ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: ResumptionStatus
    registered: int | None = None  # 在册职工
    on_duty: int | None = None  # 今日在岗
    capacity: float | None = None  # 产能利用率, percent
    expected: date | None = None  # expected date of full resumption
    bottleneck: Category | None = None

    @property
    def staff_rate(self) -> float | None:
        """返岗率 (percent), computed, never typed."""
        if self.registered and self.on_duty is not None:
            return 100.0 * self.on_duty / self.registered
        return None

    def same_again(self, today: date) -> Answer:
        """ "与上次相同": the same figures; an expected date already past is dropped."""
        expected = self.expected if self.expected and self.expected >= today else None
        return Answer(
            self.status, self.registered, self.on_duty, self.capacity, expected, self.bottleneck
        )


def concerns(answer: Answer, previous: Answer | None, today: date) -> list[Concern]:
    """What to ask about once before storing `answer` (`today` in the enterprise's zone)."""
    found: list[Concern] = []
    if answer.capacity is not None and not 0 <= answer.capacity <= 100:
        found.append(Concern.CAPACITY_RANGE)
    if (
        answer.registered is not None
        and answer.on_duty is not None
        and answer.on_duty > answer.registered
    ):
        found.append(Concern.ON_DUTY_ABOVE_REGISTERED)
    if answer.expected is not None and answer.expected < today:
        found.append(Concern.DATE_PAST)
    if answer.status is ResumptionStatus.FULL and answer.capacity == 0:
        found.append(Concern.FULL_AT_ZERO)
    if (
        previous is not None
        and previous.capacity is not None
        and answer.capacity is not None
        and abs(answer.capacity - previous.capacity) > JUMP_POINTS
    ):
        found.append(Concern.JUMP)
    return found


# --- reading what people type -------------------------------------------------------------------


class InputRefused(ValueError):
    """Text that cannot be read as what was asked; `key` names the catalogue sentence that says
    which forms are accepted."""

    def __init__(self, key: str, text: str) -> None:
        super().__init__(f"{key}: {text!r}")
        self.key = key
        self.text = text


_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)$")


def _normal(text: str) -> str:
    """Full-width digits and signs to ASCII (NFKC), separators and spaces out."""
    return unicodedata.normalize("NFKC", text).strip().replace(",", "").replace(" ", "")


def parse_percent(text: str) -> float:
    """`85`, `85%`, `85％`, `0.85` and `百分之85` all read 85. A decimal fraction written with a
    point (0.85, 1.0) is a share; a whole number is percent (`1` is 1 %)."""
    raw = _normal(text).removeprefix("百分之").rstrip("%").rstrip("%")
    percent_sign = _normal(text).endswith("%")
    match = _NUMBER.match(raw)
    if not match:
        raise InputRefused("checkin.bad_percent", text)
    value = float(match.group(1))
    if value < 0:
        raise InputRefused("checkin.negative", text)
    if not percent_sign and "." in raw and value <= 1:
        value *= 100
    return round(value, 1)


def parse_count(text: str) -> int:
    """A head count: `1200`, `1,200`, `1200人`, full-width digits."""
    raw = _normal(text).removesuffix("人").removesuffix("名")
    if raw.startswith("-"):
        raise InputRefused("checkin.negative", text)
    if not raw.isdigit():
        raise InputRefused("checkin.bad_count", text)
    return int(raw)


_SEPARATORS = re.compile(r"[/、，;；\s]+")


def parse_counts(text: str) -> tuple[int, int | None]:
    """在册 and, optionally, 在岗 in one message: `200 150`, `200/150`, `200，150`."""
    parts = [p for p in _SEPARATORS.split(unicodedata.normalize("NFKC", text).strip()) if p]
    if len(parts) == 1:
        return parse_count(parts[0]), None
    if len(parts) == 2:
        return parse_count(parts[0]), parse_count(parts[1])
    raise InputRefused("checkin.bad_counts", text)


_DATE_FORMS = (
    re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$"),
    re.compile(r"^(?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})[日号]?$"),
)


def parse_date(text: str, today: date) -> date:
    """`2026-12-10`, `2026年12月10日`, `12-10`, `12/10`, `12月10日`; without a year, the next such
    day from `today` on (a month-day already past this year is next year's)."""
    raw = _normal(text)
    for form in _DATE_FORMS:
        match = form.match(raw)
        if not match:
            continue
        parts = match.groupdict()
        try:
            if parts.get("y"):
                return date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
            found = date(today.year, int(parts["m"]), int(parts["d"]))
        except ValueError:
            break
        return found if found >= today else found.replace(year=today.year + 1)
    raise InputRefused("checkin.bad_date", text)


# --- a round's status ---------------------------------------------------------------------------


def round_status(
    *,
    asked: bool,
    first_answer_at: datetime | None,
    closes_at: datetime | None,
    exempt: bool,
) -> RoundStatus | None:
    """已报 / 迟报 / 未报 / 免报 of one enterprise in one round; None when it was neither asked nor
    answered (not expected in that round). `exempt`: the latest answer before the round said
    停产·注销."""
    if first_answer_at is not None:
        late = closes_at is not None and first_answer_at >= closes_at
        return RoundStatus.LATE if late else RoundStatus.ON_TIME
    if exempt:
        return RoundStatus.EXEMPT
    return RoundStatus.MISSING if asked else None


def below_threshold(answer: Answer, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """Not resumed, or resumed below the capacity threshold (未复工达产). 停产·注销 is not."""
    if answer.status is ResumptionStatus.CLOSED:
        return False
    if answer.status is ResumptionStatus.NOT_RESUMED:
        return True
    return answer.capacity is not None and answer.capacity < threshold


def below_since(answers: list[tuple[date, Answer]], threshold: float) -> tuple[date | None, int]:
    """The round date from which the latest answers have all been below the threshold, and how
    many rounds that is; (None, 0) when the latest answer is not below. `answers` oldest first."""
    since: date | None = None
    count = 0
    for day, answer in reversed(answers):
        if not below_threshold(answer, threshold):
            break
        since, count = day, count + 1
    return since, count
