"""Deadline reminders' read side: the open reports with a due date, and the reminders already
sent for each (liaisonbot.services.reminders decides which to send)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from liaisonbot.clock import from_db, from_db_required
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.store import Database


@dataclass(frozen=True)
class ReminderCandidate:
    report_id: int
    state: ReportState
    due_at: datetime
    assignee_id: int | None
    group_chat_id: int | None
    region_code: str
    chain: str
    title: str
    sent: frozenset[tuple[str, str]]  # (kind, key) already sent
    overdue_sent_at: datetime | None  # for the current due date


async def reminder_candidates(db: Database) -> list[ReminderCandidate]:
    rows = await db.fetch_all(
        "SELECT r.id, r.state, r.due_at, r.assignee_id, r.group_chat_id, r.title,"
        " e.region_code, e.chain FROM reports r JOIN enterprises e ON e.id = r.enterprise_id"
        " WHERE r.due_at IS NOT NULL"
        " AND r.state IN ('accepted', 'in_progress', 'need_info', 'escalated') ORDER BY r.id"
    )
    sent_rows = await db.fetch_all(
        "SELECT s.report_id, s.kind, s.key, s.sent_at FROM reminders_sent s"
        " JOIN reports r ON r.id = s.report_id"
        " WHERE r.state IN ('accepted', 'in_progress', 'need_info', 'escalated')"
    )
    sent: dict[int, set[tuple[str, str]]] = {}
    overdue_at: dict[tuple[int, str], datetime | None] = {}
    for s in sent_rows:
        sent.setdefault(s["report_id"], set()).add((s["kind"], s["key"]))
        if s["kind"] == "overdue":
            overdue_at[(s["report_id"], s["key"])] = from_db(s["sent_at"])
    return [
        ReminderCandidate(
            report_id=r["id"],
            state=ReportState(r["state"]),
            due_at=from_db_required(r["due_at"]),  # WHERE r.due_at IS NOT NULL
            assignee_id=r["assignee_id"],
            group_chat_id=r["group_chat_id"],
            region_code=r["region_code"],
            chain=r["chain"],
            title=r["title"],
            sent=frozenset(sent.get(r["id"], set())),
            overdue_sent_at=overdue_at.get((r["id"], r["due_at"])),
        )
        for r in rows
    ]
