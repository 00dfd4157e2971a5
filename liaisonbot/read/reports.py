"""The read side: what chats and lists show. Plain queries, no unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from liaisonbot.clock import from_db
from liaisonbot.domain.models import Enterprise, LiaisonGroup, Report, ReportEvent, RoleGrant
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.domain.workflow import OPEN_STATES
from liaisonbot.store import Database
from liaisonbot.store.enterprises import enterprise_from_row
from liaisonbot.store.reports import ReportRepository


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


def person_label(user_id: int | None, full_name: str | None, username: str | None) -> str:
    """How exports and the digest's ledger name a person: full name, else @username, else the
    id; nobody (no id) as ""."""
    if user_id is None:
        return ""
    return full_name or (f"@{username}" if username else str(user_id))


async def user_names(db: Database, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    marks = ",".join("?" * len(user_ids))
    rows = await db.fetch_all(
        f"SELECT user_id, full_name, username FROM users WHERE user_id IN ({marks})",
        tuple(user_ids),
    )
    return {r["user_id"]: r["full_name"] or r["username"] or str(r["user_id"]) for r in rows}


async def user_id_by_username(db: Database, username: str) -> int | None:
    """The user the bot has seen with `username` (no @; any case), the most recent if several."""
    row = await db.fetch_one(
        "SELECT user_id FROM users WHERE username = ? COLLATE NOCASE"
        " ORDER BY updated_at DESC LIMIT 1",
        (username,),
    )
    return int(row["user_id"]) if row else None


async def pending_delivery(db: Database) -> list[int]:
    return await ReportRepository(db.conn).pending_delivery()


# -- triage (read side) -------------------------------------------------------------------------


@dataclass(frozen=True)
class TriageInfo:
    """What a card shows besides the report: names, links, outcome, acknowledgements, flags."""

    assignee_name: str | None
    linked: tuple[int, ...]
    outcome: str | None
    outcome_text: str
    policies: str
    satisfaction: str | None
    merged_into: int | None
    escalation_chat_id: int | None
    escalation_message_id: int | None
    acks: tuple[str, ...]
    overdue_reminded_at: object  # datetime | None


@dataclass(frozen=True)
class Prompt:
    chat_id: int
    message_id: int
    report_id: int
    user_id: int
    action: str
    expected_state: ReportState
    argument: str
    used: bool


async def triage_info(db: Database, report_id: int) -> TriageInfo | None:
    row = await db.fetch_one(
        "SELECT r.*, u.full_name AS assignee_full, u.username AS assignee_username"
        " FROM reports r LEFT JOIN users u ON u.user_id = r.assignee_id WHERE r.id = ?",
        (report_id,),
    )
    if row is None:
        return None
    links = await db.fetch_all(
        "SELECT other_id FROM report_links WHERE report_id = ?"
        " UNION SELECT report_id FROM report_links WHERE other_id = ? ORDER BY 1",
        (report_id, report_id),
    )
    acks = await db.fetch_all(
        "SELECT COALESCE(NULLIF(u.full_name, ''), u.username, CAST(a.user_id AS TEXT)) AS name"
        " FROM escalation_acks a LEFT JOIN users u ON u.user_id = a.user_id"
        " WHERE a.report_id = ? ORDER BY a.at",
        (report_id,),
    )
    reminded = await db.fetch_one(
        "SELECT sent_at FROM reminders_sent WHERE report_id = ? AND kind = 'overdue' AND key = ?",
        (report_id, row["due_at"] or ""),
    )
    assignee = None
    if row["assignee_id"] is not None:
        assignee = row["assignee_full"] or row["assignee_username"] or str(row["assignee_id"])
    return TriageInfo(
        assignee_name=assignee,
        linked=tuple(r[0] for r in links),
        outcome=row["outcome"],
        outcome_text=row["outcome_text"],
        policies=row["policies"],
        satisfaction=row["satisfaction"],
        merged_into=row["merged_into"],
        escalation_chat_id=row["escalation_chat_id"],
        escalation_message_id=row["escalation_message_id"],
        acks=tuple(r["name"] for r in acks),
        overdue_reminded_at=from_db(reminded["sent_at"]) if reminded else None,
    )


async def prompt(db: Database, chat_id: int, message_id: int) -> Prompt | None:
    row = await db.fetch_one(
        "SELECT * FROM triage_prompts WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )
    return _prompt_from_row(row) if row is not None else None


def _prompt_from_row(row: aiosqlite.Row) -> Prompt:
    return Prompt(
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        report_id=row["report_id"],
        user_id=row["user_id"],
        action=row["action"],
        expected_state=ReportState(row["expected_state"]),
        argument=row["argument"],
        used=row["used_at"] is not None,
    )


async def report_by_card(db: Database, chat_id: int, message_id: int) -> int | None:
    row = await db.fetch_one(
        "SELECT id FROM reports WHERE (group_chat_id = ? AND card_message_id = ?)"
        " OR (escalation_chat_id = ? AND escalation_message_id = ?)",
        (chat_id, message_id, chat_id, message_id),
    )
    return row["id"] if row else None


async def group(db: Database, chat_id: int) -> LiaisonGroup | None:
    row = await db.fetch_one(
        "SELECT * FROM liaison_groups WHERE chat_id = ? AND active = 1", (chat_id,)
    )
    if row is None:
        return None
    return LiaisonGroup(
        chat_id=row["chat_id"],
        title=row["title"],
        region_prefix=row["region_prefix"],
        chain=row["chain"],
        is_escalation=bool(row["is_escalation"]),
    )


async def escalation_group(db: Database) -> int | None:
    row = await db.fetch_one(
        "SELECT chat_id FROM liaison_groups WHERE active = 1 AND is_escalation = 1"
        " ORDER BY bound_at DESC LIMIT 1"
    )
    return row["chat_id"] if row else None


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
    open_states = sorted(state.value for state in OPEN_STATES)
    rows = await db.fetch_all(
        "SELECT r.id, r.title, r.state, r.category, r.assignee_id, r.due_at, r.created_at,"
        " r.enterprise_id, e.name FROM reports r JOIN enterprises e ON e.id = r.enterprise_id"
        " WHERE (r.group_chat_id = ? OR (r.escalation_chat_id = ? AND r.state = 'escalated'))"
        f" AND r.state IN ({', '.join('?' * len(open_states))}) ORDER BY r.id",
        (chat_id, chat_id, *open_states),
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


@dataclass(frozen=True)
class ReminderCandidate:
    report_id: int
    state: ReportState
    due_at: object  # datetime
    assignee_id: int | None
    group_chat_id: int | None
    region_code: str
    chain: str
    title: str
    sent: frozenset[tuple[str, str]]  # (kind, key) already sent
    overdue_sent_at: object  # datetime | None, for the current due date


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
    overdue_at: dict[tuple[int, str], object] = {}
    for s in sent_rows:
        sent.setdefault(s["report_id"], set()).add((s["kind"], s["key"]))
        if s["kind"] == "overdue":
            overdue_at[(s["report_id"], s["key"])] = from_db(s["sent_at"])
    return [
        ReminderCandidate(
            report_id=r["id"],
            state=ReportState(r["state"]),
            due_at=from_db(r["due_at"]),
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


async def officials_covering(db: Database, region_code: str, chain: str) -> list[int]:
    rows = await db.fetch_all(
        "SELECT DISTINCT user_id, region_prefix, chain FROM roles WHERE role = 'official'"
    )
    return sorted(
        {
            r["user_id"]
            for r in rows
            if region_code.startswith(r["region_prefix"])
            and (not r["chain"] or r["chain"] == chain)
        }
    )


def _region_range(prefix: str) -> tuple[str, str]:
    """Region codes starting with `prefix`, as an index-friendly range."""
    return prefix, prefix + "\uffff"


async def region_codes_under(db: Database, prefix: str, width: int, limit: int) -> list[str]:
    """The distinct `width`-digit region prefixes of enterprises below `prefix`."""
    rows = await db.fetch_all(
        "SELECT DISTINCT substr(region_code, 1, ?) AS code FROM enterprises"
        " WHERE region_code >= ? AND region_code < ? ORDER BY 1 LIMIT ?",
        (width, *_region_range(prefix), limit),
    )
    return [r["code"] for r in rows]


async def chains_in_region(db: Database, prefix: str, limit: int) -> list[str]:
    rows = await db.fetch_all(
        "SELECT DISTINCT chain FROM enterprises WHERE region_code >= ? AND region_code < ?"
        " AND chain != '' ORDER BY chain LIMIT ?",
        (*_region_range(prefix), limit),
    )
    return [r["chain"] for r in rows]


async def open_prompts(db: Database, chat_id: int, user_id: int) -> list[Prompt]:
    """The questions in `chat_id` that still wait for `user_id`'s answer, oldest first: not
    answered yet, and their report still in the state the question was asked in (a note may be
    written in any state)."""
    rows = await db.fetch_all(
        "SELECT p.* FROM triage_prompts p JOIN reports r ON r.id = p.report_id"
        " WHERE p.chat_id = ? AND p.user_id = ? AND p.used_at IS NULL"
        " AND (r.state = p.expected_state OR p.action IN ('note', 'pub'))"
        " ORDER BY p.created_at, p.message_id",
        (chat_id, user_id),
    )
    return [_prompt_from_row(row) for row in rows]
