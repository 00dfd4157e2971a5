"""Liaison groups: the group bound to a chat, and the escalation group (专班)."""

from __future__ import annotations

from liaisonbot.domain.models import LiaisonGroup
from liaisonbot.store import Database


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
    """The chat of the escalation group (专班) bound last, if any."""
    row = await db.fetch_one(
        "SELECT chat_id FROM liaison_groups WHERE active = 1 AND is_escalation = 1"
        " ORDER BY bound_at DESC LIMIT 1"
    )
    return row["chat_id"] if row else None
