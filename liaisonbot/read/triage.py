"""The triage read side: what a report's card shows besides the report, the questions the bot
asked in a chat (prompts), and which report a card message belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from liaisonbot.clock import from_db
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.read.people import display_name
from liaisonbot.store import Database


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
    overdue_reminded_at: datetime | None
    # the escalation ladder (docs/domain.md#escalation-ladder)
    level: int = 0  # 0: held by the liaison group
    levels: tuple[LevelCard, ...] = ()  # the task forces reached, lowest first
    level_since: datetime | None = None  # when it reached the level it is at
    other_region: str = ""
    assists: tuple[AssistInfo, ...] = ()
    assist_notes: tuple[AssistNote, ...] = ()
    lead_unit: str = ""
    partner_units: str = ""
    assignee_id: int | None = None  # the id, for a person the bot has no name of


@dataclass(frozen=True)
class LevelCard:
    level: int
    chat_id: int
    message_id: int | None
    region_prefix: str


@dataclass(frozen=True)
class AssistInfo:
    region_code: str
    state: str  # requested / accepted / done
    chat_id: int | None
    message_id: int | None


@dataclass(frozen=True)
class AssistNote:
    region_code: str
    author: str
    text: str


@dataclass(frozen=True)
class Prompt:
    """A question the bot asked `user_id` in a chat about a report, answered by a reply."""

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
        "SELECT a.user_id, u.full_name, u.username"
        " FROM escalation_acks a LEFT JOIN users u ON u.user_id = a.user_id"
        " WHERE a.report_id = ? ORDER BY a.at",
        (report_id,),
    )
    reminded = await db.fetch_one(
        "SELECT sent_at FROM reminders_sent WHERE report_id = ? AND kind = 'overdue' AND key = ?",
        (report_id, row["due_at"] or ""),
    )
    levels = await db.fetch_all(
        "SELECT * FROM report_levels WHERE report_id = ? ORDER BY level", (report_id,)
    )
    assists = await db.fetch_all(
        "SELECT * FROM assist_requests WHERE report_id = ? ORDER BY requested_at, region_code",
        (report_id,),
    )
    notes = await db.fetch_all(
        "SELECT e.note, e.actor_id, u.full_name, u.username FROM report_events e"
        " LEFT JOIN users u ON u.user_id = e.actor_id"
        " WHERE e.report_id = ? AND e.action = 'assist_note' ORDER BY e.id DESC LIMIT 3",
        (report_id,),
    )
    assignee = None  # a person the bot never saw has no name: the card says so
    if row["assignee_full"] or row["assignee_username"]:
        assignee = display_name(row["assignee_id"], row["assignee_full"], row["assignee_username"])
    return TriageInfo(
        assignee_name=assignee,
        assignee_id=row["assignee_id"],
        linked=tuple(r[0] for r in links),
        outcome=row["outcome"],
        outcome_text=row["outcome_text"],
        policies=row["policies"],
        satisfaction=row["satisfaction"],
        merged_into=row["merged_into"],
        escalation_chat_id=row["escalation_chat_id"],
        escalation_message_id=row["escalation_message_id"],
        acks=tuple(
            display_name(r["user_id"], r["full_name"], r["username"], at_sign=False) for r in acks
        ),
        overdue_reminded_at=from_db(reminded["sent_at"]) if reminded else None,
        level=row["escalation_level"],
        levels=tuple(
            LevelCard(r["level"], r["chat_id"], r["message_id"], r["region_prefix"]) for r in levels
        ),
        level_since=from_db(row["level_since"]),
        other_region=row["other_region"],
        assists=tuple(
            AssistInfo(r["region_code"], r["state"], r["chat_id"], r["message_id"]) for r in assists
        ),
        assist_notes=tuple(
            AssistNote(
                r["note"].partition(" ")[0],
                display_name(r["actor_id"], r["full_name"], r["username"], at_sign=False),
                r["note"].partition(" ")[2],
            )
            for r in reversed(notes)
        ),
        lead_unit=row["lead_unit"],
        partner_units=row["partner_units"],
    )


async def prompt(db: Database, chat_id: int, message_id: int) -> Prompt | None:
    row = await db.fetch_one(
        "SELECT * FROM triage_prompts WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )
    return _prompt_from_row(row) if row is not None else None


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
    """The report whose card (in its group, or in the escalation group) is that message."""
    row = await db.fetch_one(
        "SELECT id FROM reports WHERE (group_chat_id = ? AND card_message_id = ?)"
        " OR (escalation_chat_id = ? AND escalation_message_id = ?)"
        " UNION SELECT report_id FROM report_levels WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id, chat_id, message_id, chat_id, message_id),
    )
    return row["id"] if row else None


async def assist_by_card(db: Database, chat_id: int, message_id: int) -> tuple[int, str] | None:
    """(report id, region code) of the 协办 card that is that message."""
    row = await db.fetch_one(
        "SELECT report_id, region_code FROM assist_requests WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )
    return (row["report_id"], row["region_code"]) if row else None


async def reports_owing_assist_cards(db: Database) -> list[int]:
    """Reports with a 协办 request whose card was never posted (a stop right after the request,
    or a scene seeded before the bot ran)."""
    rows = await db.fetch_all(
        "SELECT DISTINCT report_id FROM assist_requests"
        " WHERE chat_id IS NOT NULL AND message_id IS NULL AND state != 'done' ORDER BY report_id"
    )
    return [int(row[0]) for row in rows]
