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
        kind=row["kind"],
    )


async def escalation_group(db: Database) -> int | None:
    """The chat of the escalation group (专班) bound last, if any."""
    row = await db.fetch_one(
        "SELECT chat_id FROM liaison_groups WHERE active = 1 AND is_escalation = 1"
        " AND kind = 'staff' ORDER BY bound_at DESC LIMIT 1"
    )
    return row["chat_id"] if row else None


async def internal_allowed(db: Database, chat_id: int) -> bool:
    """May cards with internal notes go to this chat? Not to an open group, nor to a staff group
    where a contact was seen until an admin confirms (an unknown chat: yes, as before)."""
    row = await db.fetch_one(
        "SELECT kind, notes_held_since FROM liaison_groups WHERE chat_id = ?", (chat_id,)
    )
    if row is None:
        return True
    return row["kind"] == "staff" and row["notes_held_since"] is None


async def open_reports_in(db: Database, chat_id: int) -> int:
    """Reports not yet finished whose card is in this group."""
    row = await db.fetch_one(
        "SELECT COUNT(*) FROM reports WHERE group_chat_id = ?"
        " AND state NOT IN ('closed', 'rejected', 'merged')",
        (chat_id,),
    )
    return int(row[0]) if row else 0


async def contacts_in_scope(db: Database, group: LiaisonGroup, limit: int) -> list[int]:
    """Up to `limit` contacts of enterprises the group covers (to look for in the group)."""
    rows = await db.fetch_all(
        "SELECT c.user_id FROM contacts c JOIN enterprises e ON e.id = c.enterprise_id"
        " WHERE substr(e.region_code, 1, ?) = ? AND (? = '' OR e.chain = ?)"
        " ORDER BY c.bound_at DESC, c.user_id LIMIT ?",
        (len(group.region_prefix), group.region_prefix, group.chain, group.chain, limit),
    )
    return [int(r[0]) for r in rows]


async def is_contact(db: Database, user_id: int) -> bool:
    row = await db.fetch_one("SELECT 1 FROM contacts WHERE user_id = ?", (user_id,))
    return row is not None


async def officers_of(db: Database, group: LiaisonGroup) -> list[int]:
    """Officers and officials whose grant covers the group's region (and chain)."""
    rows = await db.fetch_all(
        "SELECT DISTINCT user_id FROM roles WHERE role IN ('officer', 'official')"
        " AND substr(?, 1, length(region_prefix)) = region_prefix"
        " AND (chain = '' OR chain = ?) ORDER BY user_id",
        (group.region_prefix, group.chain),
    )
    return [int(r[0]) for r in rows]
