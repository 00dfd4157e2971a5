"""Binding contacts to enterprises, invites, roles and liaison groups."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from liaisonbot.domain.access import can_invite
from liaisonbot.domain.codes import validate_credit_code
from liaisonbot.domain.errors import (
    InviteExpired,
    InviteUnknown,
    InviteUsed,
    NotAllowed,
    UnknownEnterprise,
)
from liaisonbot.domain.models import Enterprise, LiaisonGroup, RoleGrant
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


async def create_invite(
    db: Database, officer_id: int, credit_code: str, now: datetime, ttl: timedelta
) -> tuple[str, Enterprise]:
    """A single-use token for a deep link; only officers covering the enterprise may make one.

    `secrets.token_urlsafe` uses only A-Z a-z 0-9 _ -, which a t.me start payload allows.
    """
    async with UnitOfWork(db) as uow:
        enterprise = await _enterprise_by_code(uow, credit_code)
        if not can_invite(await uow.people.roles_of(officer_id), enterprise):
            raise NotAllowed()
        token = secrets.token_urlsafe(24)
        assert enterprise.id is not None
        await uow.people.add_invite(token, enterprise.id, officer_id, now, now + ttl)
        return INVITE_PREFIX + token, enterprise


async def accept_invite(db: Database, payload: str, user_id: int, now: datetime) -> Enterprise:
    token = payload.removeprefix(INVITE_PREFIX)
    async with UnitOfWork(db) as uow:
        invite = await uow.people.invite(token)
        if invite is None:
            raise InviteUnknown()
        enterprise_id, expires, used_by = invite
        if used_by is not None:
            if used_by == user_id:  # the same link opened twice by its owner
                enterprise = await uow.enterprises.get(enterprise_id)
                assert enterprise is not None
                return enterprise
            raise InviteUsed()
        if now >= expires:
            raise InviteExpired()
        if not await uow.people.use_invite(token, user_id, now):
            raise InviteUsed()
        await uow.people.bind_contact(user_id, enterprise_id, None, now)
        enterprise = await uow.enterprises.get(enterprise_id)
        assert enterprise is not None
        return enterprise


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
