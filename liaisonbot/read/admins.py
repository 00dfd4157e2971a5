"""Who runs the installation: the admins the bot tells about trouble (a full disk, a message it
gave up sending)."""

from __future__ import annotations

from liaisonbot.domain.vocabulary import Role
from liaisonbot.store import Database


async def admin_ids(db: Database) -> list[int]:
    rows = await db.fetch_all(
        "SELECT DISTINCT user_id FROM roles WHERE role = ? ORDER BY user_id", (Role.ADMIN.value,)
    )
    return [int(row[0]) for row in rows]
