"""Reports, their append-only event log and attachments."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from liaisonbot.clock import from_db, to_db
from liaisonbot.domain.models import Attachment, Report, ReportContent, ReportEvent
from liaisonbot.domain.vocabulary import Category, Channel, Mode, ReportState, Scope, Urgency
from liaisonbot.store.rows import Repository


def report_from_row(row: aiosqlite.Row, attachments: tuple[Attachment, ...] = ()) -> Report:
    # Stored rows were validated on the way in; construct without re-checking today's limits.
    content = ReportContent.model_construct(
        category=Category(row["category"]),
        title=row["title"],
        description=row["description"],
        ask=row["ask"],
        urgency=Urgency(row["urgency"]),
        scope=Scope(row["scope"]),
        mode=Mode(row["mode"]),
        channel=Channel(row["channel"]),
        attachments=attachments,
    )
    return Report.model_construct(
        id=row["id"],
        enterprise_id=row["enterprise_id"],
        reporter_id=row["reporter_id"],
        content=content,
        state=ReportState(row["state"]),
        assignee_id=row["assignee_id"],
        group_chat_id=row["group_chat_id"],
        card_message_id=row["card_message_id"],
        origin_chat_id=row["origin_chat_id"],
        origin_message_id=row["origin_message_id"],
        acked_at=from_db(row["acked_at"]),
        due_at=from_db(row["due_at"]),
        filed_by=row["filed_by"],
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
    )


class ReportRepository(Repository):
    async def add(
        self,
        *,
        enterprise_id: int,
        reporter_id: int | None,
        content: ReportContent,
        source_key: str,
        origin_chat_id: int | None,
        origin_message_id: int | None,
        group_chat_id: int | None,
        assignee_id: int | None,
        now: datetime,
        filed_by: int | None = None,
    ) -> int:
        at = to_db(now)
        report_id = await self._run(
            "INSERT INTO reports (enterprise_id, reporter_id, channel, category, title,"
            " description, ask, urgency, scope, mode, state, assignee_id, source_key,"
            " origin_chat_id, origin_message_id, group_chat_id, created_at, updated_at, filed_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                enterprise_id,
                reporter_id,
                content.channel.value,
                content.category.value,
                content.title,
                content.description,
                content.ask,
                content.urgency.value,
                content.scope.value,
                content.mode.value,
                ReportState.SUBMITTED.value,
                assignee_id,
                source_key,
                origin_chat_id,
                origin_message_id,
                group_chat_id,
                at,
                at,
                filed_by,
            ),
        )
        await self.add_attachments(report_id, content.attachments, now)
        return report_id

    async def add_attachments(
        self, report_id: int, attachments: tuple[Attachment, ...], now: datetime
    ) -> None:
        for attachment in attachments:
            await self._run(
                "INSERT INTO attachments (report_id, kind, file_id, file_unique_id, file_name,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    report_id,
                    attachment.kind,
                    attachment.file_id,
                    attachment.file_unique_id,
                    attachment.file_name,
                    to_db(now),
                ),
            )

    async def get(self, report_id: int) -> Report | None:
        row = await self._one("SELECT * FROM reports WHERE id = ?", (report_id,))
        if row is None:
            return None
        return report_from_row(row, await self.attachments(report_id))

    async def id_by_source_key(self, source_key: str) -> int | None:
        row = await self._one("SELECT id FROM reports WHERE source_key = ?", (source_key,))
        return row["id"] if row else None

    async def attachments(self, report_id: int) -> tuple[Attachment, ...]:
        rows = await self._all(
            "SELECT kind, file_id, file_unique_id, file_name FROM attachments"
            " WHERE report_id = ? ORDER BY id",
            (report_id,),
        )
        return tuple(Attachment(**dict(r)) for r in rows)

    async def set_blocked_by(self, report_id: int, blocking_id: int | None, now: datetime) -> None:
        await self._count(
            "UPDATE reports SET blocked_by_enterprise_id = ?, updated_at = ? WHERE id = ?",
            (blocking_id, to_db(now), report_id),
        )

    async def add_event(self, event: ReportEvent) -> None:
        await self._run(
            "INSERT INTO report_events (report_id, actor_id, at, action, from_state, to_state,"
            " note) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                event.report_id,
                event.actor_id,
                to_db(event.at),
                event.action,
                event.from_state.value if event.from_state else None,
                event.to_state.value,
                event.note,
            ),
        )

    async def record_acknowledged(self, report_id: int, at: datetime) -> None:
        await self._run(
            "UPDATE reports SET acked_at = ? WHERE id = ? AND acked_at IS NULL",
            (to_db(at), report_id),
        )

    async def record_card(
        self, report_id: int, chat_id: int, message_id: int, *, acked_at: datetime | None
    ) -> None:
        await self._run(
            "UPDATE reports SET group_chat_id = ?, card_message_id = ?,"
            " acked_at = COALESCE(acked_at, ?) WHERE id = ?",
            (chat_id, message_id, to_db(acked_at) if acked_at else None, report_id),
        )

    async def pending_delivery(self) -> list[int]:
        """Reports stored but not yet acknowledged to the reporter or not yet carded in a group."""
        rows = await self._all(
            "SELECT id FROM reports WHERE acked_at IS NULL"
            " OR (group_chat_id IS NOT NULL AND card_message_id IS NULL) ORDER BY id"
        )
        return [r["id"] for r in rows]


# -- triage (migrations/0003_triage.sql) ------------------------------------------------------

# Columns the triage service may set together with a state change; anything else is refused.
TRIAGE_COLUMNS = frozenset(
    {
        "assignee_id",
        "due_at",
        "accepted_at",
        "resolved_at",
        "closed_at",
        "outcome",
        "outcome_text",
        "policies",
        "satisfaction",
        "merged_into",
        "extension_days",
        "category",
        "urgency",
        "scope",
        "escalation_chat_id",
        "escalation_message_id",
        # the escalation ladder (migrations/0009_escalation_ladder.sql)
        "escalation_level",
        "level_since",
        "other_region",
        "lead_unit",
        "partner_units",
        # corrected by the enterprise before acceptance (liaisonbot/services/follow_up.py)
        "title",
        "description",
    }
)


def _assignments(sets: dict[str, object]) -> tuple[str, list[object]]:
    unknown = set(sets) - TRIAGE_COLUMNS
    if unknown:
        raise ValueError(f"not a triage column: {sorted(unknown)}")
    values = [to_db(v) if isinstance(v, datetime) else v for v in sets.values()]
    return "".join(f", {name} = ?" for name in sets), values


class TriageRepository(Repository):
    """What triage adds to reports: compare-and-set moves, prompts, links, acks, reminders."""

    async def move_state(
        self,
        report_id: int,
        from_state: ReportState,
        to_state: ReportState,
        now: datetime,
        sets: dict[str, object] | None = None,
    ) -> bool:
        """Compare-and-set: change the state only if it is still `from_state`."""
        extra, values = _assignments(sets or {})
        count = await self._count(
            f"UPDATE reports SET state = ?, updated_at = ?{extra} WHERE id = ? AND state = ?",
            (to_state.value, to_db(now), *values, report_id, from_state.value),
        )
        return count == 1

    async def update_in_state(
        self, report_id: int, state: ReportState, now: datetime, sets: dict[str, object]
    ) -> bool:
        """Change fields of a report that is still in `state` (activities that keep the state)."""
        extra, values = _assignments(sets)
        count = await self._count(
            f"UPDATE reports SET updated_at = ?{extra} WHERE id = ? AND state = ?",
            (to_db(now), *values, report_id, state.value),
        )
        return count == 1

    async def triage_row(self, report_id: int) -> dict[str, object] | None:
        row = await self._one(
            "SELECT accepted_at, resolved_at, closed_at, outcome, outcome_text, policies,"
            " satisfaction, merged_into, extension_days, escalation_chat_id,"
            " escalation_message_id FROM reports WHERE id = ?",
            (report_id,),
        )
        return dict(row) if row else None

    async def by_card(self, chat_id: int, message_id: int) -> int | None:
        row = await self._one(
            "SELECT id FROM reports WHERE (group_chat_id = ? AND card_message_id = ?)"
            " OR (escalation_chat_id = ? AND escalation_message_id = ?)"
            " UNION SELECT report_id FROM report_levels WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id, chat_id, message_id, chat_id, message_id),
        )
        return row["id"] if row else None

    async def set_escalation_card(self, report_id: int, chat_id: int, message_id: int) -> None:
        await self._run(
            "UPDATE reports SET escalation_chat_id = ?, escalation_message_id = ? WHERE id = ?",
            (chat_id, message_id, report_id),
        )

    # prompts awaiting a typed answer

    async def add_prompt(
        self,
        *,
        chat_id: int,
        message_id: int,
        report_id: int,
        user_id: int,
        action: str,
        expected_state: ReportState,
        argument: str,
        now: datetime,
    ) -> None:
        await self._run(
            "INSERT OR REPLACE INTO triage_prompts (chat_id, message_id, report_id, user_id,"
            " action, expected_state, argument, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                chat_id,
                message_id,
                report_id,
                user_id,
                action,
                expected_state.value,
                argument,
                to_db(now),
            ),
        )

    async def prompt(self, chat_id: int, message_id: int) -> dict[str, object] | None:
        row = await self._one(
            "SELECT * FROM triage_prompts WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return dict(row) if row else None

    async def use_prompt(self, chat_id: int, message_id: int, now: datetime) -> bool:
        count = await self._count(
            "UPDATE triage_prompts SET used_at = ? WHERE chat_id = ? AND message_id = ?"
            " AND used_at IS NULL",
            (to_db(now), chat_id, message_id),
        )
        return count == 1

    # links, acknowledgements

    async def add_link(self, a: int, b: int, by: int | None, now: datetime) -> bool:
        low, high = sorted((a, b))
        count = await self._count(
            "INSERT OR IGNORE INTO report_links (report_id, other_id, linked_by, linked_at)"
            " VALUES (?, ?, ?, ?)",
            (low, high, by, to_db(now)),
        )
        return count == 1

    async def linked_ids(self, report_id: int) -> list[int]:
        rows = await self._all(
            "SELECT other_id AS id FROM report_links WHERE report_id = ?"
            " UNION SELECT report_id FROM report_links WHERE other_id = ? ORDER BY 1",
            (report_id, report_id),
        )
        return [r[0] for r in rows]

    async def add_ack(self, report_id: int, user_id: int, now: datetime) -> bool:
        count = await self._count(
            "INSERT OR IGNORE INTO escalation_acks (report_id, user_id, at) VALUES (?, ?, ?)",
            (report_id, user_id, to_db(now)),
        )
        return count == 1

    # reminders

    async def claim_reminder(self, report_id: int, kind: str, key: str, now: datetime) -> bool:
        """Record a reminder as sent; False if it was already (each reminder goes out once)."""
        count = await self._count(
            "INSERT OR IGNORE INTO reminders_sent (report_id, kind, key, sent_at)"
            " VALUES (?, ?, ?, ?)",
            (report_id, kind, key, to_db(now)),
        )
        return count == 1

    async def release_reminder(self, report_id: int, kind: str, key: str) -> None:
        await self._run(
            "DELETE FROM reminders_sent WHERE report_id = ? AND kind = ? AND key = ?",
            (report_id, kind, key),
        )

    async def resolved_before(self, cutoff: datetime) -> list[int]:
        rows = await self._all(
            "SELECT id FROM reports WHERE state = 'resolved' AND resolved_at < ? ORDER BY id",
            (to_db(cutoff),),
        )
        return [r["id"] for r in rows]

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        """A group became a supergroup: everything keyed by its chat id follows it."""
        moved = await self._count(
            "UPDATE reports SET group_chat_id = ? WHERE group_chat_id = ?",
            (new_chat_id, old_chat_id),
        )
        await self._run(
            "UPDATE reports SET escalation_chat_id = ? WHERE escalation_chat_id = ?",
            (new_chat_id, old_chat_id),
        )
        await self._run(
            "UPDATE reports SET origin_chat_id = ? WHERE origin_chat_id = ?",
            (new_chat_id, old_chat_id),
        )
        await self._run(
            "UPDATE triage_prompts SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
        )
        await self._run(
            "UPDATE OR REPLACE liaison_groups SET chat_id = ? WHERE chat_id = ?",
            (new_chat_id, old_chat_id),
        )
        for table in ("report_levels", "assist_requests"):
            await self._run(
                f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
            )
        return moved

    async def set_group_active(self, chat_id: int, active: bool) -> bool:
        count = await self._count(
            "UPDATE liaison_groups SET active = ? WHERE chat_id = ?", (int(active), chat_id)
        )
        return count == 1

    async def mark_blocked(self, user_id: int, now: datetime) -> None:
        await self._run("UPDATE users SET blocked_at = ? WHERE user_id = ?", (to_db(now), user_id))
