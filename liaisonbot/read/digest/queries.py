"""The digest's read side. Indexed queries only, so the cost follows the period's activity and
the open items, never the whole history:

- the period's events: `report_events (at)`;
- the pending items: `reports (state, due_at)`;
- the rows for both: primary keys; the scope is a filter on the joined enterprise;
- escalation acknowledgements, overdue reminders and progress notes: `report_events
  (report_id, id)` and `reminders_sent`'s primary key, for the few rows that need them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from liaisonbot.clock import from_db, from_db_required, to_db
from liaisonbot.domain import deadlines
from liaisonbot.domain.vocabulary import ReportState, Urgency
from liaisonbot.read.digest.model import (
    DONE_STATES,
    NOT_TAKEN,
    PENDING_STATES,
    WORKING_STATES,
    Digest,
    EnterpriseStatus,
    LedgerRow,
    OpenByState,
    PeriodEvent,
    Tally,
    progress_of,
)
from liaisonbot.read.digest.scope import DigestScope, Period
from liaisonbot.read.event_words import person_ids_in
from liaisonbot.read.people import people_labels, person_label
from liaisonbot.store import Database

_PENDING = [s.value for s in PENDING_STATES]


async def period_events(db: Database, scope: DigestScope, period: Period) -> list[PeriodEvent]:
    where, params = scope.sql("e")
    rows = await db.fetch_all(
        "SELECT ev.report_id, ev.at, ev.action, ev.from_state, ev.to_state, ev.note,"
        " ev.actor_id, u.full_name, u.username"
        " FROM report_events ev JOIN reports r ON r.id = ev.report_id"
        " JOIN enterprises e ON e.id = r.enterprise_id"
        " LEFT JOIN users u ON u.user_id = ev.actor_id"
        f" WHERE ev.at >= ? AND ev.at < ?{where} ORDER BY ev.at, ev.id",
        [period.start_db, period.end_db, *params],
    )
    return [
        PeriodEvent(
            report_id=r["report_id"],
            at=from_db_required(r["at"]),
            action=r["action"],
            from_state=r["from_state"],
            to_state=r["to_state"],
            note=r["note"],
            actor=person_label(r["actor_id"], r["full_name"], r["username"]),
        )
        for r in rows
    ]


async def ledger_rows(
    db: Database, scope: DigestScope, report_ids: Iterable[int]
) -> list[LedgerRow]:
    """The reports of `report_ids` and every pending report, in scope, by number."""
    where, params = scope.sql("e")
    marks = ", ".join("?" * len(_PENDING))
    rows = await db.fetch_all(
        "WITH ids AS (SELECT value AS id FROM json_each(?)"
        f" UNION SELECT id FROM reports WHERE state IN ({marks}))"
        " SELECT r.id, r.category, r.title, r.ask, r.urgency, r.state, r.assignee_id, r.due_at,"
        " r.description, r.impact, r.scope, r.mode, r.channel, r.outcome,"
        " r.created_at, e.name, e.credit_code, e.region_code, e.chain,"
        " u.full_name, u.username"
        " FROM ids JOIN reports r ON r.id = ids.id JOIN enterprises e ON e.id = r.enterprise_id"
        f" LEFT JOIN users u ON u.user_id = r.assignee_id WHERE 1 = 1{where} ORDER BY r.id",
        [json.dumps(sorted(set(report_ids))), *_PENDING, *params],
    )
    return [
        LedgerRow(
            id=r["id"],
            enterprise_name=r["name"],
            credit_code=r["credit_code"],
            region_code=r["region_code"],
            chain=r["chain"],
            category=r["category"],
            title=r["title"],
            ask=r["ask"],
            urgency=_urgency(r["urgency"]),
            state=ReportState(r["state"]),
            assignee=person_label(r["assignee_id"], r["full_name"], r["username"]),
            created_at=from_db_required(r["created_at"]),
            due_at=from_db(r["due_at"]),
            description=r["description"],
            impact=r["impact"],
            scope=r["scope"],
            mode=r["mode"],
            channel=r["channel"],
            outcome=r["outcome"],
        )
        for r in rows
    ]


async def add_ladder(db: Database, rows: list[LedgerRow]) -> None:
    """Fill in each row's level, path, 协办 regions and units (docs/domain.md#escalation-ladder)."""
    if not rows:
        return
    ids = json.dumps([r.id for r in rows])
    reports = await db.fetch_all(
        "SELECT id, escalation_level, level_since, lead_unit, partner_units FROM reports"
        " WHERE id IN (SELECT value FROM json_each(?))",
        [ids],
    )
    levels = await db.fetch_all(
        "SELECT report_id, region_prefix FROM report_levels"
        " WHERE report_id IN (SELECT value FROM json_each(?)) ORDER BY report_id, level",
        [ids],
    )
    assists = await db.fetch_all(
        "SELECT report_id, region_code, state FROM assist_requests"
        " WHERE report_id IN (SELECT value FROM json_each(?)) ORDER BY report_id, requested_at",
        [ids],
    )
    paths: dict[int, list[str]] = {}
    for r in levels:
        paths.setdefault(r["report_id"], []).append(r["region_prefix"])
    helps: dict[int, list[tuple[str, str]]] = {}
    for r in assists:
        helps.setdefault(r["report_id"], []).append((r["region_code"], r["state"]))
    by_id = {r["id"]: r for r in reports}
    for row in rows:
        found = by_id.get(row.id)
        if found is None:
            continue
        r = found
        row.level = r["escalation_level"]
        row.level_since = from_db(r["level_since"])
        row.path = tuple(paths.get(row.id, ()))
        row.assists = tuple(helps.get(row.id, ()))
        row.lead_unit = r["lead_unit"]
        row.partner_units = r["partner_units"]


