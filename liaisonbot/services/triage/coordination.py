"""Cross-region and cross-department coordination: the other region named (跨地区), its liaison
group asked to help (协办), and the 牵头单位 / 配合单位 of an item
(docs/domain.md#escalation-ladder)."""

from __future__ import annotations

import re
from datetime import datetime

from liaisonbot.domain.access import covers
from liaisonbot.domain.codes import InvalidCode, validate_region_code
from liaisonbot.domain.errors import BadArgument, NotAllowed, StaleState
from liaisonbot.domain.ladder import other_region_of
from liaisonbot.domain.models import Enterprise, Report
from liaisonbot.domain.vocabulary import Role
from liaisonbot.domain.workflow import Activity
from liaisonbot.services.triage.steps import amend, clean, load, load_as
from liaisonbot.services.triage.terms import Change, Seat
from liaisonbot.store import Database, UnitOfWork

# 协办 request states, and which press moves one to the next.
ASSIST_STATES = ("requested", "accepted", "done")
ASSIST_STEPS: dict[Activity, tuple[tuple[str, ...], str]] = {
    Activity.ASSIST_ACCEPT: (("requested",), "accepted"),
    Activity.ASSIST_DONE: (("requested", "accepted"), "done"),
}

_UNIT_SEPARATOR = re.compile(r"[;；\n]")


async def request_assist_in(
    uow: UnitOfWork,
    report: Report,
    enterprise: Enterprise,
    region_code: str,
    actor_id: int | None,
    now: datetime,
) -> Change | None:
    """Within a unit of work: name `region_code` as the other region and ask its liaison group
    (the most specific covering it) to help; None when that region was asked already."""
    groups = [
        g for g in await uow.people.liaison_groups() if g.covers(region_code, enterprise.chain)
    ]
    chat_id = max(groups, key=lambda g: g.specificity).chat_id if groups else None
    if not await uow.ladder.request_assist(report.id, region_code, chat_id, now):
        return None
    return await amend(
        uow,
        report,
        Activity.ASSIST_REQUEST,
        actor_id,
        None,
        now,
        note=region_code,
        sets={"other_region": region_code},
        details={"assist_region": region_code},
    )


async def name_other_region(
    db: Database,
    report_id: int,
    actor_id: int,
    region_text: str,
    *,
    now: datetime,
    seat: Seat = Seat.GROUP,
) -> Change:
    """跨地区: the officer names the other region involved (a GB/T 2260 code outside the
    enterprise's own city); its liaison group gets a 协办 card."""
    try:
        region_code = validate_region_code(region_text.strip())
    except InvalidCode:
        raise BadArgument(value=region_text.strip()[:20]) from None
    async with UnitOfWork(db) as uow:
        report, enterprise = await load_as(uow, report_id, actor_id, seat)
        if not other_region_of(enterprise.region_code, region_code):
            raise BadArgument(value=region_code)
        change = await request_assist_in(uow, report, enterprise, region_code, actor_id, now)
        if change is None:
            raise BadArgument(value=region_code)
        return change


async def _assist_actor(
    uow: UnitOfWork, report_id: int, region_code: str, actor_id: int
) -> tuple[Report, Enterprise]:
    """The report, once the actor is an officer of the region asked (or an admin)."""
    report, enterprise = await load(uow, report_id)
    grants = await uow.people.roles_of(actor_id)
    helper_view = enterprise.model_copy(update={"region_code": region_code})
    if not covers(grants, helper_view, Role.OFFICER):
        raise NotAllowed()
    return report, enterprise


async def assist_preflight(db: Database, report_id: int, region_code: str, actor_id: int) -> None:
    """Refuse now what `assist_note` would refuse, before asking for the text."""
    async with UnitOfWork(db) as uow:
        await _assist_actor(uow, report_id, region_code, actor_id)


async def assist_step(
    db: Database,
    report_id: int,
    region_code: str,
    actor_id: int,
    step: Activity,
    *,
    now: datetime,
) -> Change:
    """接收 or 办结 on the 协办 card, by an officer of the region asked."""
    sources, target = ASSIST_STEPS[step]
    async with UnitOfWork(db) as uow:
        report, _ = await _assist_actor(uow, report_id, region_code, actor_id)
        for source in sources:
            if await uow.ladder.set_assist_state(
                report_id, region_code, source, target, actor_id, now
            ):
                break
        else:
            raise StaleState(number=report.id, state=report.state.value)
        return await amend(
            uow,
            report,
            step,
            actor_id,
            None,
            now,
            note=region_code,
            details={"assist_region": region_code},
        )


async def assist_note(
    db: Database,
    report_id: int,
    region_code: str,
    actor_id: int,
    text: str,
    *,
    now: datetime,
) -> Change:
    """An answer of the region asked; the main card shows it."""
    text = clean(text, "note")
    async with UnitOfWork(db) as uow:
        report, _ = await _assist_actor(uow, report_id, region_code, actor_id)
        return await amend(
            uow,
            report,
            Activity.ASSIST_NOTE,
            actor_id,
            None,
            now,
            note=f"{region_code} {text}",
            details={"assist_region": region_code},
        )


def split_units(text: str) -> tuple[str, str]:
    """`牵头单位；配合单位、配合单位` (or one per line): the lead unit, then the partners."""
    lead, _, partners = _UNIT_SEPARATOR.sub("\n", text.strip(), count=1).partition("\n")
    return lead.strip(), partners.strip()


async def set_units(
    db: Database,
    report_id: int,
    actor_id: int,
    text: str,
    *,
    now: datetime,
    seat: Seat = Seat.GROUP,
) -> Change:
    """跨部门: name the 牵头单位 and 配合单位 (free text)."""
    lead, partners = split_units(clean(text, "note"))
    lead = clean(lead, "reason")
    partners = clean(partners, "reason", required=False)
    async with UnitOfWork(db) as uow:
        report, _ = await load_as(uow, report_id, actor_id, seat)
        return await amend(
            uow,
            report,
            Activity.UNITS,
            actor_id,
            None,
            now,
            note=f"{lead}；{partners}" if partners else lead,
            sets={"lead_unit": lead, "partner_units": partners},
        )
