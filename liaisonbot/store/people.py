"""People and places: users, enterprise contacts, roles, liaison groups and invites."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from liaisonbot.clock import from_db, to_db
from liaisonbot.domain.models import LiaisonGroup, RoleGrant
from liaisonbot.domain.vocabulary import Role
from liaisonbot.store.rows import Repository


class PeopleRepository(Repository):
    async def remember_user(
        self, user_id: int, username: str, full_name: str, now: datetime
    ) -> None:
        await self._run(
            "INSERT INTO users (user_id, username, full_name, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
            " username = excluded.username, full_name = excluded.full_name,"
            " blocked_at = NULL, updated_at = excluded.updated_at"
            " WHERE username != excluded.username OR full_name != excluded.full_name"
            " OR blocked_at IS NOT NULL",
            (user_id, username, full_name, to_db(now), to_db(now)),
        )

    async def set_language(self, user_id: int, language: str, now: datetime) -> None:
        await self._run(
            "INSERT INTO users (user_id, language, created_at, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET language = excluded.language,"
            " updated_at = excluded.updated_at",
            (user_id, language, to_db(now), to_db(now)),
        )

    async def bind_contact(
        self, user_id: int, enterprise_id: int, bound_by: int | None, now: datetime
    ) -> None:
        await self._run(
            "INSERT INTO contacts (user_id, enterprise_id, bound_by, bound_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET enterprise_id = excluded.enterprise_id,"
            " bound_by = excluded.bound_by, bound_at = excluded.bound_at",
            (user_id, enterprise_id, bound_by, to_db(now)),
        )

    async def contact_enterprise_id(self, user_id: int) -> int | None:
        row = await self._one("SELECT enterprise_id FROM contacts WHERE user_id = ?", (user_id,))
        return row["enterprise_id"] if row else None

    async def grant(self, grant: RoleGrant, granted_by: int | None, now: datetime) -> bool:
        """Return False when the same grant already existed."""
        count = await self._count(
            "INSERT OR IGNORE INTO roles (user_id, role, region_prefix, chain, granted_by,"
            " granted_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                grant.user_id,
                grant.role.value,
                grant.region_prefix,
                grant.chain,
                granted_by,
                to_db(now),
            ),
        )
        return count > 0

    async def revoke(self, grant: RoleGrant) -> bool:
        count = await self._count(
            "DELETE FROM roles WHERE user_id = ? AND role = ? AND region_prefix = ? AND chain = ?",
            (grant.user_id, grant.role.value, grant.region_prefix, grant.chain),
        )
        return count > 0

    async def roles_of(self, user_id: int) -> list[RoleGrant]:
        rows = await self._all(
            "SELECT user_id, role, region_prefix, chain FROM roles WHERE user_id = ?", (user_id,)
        )
        return [
            RoleGrant(
                user_id=r["user_id"],
                role=Role(r["role"]),
                region_prefix=r["region_prefix"],
                chain=r["chain"],
            )
            for r in rows
        ]

    async def bind_group(self, group: LiaisonGroup, bound_by: int | None, now: datetime) -> None:
        await self._run(
            "INSERT INTO liaison_groups (chat_id, title, region_prefix, chain, is_escalation,"
            " active, bound_by, bound_at, kind) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET title = excluded.title,"
            " region_prefix = excluded.region_prefix, chain = excluded.chain,"
            " is_escalation = excluded.is_escalation, active = 1, kind = excluded.kind,"
            " bound_by = excluded.bound_by, bound_at = excluded.bound_at",
            (
                group.chat_id,
                group.title,
                group.region_prefix,
                group.chain,
                int(group.is_escalation),
                bound_by,
                to_db(now),
                group.kind,
            ),
        )

    async def group(self, chat_id: int) -> LiaisonGroup | None:
        row = await self._one(
            "SELECT * FROM liaison_groups WHERE chat_id = ? AND active = 1", (chat_id,)
        )
        return _group(row) if row else None

    async def liaison_groups(self) -> list[LiaisonGroup]:
        rows = await self._all(
            "SELECT * FROM liaison_groups WHERE active = 1 AND is_escalation = 0"
            " AND kind = 'staff'"  # an open group never gets cards
        )
        return [_group(r) for r in rows]

    async def add_invite(
        self,
        token: str,
        enterprise_id: int,
        created_by: int,
        now: datetime,
        expires: datetime,
        for_user: int | None = None,
    ) -> None:
        await self._run(
            "INSERT INTO invites (token, enterprise_id, created_by, created_at, expires_at,"
            " for_user) VALUES (?, ?, ?, ?, ?, ?)",
            (token, enterprise_id, created_by, to_db(now), to_db(expires), for_user),
        )

    async def invite(self, token: str) -> tuple[int, datetime, int | None, int | None] | None:
        """(enterprise id, expiry, used by, made for) of an invite token."""
        row = await self._one(
            "SELECT enterprise_id, expires_at, used_by, for_user FROM invites WHERE token = ?",
            (token,),
        )
        if row is None:
            return None
        expires = from_db(row["expires_at"])
        assert expires is not None
        return row["enterprise_id"], expires, row["used_by"], row["for_user"]

    async def user_by_username(self, username: str) -> int | None:
        """The user id of @username, if the bot has seen them (the latest seen wins)."""
        row = await self._one(
            "SELECT user_id FROM users WHERE username = ? COLLATE NOCASE"
            " ORDER BY updated_at DESC LIMIT 1",
            (username.lstrip("@"),),
        )
        return row["user_id"] if row else None

    async def record_move(
        self, user_id: int, from_id: int | None, to_id: int, token: str | None, now: datetime
    ) -> None:
        await self._run(
            "INSERT INTO contact_moves (user_id, from_enterprise_id, to_enterprise_id,"
            " invite_token, moved_at) VALUES (?, ?, ?, ?, ?)",
            (user_id, from_id, to_id, token, to_db(now)),
        )

    async def use_invite(self, token: str, user_id: int, now: datetime) -> bool:
        """Mark the invite used; False if someone used it first."""
        count = await self._count(
            "UPDATE invites SET used_by = ?, used_at = ? WHERE token = ? AND used_by IS NULL",
            (user_id, to_db(now), token),
        )
        return count == 1

    async def hold_notes(self, chat_id: int, contact_id: int, now: datetime) -> bool:
        count = await self._count(
            "UPDATE liaison_groups SET notes_held_since = ?, notes_held_for = ?"
            " WHERE chat_id = ? AND kind = 'staff' AND notes_held_since IS NULL",
            (to_db(now), contact_id, chat_id),
        )
        return count == 1

    async def release_notes(self, chat_id: int) -> bool:
        count = await self._count(
            "UPDATE liaison_groups SET notes_held_since = NULL, notes_held_for = NULL"
            " WHERE chat_id = ? AND notes_held_since IS NOT NULL",
            (chat_id,),
        )
        return count == 1


def _group(row: aiosqlite.Row) -> LiaisonGroup:
    return LiaisonGroup(
        chat_id=row["chat_id"],
        title=row["title"],
        region_prefix=row["region_prefix"],
        chain=row["chain"],
        is_escalation=bool(row["is_escalation"]),
        kind=row["kind"],
    )
