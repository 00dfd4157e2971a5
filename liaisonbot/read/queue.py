"""A group's queue (/queue): the open reports carded in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from liaisonbot.clock import from_db
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.domain.workflow import OPEN_STATES
from liaisonbot.store import Database


@dataclass(frozen=True)
class QueueItem:
    id: int
    title: str
    state: ReportState
    category: str
    enterprise: str
    assignee_id: int | None
    due_at: datetime | None
    created_at: object
    enterprise_id: int


async def group_queue(db: Database, chat_id: int) -> list[QueueItem]:
    """Open reports carded in a group (or, for the escalation group, escalated there)."""
    return await _open_reports(
        db,
        "(r.group_chat_id = ? OR (r.escalation_chat_id = ? AND r.state = 'escalated'))",
        (chat_id, chat_id),
    )


async def groups_queue(db: Database) -> list[QueueItem]:
    """Open reports carded in any active group: an officer's /queue in the private chat, which
    the caller narrows to the officer's scope."""
    return await _open_reports(
        db,
        "r.group_chat_id IN (SELECT chat_id FROM liaison_groups WHERE active = 1)",
        (),
    )


async def _open_reports(db: Database, where: str, params: tuple[object, ...]) -> list[QueueItem]:
    open_states = sorted(state.value for state in OPEN_STATES)
    rows = await db.fetch_all(
        "SELECT r.id, r.title, r.state, r.category, r.assignee_id, r.due_at, r.created_at,"
        " r.enterprise_id, e.name FROM reports r JOIN enterprises e ON e.id = r.enterprise_id"
        f" WHERE {where}"
        f" AND r.state IN ({', '.join('?' * len(open_states))}) ORDER BY r.id",
        (*params, *open_states),
    )
    return [
        QueueItem(
            id=r["id"],
            title=r["title"],
            state=ReportState(r["state"]),
            category=r["category"],
            enterprise=r["name"],
            assignee_id=r["assignee_id"],
            due_at=from_db(r["due_at"]),
            created_at=from_db(r["created_at"]),
            enterprise_id=r["enterprise_id"],
        )
        for r in rows
    ]
