"""The read side: what chats and lists show. Plain queries, no unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from .clock import from_db
from .domain.models import Enterprise, Report, ReportEvent, RoleGrant
from .domain.vocabulary import ReportState
from .store import Database
from .store.enterprises import enterprise_from_row
from .store.reports import ReportRepository


@dataclass(frozen=True)
class Viewer:
    """Who is asking: their roles and the enterprise they are a contact of."""

    user_id: int
    grants: tuple[RoleGrant, ...]
    contact_enterprise_id: int | None
    language: str | None


@dataclass(frozen=True)
class ReportListItem:
    id: int
    title: str
    state: ReportState
    category: str
    created_at: object


async def viewer(db: Database, user_id: int) -> Viewer:
    rows = await db.fetch_all(
        "SELECT user_id, role, region_prefix, chain FROM roles WHERE user_id = ?", (user_id,)
    )
    contact = await db.fetch_one("SELECT enterprise_id FROM contacts WHERE user_id = ?", (user_id,))
    user = await db.fetch_one("SELECT language FROM users WHERE user_id = ?", (user_id,))
    return Viewer(
        user_id=user_id,
        grants=tuple(RoleGrant.model_validate(dict(r)) for r in rows),
        contact_enterprise_id=contact["enterprise_id"] if contact else None,
        language=user["language"] if user else None,
    )


async def user_language(db: Database, user_id: int) -> str | None:
    row = await db.fetch_one("SELECT language FROM users WHERE user_id = ?", (user_id,))
    return row["language"] if row else None


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
            at=from_db(r["at"]),
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
            created_at=from_db(r["created_at"]),
        )
        for r in rows
    ]


async def user_names(db: Database, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    marks = ",".join("?" * len(user_ids))
    rows = await db.fetch_all(
        f"SELECT user_id, full_name, username FROM users WHERE user_id IN ({marks})",
        tuple(user_ids),
    )
    return {r["user_id"]: r["full_name"] or r["username"] or str(r["user_id"]) for r in rows}


async def pending_delivery(db: Database) -> list[int]:
    return await ReportRepository(db.conn).pending_delivery()
