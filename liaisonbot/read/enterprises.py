"""The read side of enterprises and the industry chain: one enterprise with its links, officer and
open reports (`/enterprise`), a leading enterprise's suppliers and their problems (`/chain`), and
the enterprise a report is held up by. Plain queries, no unit of work.

`person_name` (liaisonbot.read.people) stays importable from here for the handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from liaisonbot.clock import from_db, from_db_required
from liaisonbot.domain.models import Enterprise
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.read.people import person_name
from liaisonbot.store import Database
from liaisonbot.store.enterprises import enterprise_from_row

__all__ = [
    "EnterpriseDetail",
    "LatestStep",
    "LinkedEnterprise",
    "OpenReport",
    "SupplierStatus",
    "blocked_by",
    "chain",
    "detail",
    "person_name",
]

# Not yet done: what "open" means in these views (resolved items await the enterprise's answer).
OPEN = ("submitted", "accepted", "in_progress", "need_info", "escalated")
_OPEN_SQL = "('" + "', '".join(OPEN) + "')"


@dataclass(frozen=True)
class LinkedEnterprise:
    id: int
    name: str
    credit_code: str
    relation: str  # UPSTREAM / DOWNSTREAM
    resumption_status: str


@dataclass(frozen=True)
class OpenReport:
    id: int
    title: str
    state: ReportState
    category: str
    due_at: datetime | None
    blocked_by: str | None  # the name of the enterprise holding it up


@dataclass(frozen=True)
class LatestStep:
    report_id: int
    at: datetime
    action: str
    state: ReportState


@dataclass(frozen=True)
class EnterpriseDetail:
    enterprise: Enterprise
    officer_name: str | None
    leading: tuple[LinkedEnterprise, ...]  # the leading enterprises it supplies
    suppliers: int  # how many supply it
    open_reports: tuple[OpenReport, ...]
    open_total: int
    latest: LatestStep | None
    blocking: tuple[tuple[int, str], ...]  # open reports of others it holds up: (number, name)


@dataclass(frozen=True)
class SupplierStatus:
    enterprise: Enterprise
    relation: str
    open_reports: int
    latest_state: ReportState | None  # of its newest open report
    latest_title: str
    blocking: int  # open reports of others it holds up


async def detail(
    db: Database, enterprise: Enterprise, *, max_reports: int = 10
) -> EnterpriseDetail:
    assert enterprise.id is not None
    eid = enterprise.id
    leading = await db.fetch_all(
        "SELECT e.id, e.name, e.credit_code, e.resumption_status, l.relation"
        " FROM enterprise_links l JOIN enterprises e ON e.id = l.leading_id"
        " WHERE l.supplier_id = ? ORDER BY e.name",
        (eid,),
    )
    suppliers = await db.fetch_one(
        "SELECT COUNT(*) FROM enterprise_links WHERE leading_id = ?", (eid,)
    )
    reports = await db.fetch_all(
        "SELECT r.id, r.title, r.state, r.category, r.due_at, b.name AS blocked_by"
        " FROM reports r LEFT JOIN enterprises b ON b.id = r.blocked_by_enterprise_id"
        f" WHERE r.enterprise_id = ? AND r.state IN {_OPEN_SQL} ORDER BY r.id DESC LIMIT ?",
        (eid, max_reports),
    )
    total = await db.fetch_one(
        f"SELECT COUNT(*) FROM reports WHERE enterprise_id = ? AND state IN {_OPEN_SQL}", (eid,)
    )
    latest = await db.fetch_one(
        "SELECT ev.report_id, ev.at, ev.action, ev.to_state FROM report_events ev"
        " JOIN reports r ON r.id = ev.report_id WHERE r.enterprise_id = ?"
        " ORDER BY ev.at DESC, ev.id DESC LIMIT 1",
        (eid,),
    )
    blocking = await db.fetch_all(
        "SELECT r.id, e.name FROM reports r JOIN enterprises e ON e.id = r.enterprise_id"
        f" WHERE r.blocked_by_enterprise_id = ? AND r.state IN {_OPEN_SQL} ORDER BY r.id LIMIT 20",
        (eid,),
    )
    return EnterpriseDetail(
        enterprise=enterprise,
        officer_name=await person_name(db, enterprise.liaison_officer_id),
        leading=tuple(
            LinkedEnterprise(
                r["id"], r["name"], r["credit_code"], r["relation"], r["resumption_status"]
            )
            for r in leading
        ),
        suppliers=int(suppliers[0]) if suppliers else 0,
        open_reports=tuple(
            OpenReport(
                r["id"],
                r["title"],
                ReportState(r["state"]),
                r["category"],
                from_db(r["due_at"]),
                r["blocked_by"],
            )
            for r in reports
        ),
        open_total=int(total[0]) if total else 0,
        latest=(
            LatestStep(
                latest["report_id"],
                from_db_required(latest["at"]),
                latest["action"],
                ReportState(latest["to_state"]),
            )
            if latest
            else None
        ),
        blocking=tuple((r["id"], r["name"]) for r in blocking),
    )


async def chain(db: Database, leading_id: int) -> list[SupplierStatus]:
    """The suppliers of a leading enterprise: those with open problems first, then those holding
    up others, then by name."""
    rows = await db.fetch_all(
        "SELECT e.*, l.relation,"
        f" (SELECT COUNT(*) FROM reports r WHERE r.enterprise_id = e.id AND r.state IN {_OPEN_SQL})"
        " AS open_count,"
        " (SELECT r.state || '|' || r.title FROM reports r WHERE r.enterprise_id = e.id"
        f" AND r.state IN {_OPEN_SQL} ORDER BY r.id DESC LIMIT 1) AS latest,"
        " (SELECT COUNT(*) FROM reports r WHERE r.blocked_by_enterprise_id = e.id"
        f" AND r.state IN {_OPEN_SQL}) AS blocking"
        " FROM enterprise_links l JOIN enterprises e ON e.id = l.supplier_id"
        " WHERE l.leading_id = ?"
        " ORDER BY open_count = 0, blocking = 0, e.name",
        (leading_id,),
    )
    out = []
    for r in rows:
        state, _, title = (r["latest"] or "").partition("|")
        out.append(
            SupplierStatus(
                enterprise=enterprise_from_row(r),
                relation=r["relation"],
                open_reports=int(r["open_count"]),
                latest_state=ReportState(state) if state else None,
                latest_title=title,
                blocking=int(r["blocking"]),
            )
        )
    return out


async def blocked_by(db: Database, report_id: int) -> Enterprise | None:
    """The enterprise a report is held up by, if one was named."""
    row = await db.fetch_one(
        "SELECT e.* FROM reports r JOIN enterprises e ON e.id = r.blocked_by_enterprise_id"
        " WHERE r.id = ?",
        (report_id,),
    )
    return enterprise_from_row(row) if row else None
