"""The steps every triage use case is made of: load and authorize, check the expected state,
then move (a transition) or amend (an activity) with its event, as one compare-and-set."""

from __future__ import annotations

from datetime import datetime

from liaisonbot.domain.access import covers
from liaisonbot.domain.errors import (
    BadArgument,
    NotAllowed,
    NotReporter,
    ReportNotFound,
    StaleState,
)
from liaisonbot.domain.ladder import may_act_at_level
from liaisonbot.domain.limits import clean_text
from liaisonbot.domain.models import Enterprise, Report, ReportEvent
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.domain.workflow import Action, Activity, check_activity, next_state
from liaisonbot.services.triage.terms import SEAT_ROLES, Change, Seat
from liaisonbot.store import Database, UnitOfWork


async def load(uow: UnitOfWork, report_id: int) -> tuple[Report, Enterprise]:
    report = await uow.reports.get(report_id)
    if report is None:
        raise ReportNotFound(number=report_id)
    enterprise = await uow.enterprises.get(report.enterprise_id)
    assert enterprise is not None
    return report, enterprise


async def authorize(
    uow: UnitOfWork,
    actor_id: int,
    enterprise: Enterprise,
    seat: Seat,
    report_id: int | None = None,
) -> None:
    """The actor's roles cover the enterprise from `seat`; on a task force's card, also the
    level the report is held at (docs/domain.md#escalation-ladder)."""
    grants = await uow.people.roles_of(actor_id)
    if not covers(grants, enterprise, *SEAT_ROLES[seat]):
        raise NotAllowed()
    if seat is Seat.ESCALATION and report_id is not None:
        _, level = await uow.ladder.current(report_id)
        if level is not None and not may_act_at_level(grants, enterprise, level.region_prefix):
            raise NotAllowed()


async def load_as(
    uow: UnitOfWork, report_id: int, actor_id: int, seat: Seat
) -> tuple[Report, Enterprise]:
    """The report and its enterprise, once the actor is known to work on it from `seat`."""
    report, enterprise = await load(uow, report_id)
    await authorize(uow, actor_id, enterprise, seat, report.id)
    return report, enterprise


async def other_report(
    uow: UnitOfWork,
    actor_id: int,
    report_id: int,
    other_id: int,
    states: frozenset[ReportState] | None = None,
) -> Report:
    """A second report named by the actor (merge target, link): another one, in one of `states`
    if given, that the actor may work on in the liaison group."""
    other = await uow.reports.get(other_id)
    if other is None or other_id == report_id or (states is not None and other.state not in states):
        raise BadArgument(value=str(other_id))
    other_enterprise = await uow.enterprises.get(other.enterprise_id)
    assert other_enterprise is not None
    await authorize(uow, actor_id, other_enterprise, Seat.GROUP)
    return other


async def reporter_side(uow: UnitOfWork, actor_id: int, report: Report) -> None:
    """The reporter, or another contact of the same enterprise, may answer for it."""
    if actor_id == report.reporter_id:
        return
    if await uow.people.contact_enterprise_id(actor_id) == report.enterprise_id:
        return
    raise NotReporter(number=report.id)


def check_expected(report: Report, expected: ReportState | None) -> None:
    if expected is not None and report.state != expected:
        raise StaleState(number=report.id, state=report.state.value)


def clean(value: str, name: str = "note", *, required: bool = True) -> str:
    return clean_text(value, name, required=required)


async def record_event(
    uow: UnitOfWork,
    report: Report,
    action: str,
    actor_id: int | None,
    to_state: ReportState,
    now: datetime,
    note: str,
) -> None:
    await uow.reports.add_event(
        ReportEvent(
            report_id=report.id,
            actor_id=actor_id,
            at=now,
            action=action,
            from_state=report.state,
            to_state=to_state,
            note=note,
        )
    )


async def move(
    uow: UnitOfWork,
    report: Report,
    action: Action,
    actor_id: int | None,
    expected: ReportState | None,
    now: datetime,
    note: str = "",
    sets: dict[str, object] | None = None,
    details: dict[str, str] | None = None,
) -> Change:
    check_expected(report, expected)
    to_state = next_state(report.state, action)
    if not await uow.triage.move_state(report.id, report.state, to_state, now, sets):
        raise StaleState(number=report.id, state=report.state.value)
    await record_event(uow, report, action.value, actor_id, to_state, now, note)
    return Change(
        report.id, action.value, actor_id, report.state, to_state, note, details=details or {}
    )


async def amend(
    uow: UnitOfWork,
    report: Report,
    activity: Activity,
    actor_id: int | None,
    expected: ReportState | None,
    now: datetime,
    note: str = "",
    sets: dict[str, object] | None = None,
    public: bool = False,
    details: dict[str, str] | None = None,
) -> Change:
    check_expected(report, expected)
    check_activity(report.state, activity)
    if not await uow.triage.update_in_state(report.id, report.state, now, sets or {}):
        raise StaleState(number=report.id, state=report.state.value)
    await record_event(uow, report, activity.value, actor_id, report.state, now, note)
    return Change(
        report.id,
        activity.value,
        actor_id,
        report.state,
        report.state,
        note,
        public=public,
        details=details or {},
    )


async def officer_move(
    db: Database,
    report_id: int,
    actor_id: int,
    action: Action,
    *,
    expected: ReportState | None,
    now: datetime,
    seat: Seat = Seat.GROUP,
    note: str = "",
    sets: dict[str, object] | None = None,
    details: dict[str, str] | None = None,
) -> Change:
    async with UnitOfWork(db) as uow:
        report, _ = await load_as(uow, report_id, actor_id, seat)
        return await move(uow, report, action, actor_id, expected, now, note, sets, details)
