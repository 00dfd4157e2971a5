"""Enterprise lists sent in the chat and awaiting their admin's decision (`list_uploads`)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from liaisonbot.clock import to_db
from liaisonbot.store.rows import Repository


class UploadRepository(Repository):
    async def add(
        self,
        *,
        token: str,
        user_id: int,
        chat_id: int,
        file_name: str,
        content: bytes,
        can_apply: bool,
        can_apply_valid: bool,
        now: datetime,
    ) -> None:
        """Keep a checked list; an older pending list of the same admin is superseded."""
        await self._count(
            "UPDATE list_uploads SET status = 'superseded', decided_at = ?"
            " WHERE user_id = ? AND status = 'pending'",
            (to_db(now), user_id),
        )
        await self._count(
            "INSERT INTO list_uploads (token, user_id, chat_id, file_name, content, can_apply,"
            " can_apply_valid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                token,
                user_id,
                chat_id,
                file_name,
                content,
                int(can_apply),
                int(can_apply_valid),
                to_db(now),
            ),
        )

    async def set_message(self, token: str, message_id: int) -> None:
        await self._count(
            "UPDATE list_uploads SET message_id = ? WHERE token = ?", (message_id, token)
        )

    async def get(self, token: str) -> aiosqlite.Row | None:
        return await self._one("SELECT * FROM list_uploads WHERE token = ?", (token,))

    async def claim(self, token: str, user_id: int, created_since: datetime) -> bool:
        """Pending → applying, if the admin's and made since `created_since`."""
        count = await self._count(
            "UPDATE list_uploads SET status = 'applying' WHERE token = ? AND user_id = ?"
            " AND status = 'pending' AND created_at >= ?",
            (token, user_id, to_db(created_since)),
        )
        return count == 1

    async def finish(
        self, token: str, status: str, now: datetime, import_id: int | None = None
    ) -> None:
        """Record the decision; the content is dropped unless it stays pending."""
        await self._count(
            "UPDATE list_uploads SET status = ?, import_id = ?, decided_at = ?,"
            " content = CASE WHEN ? = 'pending' THEN content ELSE x'' END WHERE token = ?",
            (status, import_id, to_db(now), status, token),
        )

    async def cancel(self, token: str, user_id: int, now: datetime) -> bool:
        count = await self._count(
            "UPDATE list_uploads SET status = 'cancelled', decided_at = ?, content = x''"
            " WHERE token = ? AND user_id = ? AND status = 'pending'",
            (to_db(now), token, user_id),
        )
        return count == 1
