"""The guided dialog's drafts: one per user, rewritten at each step."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from liaisonbot.clock import from_db, to_db
from liaisonbot.store.rows import Repository


@dataclass
class Draft:
    user_id: int
    token: str
    step: str
    editing: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    origin_chat_id: int | None = None
    updated_at: datetime | None = None


class DraftRepository(Repository):
    async def get(self, user_id: int) -> Draft | None:
        row = await self._one("SELECT * FROM drafts WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return Draft(
            user_id=row["user_id"],
            token=row["token"],
            step=row["step"],
            editing=bool(row["editing"]),
            data=json.loads(row["data"]),
            origin_chat_id=row["origin_chat_id"],
            updated_at=from_db(row["updated_at"]),
        )

    async def save(self, draft: Draft, now: datetime) -> None:
        await self._run(
            "INSERT INTO drafts (user_id, token, step, editing, data, origin_chat_id, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
            " token = excluded.token, step = excluded.step, editing = excluded.editing,"
            " data = excluded.data, origin_chat_id = excluded.origin_chat_id,"
            " updated_at = excluded.updated_at",
            (
                draft.user_id,
                draft.token,
                draft.step,
                int(draft.editing),
                json.dumps(draft.data, ensure_ascii=False),
                draft.origin_chat_id,
                to_db(now),
            ),
        )

    async def delete(self, user_id: int) -> None:
        await self._run("DELETE FROM drafts WHERE user_id = ?", (user_id,))
