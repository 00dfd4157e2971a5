"""Digest subscriptions: who gets the daily digest, for which scope, at what time.

Only officials (or admins) subscribe, and only within a scope a grant of theirs covers. The chat
is the official's private chat, or an escalation group the official subscribes on its behalf.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from liaisonbot.clock import from_db
from liaisonbot.domain.errors import DomainError
from liaisonbot.domain.models import RoleGrant
from liaisonbot.domain.vocabulary import Role
from liaisonbot.read.digest.scope import DigestScope
from liaisonbot.store import Database, UnitOfWork
from liaisonbot.store.subscriptions import SubscriptionRepository

DEFAULT_TIME = "08:30"
# 7:30, 07:30, 7：30 (full-width colon); 7点, 7点半, 7点30, 7点30分, 7点05分 (时 for 点 too).
_CLOCK = re.compile(r"^(\d{1,2})\s*[:：]\s*(\d{2})$")
_CHINESE = re.compile(r"^(\d{1,2})\s*[点點时時]\s*(?:(半)|(\d{1,2})\s*分?|钟|鐘|整)?$")
# What a time was meant to be: a digit next to a colon, 点/时/分 or 半 (never a chain's name).
_TIME_LIKE = re.compile(r"\d\s*[:：点點时時分半]|[:：]\s*\d")


class NotOfficial(DomainError):
    """Only officials (and admins) receive digests."""

    code = "digest_not_official"


class OutOfScope(DomainError):
    """The scope asked for is wider than the official's grants."""

    code = "digest_out_of_scope"


class NotEscalationGroup(DomainError):
    code = "digest_not_escalation_group"


class BadTime(DomainError):
    code = "digest_bad_time"


class UnknownChain(DomainError):
    """A chain name not in the enterprise lists (nor the configured chains)."""

    code = "unknown_chain"
    sentence = "no industry chain {given}; known chains: {known}"


async def known_chains(db: Database, configured: tuple[str, ...] = ()) -> list[str]:
    """The chains an admin has named: in the enterprise lists, in role grants and group bindings,
    and in the settings."""
    rows = await db.fetch_all(
        "SELECT chain FROM enterprises WHERE chain != '' UNION SELECT chain FROM roles"
        " WHERE chain != '' UNION SELECT chain FROM liaison_groups WHERE chain != ''"
    )
    return sorted({r["chain"] for r in rows} | set(configured))


async def check_chains(
    db: Database, chains: tuple[str, ...], configured: tuple[str, ...] = ()
) -> None:
    """Refuse a chain no list knows, naming the known ones (a typo would subscribe to nothing)."""
    if not chains:
        return
    known = await known_chains(db, configured)
    for chain in chains:
        if chain not in known:
            raise UnknownChain(given=chain[:20], known="、".join(known) or "—")


@dataclass(frozen=True)
class Subscription:
    id: int
    chat_id: int
    owner_id: int | None
    scope: DigestScope
    at_time: str = DEFAULT_TIME
    skip_empty: bool = False
    skip_non_working: bool = False
    active: bool = True
    created_at: datetime | None = None

    @property
    def hour_minute(self) -> tuple[int, int]:
        hour, minute = self.at_time.split(":")
        return int(hour), int(minute)


def parse_time(text: str) -> str:
    """'8:30', '08:30', '8：30', '8点', '8点半', '8点30分' → '08:30'-style; BadTime otherwise."""
    raw = text.strip()
    clock = _CLOCK.match(raw)
    chinese = None if clock else _CHINESE.match(raw)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
    elif chinese:
        hour = int(chinese.group(1))
        minute = 30 if chinese.group(2) else int(chinese.group(3) or 0)
    else:
        raise BadTime(value=text)
    if hour > 23 or minute > 59:
        raise BadTime(value=text)
    return f"{hour:02d}:{minute:02d}"


def looks_like_time(token: str) -> bool:
    """Whether `token` was meant as a time of day (so never a chain's name), parseable or not."""
    return bool(_TIME_LIKE.search(token))


def _row(row: aiosqlite.Row) -> Subscription:
    return Subscription(
        id=row["id"],
        chat_id=row["chat_id"],
        owner_id=row["owner_id"],
        scope=DigestScope(row["region_prefix"], tuple(json.loads(row["chains"]))),
        at_time=row["at_time"],
        skip_empty=bool(row["skip_empty"]),
        skip_non_working=bool(row["skip_non_working"]),
        active=bool(row["active"]),
        created_at=from_db(row["created_at"]),
    )


