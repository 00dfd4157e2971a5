"""The read side of check-ins: each enterprise's status in a round, the round's figures overall
and by chain, region and tier with the change since the previous round, the 未复工达产名单, and
one enterprise's history (docs/domain.md, "Resumption check-ins")."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from liaisonbot.clock import from_db
from liaisonbot.domain.checkins import (
    DEFAULT_THRESHOLD,
    Answer,
    ResumptionStatus,
    RoundStatus,
    below_since,
    below_threshold,
)
from liaisonbot.read.checkin_figures import Fact, Figures, tally
from liaisonbot.read.digest.model import EnterpriseStatus
from liaisonbot.read.enterprises import OPEN
from liaisonbot.store import Database
from liaisonbot.store.checkins import answer_from_row

_OPEN_SQL = "('" + "', '".join(OPEN) + "')"
HISTORY_DAYS = 90  # how far back "below since" looks


@dataclass(frozen=True)
class Entry:
    """One enterprise in one round."""

    enterprise_id: int
    name: str
    region_code: str
    chain: str
    tier: str
    status: RoundStatus
    answer: Answer | None
    on_behalf: bool = False
    credit_code: str = ""
    answered_at: datetime | None = None  # of the version shown
    version: int = 0


def _fact(e: Entry) -> Fact:
    a = e.answer
    if a is None:
        return (e.status, None, None, None, None)
    return (e.status, a.status, a.registered, a.on_duty, a.capacity)


def figures(entries: list[Entry], threshold: float = DEFAULT_THRESHOLD) -> Figures:
    """The figures of these entries (checkin_figures.tally)."""
    return tally([_fact(e) for e in entries], threshold)


def _capacity(a: Answer) -> float | None:
    """Not resumed is 0 % capacity whether or not a figure was typed."""
    return 0.0 if a.status is ResumptionStatus.NOT_RESUMED else a.capacity


async def rounds(
    db: Database, date_from: date | None = None, date_to: date | None = None
) -> list[date]:
    """The rounds (days) with asks or answers, oldest first."""
    rows = await db.fetch_all(
        "SELECT round_date FROM checkin_asks UNION SELECT round_date FROM checkin_answers"
        " ORDER BY round_date"
    )
    days = [date.fromisoformat(r[0]) for r in rows]
    return [
        d
        for d in days
        if (date_from is None or d >= date_from) and (date_to is None or d <= date_to)
    ]


async def latest_round(db: Database, before: date | None = None) -> date | None:
    """The latest round (before a day): the newest day with an ask or an answer."""
    found = []
    for table in ("checkin_asks", "checkin_answers"):
        row = await db.fetch_one(
            f"SELECT MAX(round_date) FROM {table}" + (" WHERE round_date < ?" if before else ""),
            (before.isoformat(),) if before else (),
        )
        if row and row[0]:
            found.append(date.fromisoformat(row[0]))
    return max(found) if found else None


async def _closed_before(db: Database, day: str) -> set[int]:
    """免报: the latest answer before the round said 停产·注销. They are few, so the partial index
    finds them; the `+` keeps the planner from walking every earlier answer by round instead."""
    rows = await db.fetch_all(
        "SELECT c.enterprise_id FROM checkin_answers c"
        " WHERE c.status = 'CLOSED' AND +c.round_date < ? AND c.id = (SELECT q.id"
        " FROM checkin_answers q WHERE q.enterprise_id = c.enterprise_id AND q.round_date < ?"
        " ORDER BY q.round_date DESC, q.version DESC LIMIT 1)",
        (day, day),
    )
    return {r[0] for r in rows}


# From the scope's enterprises (region index), each looked up by key: the ask, the last version
# and the first answer's time — that version's own when it is the first (versions count from 1:
# store/checkins.py), so that only corrected answers are looked up again. Columns 0–7 are the
# same for every caller.
_ROUND_SQL = (
    "SELECT e.id, k.closes_at, k.enterprise_id IS NOT NULL AS asked,"
    " CASE WHEN a.version = 1 THEN a.answered_at ELSE (SELECT MIN(f.answered_at)"
    "  FROM checkin_answers f WHERE f.round_date = ? AND f.enterprise_id = e.id) END AS first_at,"
    " a.status, a.registered, a.on_duty, a.capacity{columns}"
    " FROM enterprises e"
    " LEFT JOIN checkin_asks k ON k.round_date = ? AND k.enterprise_id = e.id"
    " LEFT JOIN checkin_answers a ON a.id = (SELECT l.id FROM checkin_answers l"
    "  WHERE l.round_date = ? AND l.enterprise_id = e.id ORDER BY l.version DESC LIMIT 1)"
    " WHERE e.region_code >= ? AND e.region_code < ? AND (? = '' OR e.chain = ?)"
)
_ENTRY_COLUMNS = (
    ", e.name, e.region_code, e.chain, e.tier, e.credit_code, a.expected_date, a.bottleneck,"
    " a.on_behalf, a.answered_at, a.version"
)
_STATUSES = {s.value: s for s in ResumptionStatus}


async def _round_rows(
    db: Database, day: str, region_prefix: str, chain: str, columns: str
) -> list[tuple[RoundStatus, Any]]:
    """Each expected enterprise's row with its round status; the others are left out."""
    closed = await _closed_before(db, day)
    high = region_prefix + ":"  # the codes are digits: every code with the prefix sorts below
    rows = await db.fetch_all(
        _ROUND_SQL.format(columns=columns), (day, day, day, region_prefix, high, chain, chain)
    )
    on_time, late, exempt, missing = (
        RoundStatus.ON_TIME,
        RoundStatus.LATE,
        RoundStatus.EXEMPT,
        RoundStatus.MISSING,
    )
    out = []
    for r in rows:
        # times are stored in one fixed UTC format, so they compare as text
        first, closes = r[3], r[1]
        if first is not None:
            status = late if closes is not None and first >= closes else on_time
        elif r[0] in closed:
            status = exempt
        elif r[2]:
            status = missing
        else:
            continue  # neither asked nor answered: not expected in this round (round_status)
        out.append((status, r))
    return out