def _urgency(value: str) -> Urgency:
    try:
        return Urgency(value)
    except ValueError:
        return Urgency.NORMAL


async def enterprises_affected(db: Database, rows: list[LedgerRow]) -> dict[int, int]:
    """For reports linked as the same problem: how many enterprises it touches, itself included."""
    if not rows:
        return {}
    marks = ",".join("?" * len(rows))
    linked = await db.fetch_all(
        "SELECT x.id AS id, e.credit_code AS code FROM ("
        " SELECT report_id AS id, other_id AS other FROM report_links"
        " UNION ALL SELECT other_id, report_id FROM report_links) AS x"
        " JOIN reports r ON r.id = x.other JOIN enterprises e ON e.id = r.enterprise_id"
        f" WHERE x.id IN ({marks})",
        [r.id for r in rows],
    )
    codes = {r.id: {r.credit_code} for r in rows}
    for link in linked:
        codes[link["id"]].add(link["code"])
    return {report_id: len(found) for report_id, found in codes.items() if len(found) > 1}


async def unacknowledged_escalations(db: Database, report_ids: list[int]) -> set[int]:
    """Of escalated reports, those nobody in the escalation group acknowledged since the last
    escalation."""
    if not report_ids:
        return set()
    rows = await db.fetch_all(
        "SELECT report_id, action FROM report_events"
        " WHERE report_id IN (SELECT value FROM json_each(?))"
        " AND action IN ('escalate', 'acknowledge') ORDER BY report_id, id",
        [json.dumps(report_ids)],
    )
    last: dict[int, str] = {}
    for r in rows:
        last[r["report_id"]] = r["action"]
    return {i for i in report_ids if last.get(i, "escalate") == "escalate"}


async def overdue_reminders(db: Database, rows: list[LedgerRow]) -> dict[int, datetime]:
    """When the 超期 reminder for each row's current due date went out (triage's log)."""
    wanted = {r.id: to_db(r.due_at) for r in rows if r.due_at is not None}
    if not wanted:
        return {}
    try:
        found = await db.fetch_all(
            "SELECT report_id, key, sent_at FROM reminders_sent WHERE kind = 'overdue'"
            " AND report_id IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted(wanted))],
        )
    except sqlite3.OperationalError:  # no reminders table before triage's migration
        return {}
    out: dict[int, datetime] = {}
    for r in found:
        if wanted.get(r["report_id"]) == r["key"]:
            out[r["report_id"]] = from_db_required(r["sent_at"])
    return out


async def progress_notes(db: Database, report_ids: list[int]) -> dict[int, str]:
    if not report_ids:
        return {}
    rows = await db.fetch_all(
        "SELECT report_id, action, note FROM report_events"
        " WHERE report_id IN (SELECT value FROM json_each(?)) AND note != ''"
        " ORDER BY report_id, id",
        [json.dumps(report_ids)],
    )
    by_report: dict[int, list[tuple[str, str]]] = {}
    for r in rows:
        by_report.setdefault(r["report_id"], []).append((r["action"], r["note"]))
    names = await people_labels(db, person_ids_in((r["action"], r["note"]) for r in rows))
    return {i: progress_of(ev, names) for i, ev in by_report.items()}


async def enterprise_status(
    db: Database, scope: DigestScope, period: Period
) -> EnterpriseStatus | None:
    """The digest's part 1 (docs/domain.md#digest-figures: 复工率, 返岗率, 产能利用率 from
    check-ins): the latest round up to the digest's day; None before the first round."""
    from liaisonbot.read.checkins import digest_status

    return await digest_status(db, scope.region_prefix, scope.chains, period.day)


def region_key(region_code: str, scope: DigestScope) -> str:
    """The division one level below the scope's: provinces nationally, cities in a province,
    districts in a city."""
    level = {0: 2, 2: 4, 4: 6}.get(len(scope.region_prefix), 6)
    return region_code[:level]