def digest_grants(grants: list[RoleGrant]) -> list[RoleGrant]:
    return [g for g in grants if g.role in (Role.OFFICIAL, Role.ADMIN)]


def scopes_of(grants: list[RoleGrant]) -> list[DigestScope]:
    """The widest scopes an official may receive: one per official grant (all for an admin)."""
    ours = digest_grants(grants)
    if any(g.role is Role.ADMIN for g in ours):
        return [DigestScope()]
    return [DigestScope(g.region_prefix, (g.chain,) if g.chain else ()) for g in ours]


async def grants_of(db: Database, user_id: int) -> list[RoleGrant]:
    async with UnitOfWork(db) as uow:
        return await uow.people.roles_of(user_id)


def check_scope(grants: list[RoleGrant], scope: DigestScope) -> None:
    ours = digest_grants(grants)
    if not ours:
        raise NotOfficial()
    if not any(scope.within(g) for g in ours):
        raise OutOfScope()


def may_stop(grants: list[RoleGrant], user_id: int, sub: Subscription) -> bool:
    """Who may stop a subscription: its owner (or the person whose private chat gets it), or an
    official (an admin) whose scope covers the subscription's scope."""
    if user_id in (sub.owner_id, sub.chat_id):
        return True
    return any(sub.scope.within(g) for g in digest_grants(grants))


async def subscribe(
    db: Database,
    *,
    chat_id: int,
    owner_id: int,
    scope: DigestScope,
    now: datetime,
    at_time: str = DEFAULT_TIME,
    skip_empty: bool = False,
    skip_non_working: bool = False,
) -> Subscription:
    """Subscribe `chat_id` (the official's own chat, or an escalation group) to the digest of
    `scope`; the same chat and scope again updates the time and options and reactivates it."""
    at_time = parse_time(at_time)
    async with UnitOfWork(db) as uow:
        check_scope(await uow.people.roles_of(owner_id), scope)
        if chat_id < 0:
            group = await uow.people.group(chat_id)
            if group is None or not group.is_escalation:
                raise NotEscalationGroup()
        elif chat_id != owner_id:
            raise NotOfficial()
        row = await uow.subscriptions.upsert(
            chat_id=chat_id,
            owner_id=owner_id,
            region_prefix=scope.region_prefix,
            chains=json.dumps(list(scope.chains), ensure_ascii=False),
            at_time=at_time,
            skip_empty=skip_empty,
            skip_non_working=skip_non_working,
            now=now,
        )
    return _row(row)


def overlapping(
    subs: list[Subscription], sub: Subscription
) -> tuple[list[Subscription], list[Subscription]]:
    """Of a chat's other subscriptions, those whose scope contains `sub`'s and those within it:
    either way the chat gets near-identical digests (allowed: it is the official's choice)."""
    others = [s for s in subs if s.id != sub.id]
    return (
        [s for s in others if s.scope.contains(sub.scope)],
        [s for s in others if sub.scope.contains(s.scope)],
    )


async def unsubscribe(
    db: Database, chat_id: int, now: datetime, subscription_id: int | None = None
) -> int:
    """Stop the chat's digests (one subscription, or all of them); the number stopped."""
    async with UnitOfWork(db) as uow:
        return await uow.subscriptions.unsubscribe(chat_id, now, subscription_id)


async def deactivate(db: Database, subscription_id: int, reason: str, now: datetime) -> None:
    """The chat cannot be reached (blocked the bot, left the group)."""
    async with db.autocommit() as conn:
        await SubscriptionRepository(conn).deactivate(subscription_id, reason, now)


async def move_chat(db: Database, old_chat_id: int, new_chat_id: int, now: datetime) -> None:
    """A group became a supergroup: its subscriptions follow the new chat id."""
    async with db.autocommit() as conn:
        await SubscriptionRepository(conn).move_chat(old_chat_id, new_chat_id, now)


def _reader(db: Database) -> SubscriptionRepository:
    """Reads go straight to the connection, as ever: no transaction, no write lock."""
    return SubscriptionRepository(db.conn)


async def for_chat(db: Database, chat_id: int, *, active_only: bool = True) -> list[Subscription]:
    rows = await _reader(db).for_chat(chat_id, active_only=active_only)
    return [_row(r) for r in rows]


async def get(db: Database, subscription_id: int) -> Subscription | None:
    row = await _reader(db).get(subscription_id)
    return _row(row) if row else None


async def active(db: Database, at_time: str | None = None) -> list[Subscription]:
    return [_row(r) for r in await _reader(db).active(at_time)]


async def active_times(db: Database) -> list[str]:
    return await _reader(db).active_times()