async def entries(
    db: Database, round_date: date, *, region_prefix: str = "", chain: str = ""
) -> list[Entry]:
    """Every enterprise of the scope expected in the round (asked, answered or 免报)."""
    rows = await _round_rows(db, round_date.isoformat(), region_prefix, chain, _ENTRY_COLUMNS)
    return [
        Entry(
            r["id"],
            r["name"],
            r["region_code"],
            r["chain"],
            r["tier"],
            status,
            answer_from_row(r) if r["status"] else None,
            bool(r["on_behalf"]),
            r["credit_code"],
            from_db(r["answered_at"]),
            r["version"] or 0,
        )
        for status, r in rows
    ]


async def round_figures(
    db: Database,
    round_date: date,
    *,
    region_prefix: str = "",
    chain: str = "",
    threshold: float = DEFAULT_THRESHOLD,
) -> Figures:
    """The figures alone (as `figures(entries(...))`), reading only the columns they need."""
    rows = await _round_rows(db, round_date.isoformat(), region_prefix, chain, "")
    return tally(
        ((status, _STATUSES[r[4]] if r[4] else None, r[5], r[6], r[7]) for status, r in rows),
        threshold,
    )


@dataclass
class Picture:
    """A round's figures for one scope, and the previous round's for the change."""

    round_date: date
    total: Figures
    previous_date: date | None
    previous: Figures | None
    by_chain: dict[str, Figures] = field(default_factory=dict)
    by_region: dict[str, Figures] = field(default_factory=dict)
    by_tier: dict[str, Figures] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)  # the round's, for the shortfall list


def _grouped(
    items: list[Entry], facts: list[Fact], level: int, threshold: float
) -> tuple[dict[str, Figures], ...]:
    """The figures by chain, by region (`level` digits of the code) and by tier, in one pass."""
    chains: dict[str, list[Fact]] = {}
    regions: dict[str, list[Fact]] = {}
    tiers: dict[str, list[Fact]] = {}
    for e, fact in zip(items, facts, strict=True):
        chains.setdefault(e.chain, []).append(fact)
        regions.setdefault(e.region_code[:level], []).append(fact)
        tiers.setdefault(e.tier, []).append(fact)
    return tuple(
        {k: tally(v, threshold) for k, v in sorted(groups.items())}
        for groups in (chains, regions, tiers)
    )


def region_level(prefix: str) -> int:
    """The division one level below the scope's: provinces, then cities, then districts."""
    return {0: 2, 2: 4, 4: 6}.get(len(prefix), 6)


