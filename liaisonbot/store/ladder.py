"""The escalation ladder's rows: levels a report reached and 协办 requests to other regions."""

from __future__ import annotations

from datetime import datetime

from liaisonbot.clock import to_db
from liaisonbot.domain.ladder import Level
from liaisonbot.domain.models import LiaisonGroup
from liaisonbot.store.rows import Repository


class LadderRepository(Repository):
    async def task_forces(self) -> list[LiaisonGroup]:
        """Active escalation groups, in binding order."""
        rows = await self._all(
            "SELECT * FROM liaison_groups WHERE active = 1 AND is_escalation = 1"
            " AND kind = 'staff' ORDER BY bound_at, chat_id"
        )
        return [
            LiaisonGroup(
                chat_id=r["chat_id"],
                title=r["title"],
                region_prefix=r["region_prefix"],
                chain=r["chain"],
                is_escalation=True,
            )
            for r in rows
        ]

    async def current(self, report_id: int) -> tuple[int, Level | None]:
        """The level the report is held at and, above the liaison group, its row."""
        row = await self._one(
            "SELECT r.escalation_level AS n, l.chat_id, l.region_prefix, l.message_id"
            " FROM reports r LEFT JOIN report_levels l"
            " ON l.report_id = r.id AND l.level = r.escalation_level WHERE r.id = ?",
            (report_id,),
        )
        if row is None or row["n"] == 0 or row["chat_id"] is None:
            return (row["n"] if row else 0), None
        return row["n"], Level(row["n"], row["chat_id"], row["region_prefix"], row["message_id"])

    async def level(self, report_id: int, level: int) -> Level | None:
        row = await self._one(
            "SELECT * FROM report_levels WHERE report_id = ? AND level = ?", (report_id, level)
        )
        if row is None:
            return None
        return Level(row["level"], row["chat_id"], row["region_prefix"], row["message_id"])

    async def reach(
        self, report_id: int, level: int, chat_id: int, prefix: str, now: datetime
    ) -> None:
        """The report reached `level` at task force `chat_id`; a card there already is kept when
        the level is the same chat as before, else posted anew."""
        await self._run(
            "INSERT INTO report_levels (report_id, level, chat_id, region_prefix, reached_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (report_id, level) DO UPDATE SET"
            " message_id = CASE WHEN chat_id = excluded.chat_id THEN message_id END,"
            " chat_id = excluded.chat_id, region_prefix = excluded.region_prefix,"
            " reached_at = excluded.reached_at",
            (report_id, level, chat_id, prefix, to_db(now)),
        )

    async def set_card(self, report_id: int, level: int, message_id: int) -> None:
        await self._run(
            "UPDATE report_levels SET message_id = ? WHERE report_id = ? AND level = ?",
            (message_id, report_id, level),
        )
        await self._run(
            "UPDATE reports SET escalation_chat_id = (SELECT chat_id FROM report_levels"
            " WHERE report_id = ? AND level = ?), escalation_message_id = ? WHERE id = ?",
            (report_id, level, message_id, report_id),
        )

    # 协办

    async def request_assist(
        self, report_id: int, region_code: str, chat_id: int | None, now: datetime
    ) -> bool:
        """False when that region was asked already."""
        count = await self._count(
            "INSERT OR IGNORE INTO assist_requests"
            " (report_id, region_code, chat_id, requested_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            (report_id, region_code, chat_id, to_db(now), to_db(now)),
        )
        return count == 1

    async def assist_by_card(self, chat_id: int, message_id: int) -> tuple[int, str, str] | None:
        """(report id, region code, state) of the 协办 card that is that message."""
        row = await self._one(
            "SELECT report_id, region_code, state FROM assist_requests"
            " WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return (row["report_id"], row["region_code"], row["state"]) if row else None

    async def set_assist_card(self, report_id: int, region_code: str, message_id: int) -> None:
        await self._run(
            "UPDATE assist_requests SET message_id = ? WHERE report_id = ? AND region_code = ?",
            (message_id, report_id, region_code),
        )

    async def set_assist_state(
        self, report_id: int, region_code: str, old: str, new: str, by: int, now: datetime
    ) -> bool:
        """Compare-and-set of a 协办 request's state."""
        count = await self._count(
            "UPDATE assist_requests SET state = ?, updated_at = ?,"
            " accepted_by = COALESCE(accepted_by, ?)"
            " WHERE report_id = ? AND region_code = ? AND state = ?",
            (new, to_db(now), by, report_id, region_code, old),
        )
        return count == 1