@dataclass
class ReportMarks:
    """What happened to one report in the period, as the figures count it (docs/domain.md#digest-
    figures): each report once, however many events it had."""

    accepted: datetime | None = None  # its first 受理 in the period
    resolved: datetime | None = None  # its latest 办结 in the period
    closed: bool = False
    reopened: bool = False
    escalated: bool = False
    answer: str | None = None  # its latest 回访 answer in the period


def report_marks(events: Iterable[PeriodEvent]) -> dict[int, ReportMarks]:
    """Per report, what the period's events (in time order) did to it."""
    out: dict[int, ReportMarks] = {}
    for ev in events:
        marks = out.setdefault(ev.report_id, ReportMarks())
        if ev.action == "accept" and marks.accepted is None:
            marks.accepted = ev.at
        elif ev.action == "resolve":
            marks.resolved = ev.at
        elif ev.action in ("confirm", "auto_close"):
            marks.closed = True
        elif ev.action == "reopen":
            marks.reopened = True
        elif ev.action == "escalate":
            marks.escalated = True
        if ev.satisfaction is not None:
            marks.answer = ev.satisfaction
    return out


def compute(
    rows: list[LedgerRow], events: list[PeriodEvent], period: Period, scope: DigestScope
) -> tuple[Tally, OpenByState, dict[str, Tally], dict[str, Tally], dict[str, Tally]]:
    """All the figures, overall and by category, region and chain, from the rows and events."""
    total, by_state = Tally(), OpenByState()
    by_category: dict[str, Tally] = {}
    by_region: dict[str, Tally] = {}
    by_chain: dict[str, Tally] = {}
    slices: dict[int, tuple[Tally, ...]] = {}
    for row in rows:
        tallies: tuple[Tally, ...] = (
            total,
            by_category.setdefault(row.category, Tally()),
            by_region.setdefault(region_key(row.region_code, scope), Tally()),
            by_chain.setdefault(row.chain, Tally()),
        )
        slices[row.id] = tallies
        if row.state in PENDING_STATES:
            by_state.counts[row.state] += 1
        for t in tallies:
            t.new += period.contains(row.created_at)
            t.open += row.state in WORKING_STATES
            t.awaiting_confirmation += row.state is ReportState.RESOLVED
            t.due_soon += row.flags.due_soon
            t.overdue += row.flags.overdue
            t.supervise += row.flags.supervise
            t.escalated_unacked += row.escalated_unacked
            t.counted += row.state not in NOT_TAKEN
            t.done += row.state in DONE_STATES
    created_at = {row.id: row.created_at for row in rows}
    for report_id, marks in report_marks(events).items():
        created = created_at.get(report_id)
        for t in slices.get(report_id, ()):
            t.accepted += marks.accepted is not None
            t.resolved += marks.resolved is not None
            t.closed += marks.closed
            t.reopened += marks.reopened
            t.escalated += marks.escalated
            if marks.accepted is not None and created is not None:
                t.accept_hours += (marks.accepted - created).total_seconds() / 3600
                t.accept_count += 1
            if marks.resolved is not None and created is not None:
                t.resolve_hours += (marks.resolved - created).total_seconds() / 3600
                t.resolve_count += 1
            if marks.answer is not None:
                t.satisfaction[marks.answer] += 1
    return total, by_state, by_category, by_region, by_chain


async def build_digest(
    db: Database, scope: DigestScope, period: Period, *, now: datetime, zone: ZoneInfo
) -> Digest:
    """The digest of `scope` for `period`, its open items' marks as of `now`."""
    events = await period_events(db, scope, period)
    rows = await ledger_rows(db, scope, (ev.report_id for ev in events))
    await add_ladder(db, rows)
    escalated = [r.id for r in rows if r.state is ReportState.ESCALATED]
    unacked = await unacknowledged_escalations(db, escalated)
    ticking = [r for r in rows if r.working and r.due_at is not None]
    overdue = [r for r in ticking if r.due_at is not None and r.due_at <= now]
    reminded = await overdue_reminders(db, overdue)
    for row in ticking:
        row.flags = deadlines.flags(row.state, row.due_at, now, zone, reminded.get(row.id))
    actions: dict[int, list[str]] = {}
    for ev in events:
        actions.setdefault(ev.report_id, []).append(ev.action)
    for row in rows:
        row.escalated_unacked = row.id in unacked
        row.period_actions = tuple(actions.get(row.id, ()))
    key_ids = [r.id for r in rows if r.is_key]
    notes = await progress_notes(db, key_ids)
    affected = await enterprises_affected(db, [r for r in rows if r.is_key])
    for row in rows:
        row.progress = notes.get(row.id, "")
        row.affected = affected.get(row.id, 1)
    total, by_state, by_category, by_region, by_chain = compute(rows, events, period, scope)
    return Digest(
        scope=scope,
        period=period,
        as_of=now,
        rows=rows,
        events=events,
        total=total,
        by_state=by_state,
        by_category=by_category,
        by_region=by_region,
        by_chain=by_chain,
        enterprise_status=await enterprise_status(db, scope, period),
        zone=zone,
    )