async def picture(
    db: Database,
    round_date: date | None = None,
    *,
    region_prefix: str = "",
    chain: str = "",
    threshold: float = DEFAULT_THRESHOLD,
) -> Picture | None:
    round_date = round_date or await latest_round(db)
    if round_date is None:
        return None
    current = await entries(db, round_date, region_prefix=region_prefix, chain=chain)
    previous_date = await latest_round(db, before=round_date)
    previous = None
    if previous_date is not None:
        previous = await round_figures(
            db, previous_date, region_prefix=region_prefix, chain=chain, threshold=threshold
        )
    facts = [_fact(e) for e in current]
    by_chain, by_region, by_tier = _grouped(current, facts, region_level(region_prefix), threshold)
    return Picture(
        round_date=round_date,
        total=tally(facts, threshold),
        previous_date=previous_date,
        previous=previous,
        by_chain=by_chain,
        by_region=by_region,
        by_tier=by_tier,
        entries=current,
    )


@dataclass(frozen=True)
class Shortfall:
    """A core supplier not resumed or below the threshold (未复工达产)."""

    enterprise_id: int
    name: str
    answer: Answer | None  # None: it has not answered this round
    leading: tuple[str, ...]  # the leading enterprises it supplies
    below_since: date | None
    rounds_below: int
    open_reports: int


@dataclass
class ShortfallList:
    round_date: date
    below: list[Shortfall]  # ranked: most leading enterprises held up first
    missing: list[Shortfall]  # core suppliers that have not answered, listed apart


async def shortfalls(
    db: Database,
    round_date: date | None = None,
    *,
    region_prefix: str = "",
    chain: str = "",
    threshold: float = DEFAULT_THRESHOLD,
    leading_id: int | None = None,
    items: list[Entry] | None = None,
) -> ShortfallList | None:
    """`items`: the round's entries for the scope when the caller has them (Picture.entries)."""
    round_date = round_date or await latest_round(db)
    if round_date is None:
        return None
    if items is None:
        items = await entries(db, round_date, region_prefix=region_prefix, chain=chain)
    items = [e for e in items if e.tier == "CORE_SUPPLIER"]
    below = [e for e in items if e.answer is not None and below_threshold(e.answer, threshold)]
    missing = [e for e in items if e.status is RoundStatus.MISSING]
    ids = [e.enterprise_id for e in below + missing]
    leading: dict[int, list[str]] = {}
    history: dict[int, list[tuple[date, Answer]]] = {}
    open_counts: dict[int, int] = {}
    if ids:
        listed = json.dumps(ids)
        marks = "SELECT value FROM json_each(?)"
        since = (round_date - timedelta(days=HISTORY_DAYS)).isoformat()
        for r in await db.fetch_all(
            "SELECT l.supplier_id, l.leading_id, e.name FROM enterprise_links l"
            f" JOIN enterprises e ON e.id = l.leading_id WHERE l.supplier_id IN ({marks})"
            " ORDER BY e.name",
            (listed,),
        ):
            if leading_id is None or r["leading_id"] == leading_id:
                leading.setdefault(r["supplier_id"], []).append(r["name"])
        for r in await db.fetch_all(
            # what below_since looks at: the status and the capacity of each round's last version
            "SELECT a.enterprise_id, a.round_date, a.status, a.capacity FROM checkin_answers a"
            f" WHERE a.enterprise_id IN ({marks}) AND a.round_date <= ? AND a.round_date >= ?"
            " ORDER BY a.enterprise_id, a.round_date, a.version",
            (listed, round_date.isoformat(), since),
        ):
            runs = history.setdefault(r[0], [])
            day = date.fromisoformat(r[1])
            if runs and runs[-1][0] == day:
                runs.pop()  # an earlier version of the same round: the last one counts
            runs.append((day, Answer(_STATUSES[r[2]], capacity=r[3])))
        for r in await db.fetch_all(
            f"SELECT enterprise_id, COUNT(*) AS n FROM reports WHERE enterprise_id IN ({marks})"
            f" AND state IN {_OPEN_SQL} GROUP BY enterprise_id",
            (listed,),
        ):
            open_counts[r["enterprise_id"]] = r["n"]

    def shortfall(e: Entry) -> Shortfall:
        since, rounds = below_since(history.get(e.enterprise_id, []), threshold)
        return Shortfall(
            e.enterprise_id,
            e.name,
            e.answer,
            tuple(leading.get(e.enterprise_id, ())),
            since,
            rounds,
            open_counts.get(e.enterprise_id, 0),
        )

    held = [shortfall(e) for e in below]
    if leading_id is not None:
        held = [s for s in held if s.leading]
    held.sort(key=lambda s: (-len(s.leading), _capacity(s.answer) or 0.0, s.name))  # type: ignore[arg-type]
    absent = sorted((shortfall(e) for e in missing), key=lambda s: (-len(s.leading), s.name))
    if leading_id is not None:
        absent = [s for s in absent if s.leading]
    return ShortfallList(round_date, held, absent)


