"""What the chart shows, counted from the database.

The x axis is the last N working days before the digest day (the official calendar). Each working
day's bar counts that day and the non-working days just before it, so nothing filed or resolved
over a weekend or a holiday falls between the bars:

- 新增: reports filed; 办结: `resolve` events (a report resolved again after a reopen counts
  again, as the digest counts them);
- 未办结: reports still being worked on (submitted … escalated) at the end of the day, found by
  walking the window's events back from the states now;
- open items by category: the reports being worked on now;
- 复工率 and 产能利用率 of the check-in rounds in the window (liaisonbot/read/checkins.py), when
  there were any.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from liaisonbot.clock import from_db_required, to_db
from liaisonbot.domain.workflow import WORKING_STATES
from liaisonbot.read import checkins
from liaisonbot.read.digest.scope import DigestScope, is_digest_working_day
from liaisonbot.store import Database

DEFAULT_DAYS = 14
MAX_DAYS = 60
_WORKING = sorted(s.value for s in WORKING_STATES)


@dataclass(frozen=True)
class RoundFigures:
    day: date
    resumed: float | None  # 复工率, %
    capacity: float | None  # 产能利用率, %


@dataclass(frozen=True)
class ChartData:
    scope: DigestScope
    days: tuple[date, ...]  # working days, oldest first
    new: tuple[int, ...]
    resolved: tuple[int, ...]
    open: tuple[int, ...]  # at the end of each day
    open_by_category: tuple[tuple[str, int], ...]  # (category code, count), largest first
    rounds: tuple[RoundFigures, ...] = ()  # check-in rounds in the window (none: no panel)

    @property
    def total_new(self) -> int:
        return sum(self.new)

    @property
    def total_resolved(self) -> int:
        return sum(self.resolved)

    @property
    def open_now(self) -> int:
        return sum(n for _, n in self.open_by_category)


def working_days_before(day: date, count: int) -> list[date]:
    """The `count` working days before `day`, oldest first."""
    found: list[date] = []
    candidate = day - timedelta(days=1)
    while len(found) < count:
        if is_digest_working_day(candidate):
            found.append(candidate)
        candidate -= timedelta(days=1)
    return found[::-1]


def _bucket_ends(days: list[date], zone: ZoneInfo) -> list[datetime]:
    return [
        datetime.combine(d + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC) for d in days
    ]


def _bucket_of(moment: datetime, start: datetime, ends: list[datetime]) -> int | None:
    if moment < start:
        return None
    for i, end in enumerate(ends):
        if moment < end:
            return i
    return None


async def chart_data(
    db: Database, scope: DigestScope, day: date, zone: ZoneInfo, *, days: int = DEFAULT_DAYS
) -> ChartData:
    """The chart of the `days` working days before `day` (the digest day), in `scope`."""
    work_days = working_days_before(day, days)
    ends = _bucket_ends(work_days, zone)
    previous = working_days_before(work_days[0], 1)[0]
    start = _bucket_ends([previous], zone)[0]
    where, params = scope.sql("e")
    marks = ", ".join("?" * len(_WORKING))

    new = [0] * days
    for r in await db.fetch_all(
        "SELECT r.created_at FROM reports r JOIN enterprises e ON e.id = r.enterprise_id"
        f" WHERE r.created_at >= ? AND r.created_at < ?{where}",
        [to_db(start), to_db(ends[-1]), *params],
    ):
        i = _bucket_of(from_db_required(r["created_at"]), start, ends)
        if i is not None:
            new[i] += 1

    # every event since the window opened, newest first, to walk the states back from now
    events = await db.fetch_all(
        "SELECT ev.report_id, ev.at, ev.action, ev.from_state, ev.to_state, r.state"
        " FROM report_events ev JOIN reports r ON r.id = ev.report_id"
        " JOIN enterprises e ON e.id = r.enterprise_id"
        f" WHERE ev.at >= ?{where} ORDER BY ev.at DESC, ev.id DESC",
        [to_db(start), *params],
    )
    category_rows = await db.fetch_all(
        "SELECT r.category, COUNT(*) AS n FROM reports r JOIN enterprises e"
        f" ON e.id = r.enterprise_id WHERE r.state IN ({marks}){where}"
        " GROUP BY r.category ORDER BY n DESC, r.category",
        [*_WORKING, *params],
    )
    open_now = sum(r["n"] for r in category_rows)
    working = set(_WORKING)
    state: dict[int, str | None] = {}
    resolved = [0] * days
    opened = [0] * days
    count = open_now
    boundary = len(ends) - 1
    for ev in events:
        at = from_db_required(ev["at"])
        while boundary >= 0 and at < ends[boundary]:
            opened[boundary] = count
            boundary -= 1
        i = _bucket_of(at, start, ends)
        if i is not None and ev["action"] == "resolve":
            resolved[i] += 1
        report_id = ev["report_id"]
        before = state.get(report_id, ev["state"])  # newest event first: the state now
        after = ev["from_state"]  # None: the report did not exist before its first event
        count += (after in working) - (before in working)
        state[report_id] = after
    while boundary >= 0:
        opened[boundary] = count
        boundary -= 1
    return ChartData(
        scope=scope,
        days=tuple(work_days),
        new=tuple(new),
        resolved=tuple(resolved),
        open=tuple(opened),
        open_by_category=tuple((r["category"], r["n"]) for r in category_rows),
        rounds=await resumption_series(db, scope, work_days),
    )


async def resumption_series(
    db: Database, scope: DigestScope, days: list[date]
) -> tuple[RoundFigures, ...]:
    """复工率 and 产能利用率 (percentages) of each check-in round from a week before the first day
    to the last, in the scope (liaisonbot/read/checkins.py); () when there were none."""
    chain = scope.chains[0] if len(scope.chains) == 1 else ""
    out = []
    for round_day in await checkins.rounds(db, days[0] - timedelta(days=7), days[-1]):
        entries = await checkins.entries(
            db, round_day, region_prefix=scope.region_prefix, chain=chain
        )
        if len(scope.chains) > 1:
            entries = [e for e in entries if e.chain in scope.chains]
        f = checkins.figures(entries)
        if f.resumed_any is not None or f.capacity_rate is not None:
            out.append(RoundFigures(round_day, f.resumed_any, f.capacity_rate))
    return tuple(out)
