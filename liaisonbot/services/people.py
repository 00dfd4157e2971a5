"""Binding contacts to enterprises, invites, roles and liaison groups."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from liaisonbot.domain.access import can_invite, is_admin
from liaisonbot.domain.codes import validate_credit_code
from liaisonbot.domain.errors import (
    InviteExpired,
    InviteForSomeoneElse,
    InviteUnknown,
    InviteUsed,
    NotAllowed,
    UnknownEnterprise,
    UnknownUser,
)
from liaisonbot.domain.models import Enterprise, LiaisonGroup, RoleGrant
from liaisonbot.domain.numbers import parse_id
from liaisonbot.store import Database, UnitOfWork

INVITE_PREFIX = "inv-"


async def _enterprise_by_code(uow: UnitOfWork, credit_code: str) -> Enterprise:
    code = validate_credit_code(credit_code)
    enterprise = await uow.enterprises.by_credit_code(code)
    if enterprise is None:
        raise UnknownEnterprise(code=code)
    return enterprise


async def bind_contact(
    db: Database, credit_code: str, user_id: int, now: datetime, bound_by: int | None = None
) -> Enterprise:
    async with UnitOfWork(db) as uow:
        enterprise = await _enterprise_by_code(uow, credit_code)
        assert enterprise.id is not None
        await uow.people.bind_contact(user_id, enterprise.id, bound_by, now)
        return enterprise


async def resolve_person(db: Database, who: str) -> int:
    """A user id typed as digits, or @username of someone the bot has seen."""
    user_id = parse_id(who)
    if user_id is not None:
        return user_id
    async with UnitOfWork(db) as uow:
        found = await uow.people.user_by_username(who)
    if found is None:
        raise UnknownUser(username=who.lstrip("@"))
    return found


async def create_invite(
    db: Database,
    officer_id: int,
    credit_code: str,
    now: datetime,
    ttl: timedelta,
    for_user: int | None = None,
) -> tuple[str, Enterprise]:
    """A single-use token for a deep link; only officers covering the enterprise may make one.
    With `for_user`, only that person can use it.

    `secrets.token_urlsafe` uses only A-Z a-z 0-9 _ -, which a t.me start payload allows.
    """
    async with UnitOfWork(db) as uow:
        enterprise = await _enterprise_by_code(uow, credit_code)
        if not can_invite(await uow.people.roles_of(officer_id), enterprise):
            raise NotAllowed()
        token = secrets.token_urlsafe(24)
        assert enterprise.id is not None
        await uow.people.add_invite(token, enterprise.id, officer_id, now, now + ttl, for_user)
        return INVITE_PREFIX + token, enterprise


@dataclass(frozen=True)
class InviteOutcome:
    """`bound`: the user is now the enterprise's contact. Not bound: they are the contact of
    `current` (another enterprise) and must confirm the move first; nothing was changed."""

    enterprise: Enterprise
    bound: bool
    current: Enterprise | None = None


async def accept_invite(
    db: Database, payload: str, user_id: int, now: datetime, *, confirm_move: bool = False
) -> InviteOutcome:
    """Bind the user through an invite. A contact of another enterprise is moved only with
    `confirm_move` (they pressed the button), and the move is recorded in contact_moves."""
    token = payload.removeprefix(INVITE_PREFIX)
    async with UnitOfWork(db) as uow:
        invite = await uow.people.invite(token)
        if invite is None:
            raise InviteUnknown()
        enterprise_id, expires, used_by, for_user = invite
        enterprise = await uow.enterprises.get(enterprise_id)
        assert enterprise is not None
        if for_user is not None and for_user != user_id:
            raise InviteForSomeoneElse()
        if used_by is not None:
            if used_by == user_id:  # the same link opened twice by its owner
                return InviteOutcome(enterprise, bound=True)
            raise InviteUsed()
        if now >= expires:
            raise InviteExpired()
        current_id = await uow.people.contact_enterprise_id(user_id)
        moving = current_id is not None and current_id != enterprise_id
        if moving and not confirm_move:
            current = await uow.enterprises.get(current_id) if current_id else None
            return InviteOutcome(enterprise, bound=False, current=current)
        if not await uow.people.use_invite(token, user_id, now):
            raise InviteUsed()
        await uow.people.bind_contact(user_id, enterprise_id, None, now)
        if moving:
            await uow.people.record_move(user_id, current_id, enterprise_id, token, now)
        return InviteOutcome(enterprise, bound=True)


async def grant_role(db: Database, grant: RoleGrant, now: datetime, by: int | None = None) -> bool:
    async with UnitOfWork(db) as uow:
        return await uow.people.grant(grant, by, now)


async def revoke_role(db: Database, grant: RoleGrant) -> bool:
    async with UnitOfWork(db) as uow:
        return await uow.people.revoke(grant)


async def bind_group(
    db: Database, group: LiaisonGroup, now: datetime, by: int | None = None
) -> None:
    async with UnitOfWork(db) as uow:
        await uow.people.bind_group(group, by, now)


async def remember_user(
    db: Database, user_id: int, username: str, full_name: str, now: datetime
) -> None:
    async with UnitOfWork(db) as uow:
        await uow.people.remember_user(user_id, username, full_name, now)


async def set_language(db: Database, user_id: int, language: str, now: datetime) -> None:
    async with UnitOfWork(db) as uow:
        await uow.people.set_language(user_id, language, now)


async def hold_group_notes(db: Database, chat_id: int, contact_id: int, now: datetime) -> bool:
    """A contact was seen in a staff group: internal notes stop going there. False when the
    group is not a staff group or was held already (nobody is warned twice)."""
    async with UnitOfWork(db) as uow:
        return await uow.people.hold_notes(chat_id, contact_id, now)


async def release_group_notes(db: Database, admin_id: int, chat_id: int) -> bool:
    """An admin confirms the group is fine as it is; False if not an admin or not held."""
    async with UnitOfWork(db) as uow:
        if not is_admin(await uow.people.roles_of(admin_id)):
            raise NotAllowed()
        return await uow.people.release_notes(chat_id)
