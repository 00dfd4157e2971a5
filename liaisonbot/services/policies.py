"""Support policies in use: matching at filing, offers the officer chooses, waves, the funnel.

Every offer is a `policy_offers` row, unique per version and enterprise: that key is the claim
that makes each version reach an enterprise at most once, whoever offers it (the officer's choice,
the automatic send at filing, a wave). Rows are written first (sent_at NULL) and sent afterwards
by the sender (handlers/policies/sender.py): it claims a row, sends, marks it sent — as the
digest's delivery log does (services/digest_delivery.py). A claim held by a process that stopped
is taken over at the next start, so a crash between claim and send loses nothing; between the
send and the mark, that one message may go twice (the window of one API call).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import aiosqlite

from liaisonbot.domain.access import covers
from liaisonbot.domain.models import Enterprise
from liaisonbot.domain.policies import (
    Match,
    PolicyVersion,
    Stage,
    keyword_hit,
    match,
    matches,
)
from liaisonbot.domain.vocabulary import Category, Role
from liaisonbot.read import people as people_read
from liaisonbot.store import Database, UnitOfWork
from liaisonbot.store.policies import PolicyRepository
from liaisonbot.store.process import is_gone, this_process
from liaisonbot.store.unit_of_work import UnitOfWork as _UoW

STALE_CLAIM = timedelta(minutes=5)
AUTO_SEND = "auto_send"


class PolicyRefused(Exception):
    """Why an offer or a step cannot be made: `code` names the sentence (policy.refused.*)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def local_day(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


# -- the library ---------------------------------------------------------------------------------


async def library(db: Database) -> list[PolicyVersion]:
    return await PolicyRepository(db.conn).current()


async def version(db: Database, version_id: int) -> PolicyVersion | None:
    return await PolicyRepository(db.conn).version(version_id)


async def search(
    db: Database, words: str, day: date, enterprise: Enterprise | None = None
) -> tuple[list[Match], list[PolicyVersion]]:
    """`/policy [关键词|类别]`: (what fits the enterprise, the rest), in force on `day`. A word that
    names a category picks the policies that help with it; any other is a keyword."""
    category = Category.parse(words) if words.strip() else None
    found = [
        v
        for v in await library(db)
        if v.content.valid_on(day)
        and (
            (category is not None and v.content.helps_with(category) and v.content.categories)
            or keyword_hit(v.content, words)
        )
    ]
    fitting = matches(found, enterprise, None, day) if enterprise is not None else []
    fitting_ids = {m.version.id for m in fitting}
    return fitting, [v for v in found if v.id not in fitting_ids]


async def set_auto_send(db: Database, on: bool) -> None:
    async with UnitOfWork(db) as uow:
        await uow.policies.set_setting(AUTO_SEND, "1" if on else "0")


async def auto_send(db: Database) -> bool:
    return await PolicyRepository(db.conn).setting(AUTO_SEND) == "1"


# -- at filing -----------------------------------------------------------------------------------


async def match_filed_report(
    uow: _UoW,
    report_id: int,
    enterprise: Enterprise,
    category: Category,
    day: date,
    now: datetime,
) -> list[int]:
    """Record the policies that fit a report just filed (inside the filing's unit of work); with
    the admin's automatic send on, offer them at once. The matched version ids."""
    found = matches(await uow.policies.current(), enterprise, category, day)
    ids = [m.version.id for m in found]
    await uow.policies.record_matches(report_id, ids)
    if ids and await uow.policies.setting(AUTO_SEND) == "1":
        assert enterprise.id is not None
        for version_id in ids:
            await uow.policies.offer(version_id, enterprise.id, now, report_id=report_id)
    return ids


async def report_matches(
    db: Database, report_id: int, enterprise: Enterprise, day: date
) -> list[tuple[Match | None, PolicyVersion, aiosqlite.Row | None, bool]]:
    """The policies matched at filing, each with today's checks (None: no longer fits or
    expired), its offer row if any, and whether it is ticked as applied."""
    repo = PolicyRepository(db.conn)
    assert enterprise.id is not None
    offers = await repo.offers_of(enterprise.id)
    applied = set(await repo.applied(report_id))
    out = []
    for v in await repo.matched(report_id):
        out.append((match(v, enterprise, None, day), v, offers.get(v.id), v.id in applied))
    return out


# -- offers ----------------------------------------------------------------------------------------


async def _enterprise_of_report(uow: _UoW, report_id: int) -> Enterprise:
    report = await uow.reports.get(report_id)
    if report is None:
        raise PolicyRefused("gone")
    enterprise = await uow.enterprises.get(report.enterprise_id)
    assert enterprise is not None
    return enterprise


async def offer_for_report(
    db: Database, report_id: int, version_id: int, actor_id: int, now: datetime, zone: ZoneInfo
) -> int:
    """The officer chose to send this matched policy: the new offer's id. Refused when the
    actor's scope does not cover the enterprise, the version is not one matched, it expired, or
    it was offered to the enterprise before."""
    grants = (await people_read.viewer(db, actor_id)).grants
    async with UnitOfWork(db) as uow:
        enterprise = await _enterprise_of_report(uow, report_id)
        if not covers(grants, enterprise, Role.OFFICER):
            raise PolicyRefused("not_yours")
        if version_id not in {v.id for v in await uow.policies.matched(report_id)}:
            raise PolicyRefused("gone")
        v = await uow.policies.version(version_id)
        assert v is not None and enterprise.id is not None
        if not v.content.valid_on(local_day(now, zone)):
            raise PolicyRefused("expired")
        offer_id = await uow.policies.offer(
            version_id, enterprise.id, now, report_id=report_id, offered_by=actor_id
        )
        if offer_id is None:
            raise PolicyRefused("offered_before")
        return offer_id


async def toggle_applied(
    db: Database, report_id: int, version_id: int, actor_id: int, now: datetime
) -> bool:
    """Tick (or untick) a matched policy as applied to the report; the officer's scope."""
    grants = (await people_read.viewer(db, actor_id)).grants
    async with UnitOfWork(db) as uow:
        enterprise = await _enterprise_of_report(uow, report_id)
        if not covers(grants, enterprise, Role.OFFICER):
            raise PolicyRefused("not_yours")
        if version_id not in {v.id for v in await uow.policies.matched(report_id)}:
            raise PolicyRefused("gone")
        return await uow.policies.toggle_applied(report_id, version_id, actor_id, now)


async def applied_titles(db: Database, report_id: int) -> list[str]:
    repo = PolicyRepository(db.conn)
    out = []
    for version_id in await repo.applied(report_id):
        v = await repo.version(version_id)
        if v is not None:
            out.append(v.content.title)
    return out


@dataclass(frozen=True)
class WaveResult:
    wave_id: int
    offered: int  # new offers written (the rest had it already, or have no contact)
    fitting: int


async def start_wave(
    db: Database, version_id: int, actor_id: int, now: datetime, zone: ZoneInfo
) -> WaveResult:
    """Offer a version to every listed enterprise of the actor's scope that it fits and that
    has a reachable contact; enterprises that had it already are left out by the unique key.
    Pressing again, or after a restart, offers nothing twice."""
    grants = [
        g
        for g in (await people_read.viewer(db, actor_id)).grants
        if g.role in (Role.OFFICER, Role.ADMIN)
    ]
    if not grants:
        raise PolicyRefused("not_officer")
    day = local_day(now, zone)
    async with UnitOfWork(db) as uow:
        v = await uow.policies.version(version_id)
        if v is None or not v.current:
            raise PolicyRefused("gone")
        if not v.content.valid_on(day):
            raise PolicyRefused("expired")
        scope = (
            ""
            if any(g.role is Role.ADMIN for g in grants)
            else ",".join(sorted({g.region_prefix for g in grants}))
        )
        wave_id = await uow.policies.start_wave(version_id, actor_id, scope, now)
        assert wave_id is not None
        fitting = offered = 0
        for enterprise in await uow.policies.enterprises_with_contacts():
            if not covers(grants, enterprise, Role.OFFICER):
                continue
            if match(v, enterprise, None, day) is None:
                continue
            fitting += 1
            assert enterprise.id is not None
            if await uow.policies.offer(
                version_id, enterprise.id, now, wave_id=wave_id, offered_by=actor_id
            ):
                offered += 1
        return WaveResult(wave_id, offered, fitting)


# -- sending (the sender calls these) -------------------------------------------------------------


async def take_over_dead_claims(db: Database) -> int:
    taken = 0
    async with UnitOfWork(db) as uow:
        for holder in await uow.policies.claim_holders():
            if holder != this_process() and is_gone(holder):
                taken += await uow.policies.release_claims_of(holder)
    return taken


async def claim_unsent(db: Database, now: datetime, limit: int = 50) -> list[aiosqlite.Row]:
    """Unsent offers this process now holds (each claimed in its own short transaction)."""
    holder = this_process()
    claimed = []
    for row in await PolicyRepository(db.conn).unsent(limit):
        async with UnitOfWork(db) as uow:
            if await uow.policies.claim(row["id"], holder, now, now - STALE_CLAIM):
                claimed.append(row)
    return claimed


async def mark_sent(db: Database, offer_id: int, now: datetime) -> None:
    async with UnitOfWork(db) as uow:
        await uow.policies.mark_sent(offer_id, now)


async def mark_failed(db: Database, offer_id: int, reason: str) -> None:
    async with UnitOfWork(db) as uow:
        await uow.policies.mark_failed(offer_id, reason)


async def contacts_of(db: Database, enterprise_id: int) -> list[int]:
    return await PolicyRepository(db.conn).contacts_of(enterprise_id)


# -- the funnel ------------------------------------------------------------------------------------


async def record_step(
    db: Database, offer_id: int, stage: Stage, actor_id: int, now: datetime
) -> tuple[bool, aiosqlite.Row]:
    """已读 / 有意愿 / 已申报 / 已兑现, recorded by a contact of the enterprise or an officer
    covering it. (recorded now?, the offer)."""
    if stage is Stage.PUSHED:
        raise PolicyRefused("gone")
    viewer = await people_read.viewer(db, actor_id)
    async with UnitOfWork(db) as uow:
        row = await uow.policies.offer_row(offer_id)
        if row is None or row["sent_at"] is None:
            raise PolicyRefused("gone")
        enterprise = await uow.enterprises.get(row["enterprise_id"])
        assert enterprise is not None
        mine = viewer.contact_enterprise_id == enterprise.id
        if not mine and not covers(viewer.grants, enterprise, Role.OFFICER):
            raise PolicyRefused("not_yours")
        changed = await uow.policies.advance(offer_id, stage, now)
        return changed, await uow.policies.offer_row(offer_id)  # type: ignore[return-value]