@dataclass(frozen=True)
class HistoryLine:
    round_date: date
    version: int
    answer: Answer
    answered_at: datetime
    on_behalf: bool
    recorded_by: int | None


async def history(db: Database, enterprise_id: int, limit: int = 10) -> list[HistoryLine]:
    """The enterprise's answers, newest first, every version kept."""
    rows = await db.fetch_all(
        "SELECT * FROM checkin_answers WHERE enterprise_id = ?"
        " ORDER BY round_date DESC, version DESC LIMIT ?",
        (enterprise_id, limit),
    )
    return [
        HistoryLine(
            date.fromisoformat(r["round_date"]),
            r["version"],
            answer_from_row(r),
            from_db(r["answered_at"]),  # type: ignore[arg-type]
            bool(r["on_behalf"]),
            r["recorded_by"],
        )
        for r in rows
    ]


async def digest_status(
    db: Database,
    region_prefix: str,
    chains: tuple[str, ...],
    day: date,
    threshold: float = DEFAULT_THRESHOLD,
) -> EnterpriseStatus | None:
    """The daily digest's enterprise section: the latest round up to `day` in the scope
    (rates as fractions, as the digest shows them), with the 未复工达产 suppliers first."""
    round_date = await latest_round(db, before=day + timedelta(days=1))
    if round_date is None:
        return None
    chain = chains[0] if len(chains) == 1 else ""
    items = [
        e
        for e in await entries(db, round_date, region_prefix=region_prefix, chain=chain)
        if not chains or e.chain in chains
    ]
    if not items:
        return None
    f = figures(items, threshold)
    listed = await shortfalls(db, round_date, items=items)
    below = [s for s in (listed.below if listed else []) if not chains or _chain_of(items, s)]

    def fraction(value: float | None) -> float | None:
        return None if value is None else value / 100

    return EnterpriseStatus(
        tracked=len(items),
        leading=sum(e.tier == "LEADING" for e in items),
        suppliers=sum(e.tier == "CORE_SUPPLIER" for e in items),
        resumed=sum(
            e.answer is not None
            and e.answer.status in (ResumptionStatus.PARTIAL, ResumptionStatus.FULL)
            for e in items
        ),
        resumption_rate=fraction(f.resumed_any),
        staff_return_rate=fraction(f.staff_rate),
        capacity_rate=fraction(f.capacity_rate),
        not_resumed=tuple((s.name, "、".join(s.leading)) for s in below[:DIGEST_SHORTFALLS]),
        round_date=round_date,
        reporting_rate=fraction(f.reporting_rate),
        at_threshold=fraction(f.at_threshold),
        missing=f.missing,
        shortfall_total=len(below),
    )


DIGEST_SHORTFALLS = 5


def _chain_of(items: list[Entry], s: Shortfall) -> bool:
    return any(e.enterprise_id == s.enterprise_id for e in items)


async def latest_answers(db: Database, enterprise_ids: list[int]) -> dict[int, tuple[date, Answer]]:
    """Each enterprise's newest answer (last version of its latest round)."""
    if not enterprise_ids:
        return {}
    marks = ",".join("?" * len(enterprise_ids))
    rows = await db.fetch_all(
        f"SELECT a.* FROM checkin_answers a WHERE a.enterprise_id IN ({marks})"
        " AND a.id = (SELECT b.id FROM checkin_answers b WHERE b.enterprise_id = a.enterprise_id"
        " ORDER BY b.round_date DESC, b.version DESC LIMIT 1)",
        enterprise_ids,
    )
    return {
        r["enterprise_id"]: (date.fromisoformat(r["round_date"]), answer_from_row(r)) for r in rows
    }
