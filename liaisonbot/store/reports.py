"""Reports, their append-only event log and attachments."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from ..clock import from_db, to_db
from ..domain.models import Attachment, Report, ReportContent, ReportEvent
from ..domain.vocabulary import Category, Channel, Mode, ReportState, Scope, Urgency
from .rows import Repository


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
    ) -> int:
        at = to_db(now)
        report_id = await self._run(
            "INSERT INTO reports (enterprise_id, reporter_id, channel, category, title,"
            " description, ask, urgency, scope, mode, state, assignee_id, source_key,"
            " origin_chat_id, origin_message_id, group_chat_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ),
        )
        for attachment in content.attachments:
            await self._run(
                "INSERT INTO attachments (report_id, kind, file_id, file_unique_id, file_name,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    report_id,
                    attachment.kind,
                    attachment.file_id,
                    attachment.file_unique_id,
                    attachment.file_name,
                    at,
                ),
            )
        return report_id

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

    async def mark_acked(self, report_id: int, now: datetime) -> None:
        await self._run(
            "UPDATE reports SET acked_at = ? WHERE id = ? AND acked_at IS NULL",
            (to_db(now), report_id),
        )

    async def set_card(self, report_id: int, chat_id: int, message_id: int) -> None:
        await self._run(
            "UPDATE reports SET group_chat_id = ?, card_message_id = ? WHERE id = ?",
            (chat_id, message_id, report_id),
        )

    async def pending_delivery(self) -> list[int]:
        """Reports stored but not yet acknowledged to the reporter or not yet carded in a group."""
        rows = await self._all(
            "SELECT id FROM reports WHERE acked_at IS NULL"
            " OR (group_chat_id IS NOT NULL AND card_message_id IS NULL) ORDER BY id"
        )
        return [r["id"] for r in rows]
