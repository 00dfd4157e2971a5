"""Reports as chats show them: one report, its timeline, an enterprise's reports, and the reports
whose card is still to be delivered. Plain queries, no unit of work.

The other read modules (people, triage, groups, regions, queue, reminders) are re-exported (see
`__all__`), so `from liaisonbot.read import reports as views; views.X(...)` keeps working while the
handlers move to importing them directly. New code should import the subject's module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from liaisonbot.clock import from_db_required
from liaisonbot.domain.models import Enterprise, Report, ReportEvent
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.read.groups import escalation_group, group
from liaisonbot.read.people import (
    Viewer,
    officials_covering,
    person_label,
    user_id_by_username,
    user_language,
    user_names,
    viewer,
)
from liaisonbot.read.queue import QueueItem, group_queue, groups_queue
from liaisonbot.read.regions import chains_in_region, region_codes_under
from liaisonbot.read.reminders import ReminderCandidate, reminder_candidates
from liaisonbot.read.triage import (
    Prompt,
    TriageInfo,
    open_prompts,
    prompt,
    report_by_card,
    triage_info,
)
from liaisonbot.store import Database
from liaisonbot.store.enterprises import enterprise_from_row
from liaisonbot.store.reports import ReportRepository


@dataclass(frozen=True)
class ReportListItem:
    id: int
    title: str
    state: ReportState
    category: str
    created_at: datetime


async def enterprise(db: Database, enterprise_id: int) -> Enterprise | None:
    row = await db.fetch_one("SELECT * FROM enterprises WHERE id = ?", (enterprise_id,))
    return enterprise_from_row(row) if row else None


async def report(db: Database, report_id: int) -> Report | None:
    return await ReportRepository(db.conn).get(report_id)


async def timeline(db: Database, report_id: int) -> list[ReportEvent]:
    rows = await db.fetch_all(
        "SELECT * FROM report_events WHERE report_id = ? ORDER BY id", (report_id,)
    )
    return [
        ReportEvent(
            report_id=r["report_id"],
            actor_id=r["actor_id"],
            at=from_db_required(r["at"]),
            action=r["action"],
            from_state=ReportState(r["from_state"]) if r["from_state"] else None,
            to_state=ReportState(r["to_state"]),
            note=r["note"],
        )
        for r in rows
    ]


async def enterprise_reports(
    db: Database, enterprise_id: int, limit: int = 20
) -> list[ReportListItem]:
    """An enterprise's reports, newest first: the contact's /my (一企一策 at a glance)."""
    rows = await db.fetch_all(
        "SELECT id, title, state, category, created_at FROM reports WHERE enterprise_id = ?"
        " ORDER BY id DESC LIMIT ?",
        (enterprise_id, limit),
    )
    return [
        ReportListItem(
            id=r["id"],
            title=r["title"],
            state=ReportState(r["state"]),
            category=r["category"],
            created_at=from_db_required(r["created_at"]),
        )
        for r in rows
    ]


async def pending_delivery(db: Database) -> list[int]:
    return await ReportRepository(db.conn).pending_delivery()


# The names handlers reach as `views.X`: this module's own and, as a transition, those now in
# their subject's module (imported above).
__all__ = [
    "Prompt",
    "QueueItem",
    "ReminderCandidate",
    "ReportListItem",
    "TriageInfo",
    "Viewer",
    "chains_in_region",
    "enterprise",
    "enterprise_reports",
    "escalation_group",
    "group",
    "group_queue",
    "groups_queue",
    "officials_covering",
    "open_prompts",
    "pending_delivery",
    "person_label",
    "prompt",
    "region_codes_under",
    "reminder_candidates",
    "report",
    "report_by_card",
    "timeline",
    "triage_info",
    "user_id_by_username",
    "user_language",
    "user_names",
    "viewer",
]
