"""People: who is asking (roles, enterprise, language) and how a person is named.

`display_name` is the one place a person's name is formatted: the full name, else the username,
else the user id as the last resort. Sheets and cards write the username as @username; the chat
lines built from `user_names` keep the bare username, as they always have.
"""

from __future__ import annotations

from dataclasses import dataclass

from liaisonbot.domain.models import RoleGrant
from liaisonbot.domain.vocabulary import Role
from liaisonbot.store import Database


@dataclass(frozen=True)
class Viewer:
    """Who is asking: their roles and the enterprise they are a contact of."""

    user_id: int
    grants: tuple[RoleGrant, ...]
    contact_enterprise_id: int | None
    language: str | None


def display_name(
    user_id: int, full_name: str | None, username: str | None, *, at_sign: bool = True
) -> str:
    """A person's name: full name, else (@)username, else the id."""
    if full_name:
        return full_name
    if username:
        return f"@{username}" if at_sign else username
    return str(user_id)


def person_label(user_id: int | None, full_name: str | None, username: str | None) -> str:
    """How exports and the digest's ledger name a person; nobody (no id) as ""."""
    return "" if user_id is None else display_name(user_id, full_name, username)


async def person_name(db: Database, user_id: int | None) -> str | None:
    """The name of `user_id` as the bot last saw it (the id if never seen); None for nobody."""
    if user_id is None:
        return None
    row = await db.fetch_one("SELECT full_name, username FROM users WHERE user_id = ?", (user_id,))
    if row is None:
        return str(user_id)
    return display_name(user_id, row["full_name"], row["username"])


async def user_names(db: Database, user_ids: set[int]) -> dict[int, str]:
    """Names of the users the bot has seen among `user_ids` (bare usernames, no @)."""
    if not user_ids:
        return {}
    marks = ",".join("?" * len(user_ids))
    rows = await db.fetch_all(
        f"SELECT user_id, full_name, username FROM users WHERE user_id IN ({marks})",
        tuple(user_ids),
    )
    return {
        r["user_id"]: display_name(r["user_id"], r["full_name"], r["username"], at_sign=False)
        for r in rows
    }


async def user_id_by_username(db: Database, username: str) -> int | None:
    """The user the bot has seen with `username` (no @; any case), the most recent if several."""
    row = await db.fetch_one(
        "SELECT user_id FROM users WHERE username = ? COLLATE NOCASE"
        " ORDER BY updated_at DESC LIMIT 1",
        (username,),
    )
    return int(row["user_id"]) if row else None


async def user_language(db: Database, user_id: int) -> str | None:
    row = await db.fetch_one("SELECT language FROM users WHERE user_id = ?", (user_id,))
    return row["language"] if row else None


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


async def officials_covering(db: Database, region_code: str, chain: str) -> list[int]:
    """Officials whose region prefix (and chain, if they have one) covers the enterprise's."""
    return await _covering(db, Role.OFFICIAL, region_code, chain)


async def officers_covering(db: Database, region_code: str, chain: str) -> list[int]:
    """Liaison officers whose scope covers the enterprise's region and chain (指派's choices)."""
    return await _covering(db, Role.OFFICER, region_code, chain)


async def _covering(db: Database, role: Role, region_code: str, chain: str) -> list[int]:
    rows = await db.fetch_all(
        "SELECT DISTINCT user_id, region_prefix, chain FROM roles WHERE role = ?", (role.value,)
    )
    return sorted(
        {
            r["user_id"]
            for r in rows
            if region_code.startswith(r["region_prefix"])
            and (not r["chain"] or r["chain"] == chain)
        }
    )


async def enterprise_contacts(db: Database, enterprise_id: int) -> list[int]:
    """The enterprise's contacts (user ids), in the order they were bound."""
    rows = await db.fetch_all(
        "SELECT user_id FROM contacts WHERE enterprise_id = ? ORDER BY bound_at, user_id",
        (enterprise_id,),
    )
    return [r["user_id"] for r in rows]


async def people_labels(db: Database, user_ids: set[int]) -> dict[int, str]:
    """Names of `user_ids` as files and the digest name a person (person_label: @username)."""
    if not user_ids:
        return {}
    marks = ",".join("?" * len(user_ids))
    rows = await db.fetch_all(
        f"SELECT user_id, full_name, username FROM users WHERE user_id IN ({marks})",
        tuple(user_ids),
    )
    return {r["user_id"]: display_name(r["user_id"], r["full_name"], r["username"]) for r in rows}
