"""Triage and resolution: one function per use case, each in one unit of work.

Authority is read from the roles table inside the same transaction; what a button says is only a
request. A state change is a compare-and-set (`UPDATE ... WHERE id = ? AND state = ?`) written
together with its event, so of two officers pressing at once exactly one moves the report and the
other gets `StaleState`.

`Seat` says where the actor pressed: on the card in the liaison group (officers of the
enterprise's scope, admins) or on the card in the escalation group (officials of the scope,
admins). The reporter's own actions (giving information, 满意 / 不满意) need no seat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from liaisonbot.domain import deadlines
from liaisonbot.domain.access import covers
from liaisonbot.domain.errors import (
    BadArgument,
    DomainError,
    NotAllowed,
    NotReporter,
    ReportNotFound,
    StaleState,
)
from liaisonbot.domain.limits import clean_text
from liaisonbot.domain.models import Enterprise, Report, ReportEvent
from liaisonbot.domain.vocabulary import Category, ReportState, Role, Scope, Urgency
from liaisonbot.domain.workflow import WORKING_STATES, Action, Activity, check_activity, next_state
from liaisonbot.store import Database, UnitOfWork


class AlreadyAcknowledged(DomainError):
    """已阅 pressed again by someone who has already acknowledged the item."""

    code = "already_acknowledged"
    sentence = "report No. {number} was acknowledged already"


class SameCategory(DomainError):
    """改类别 to the category the report already has."""

    code = "same_category"
    sentence = "report No. {number} is in that category already"


class NotAssignee(DomainError):
    """签收 by someone other than the assignee: they take it (认领) first."""

    code = "not_assignee"
    sentence = "only the assignee may start work on report No. {number}; take it first"


class Seat(StrEnum):
    GROUP = "group"
    ESCALATION = "escalation"


class Outcome(StrEnum):
    SOLVED = "SOLVED"
    PARTLY = "PARTLY"
    CANNOT = "CANNOT"


def resolution_note(outcome: Outcome, text: str, policies: str) -> str:
    """How a resolution is written in the event log: `[PARTLY] text | policies`."""
    return f"[{outcome.value}] {text}" + (f" | {policies}" if policies else "")


_RESOLUTION = re.compile(r"^\[(SOLVED|PARTLY|CANNOT)\] (.*?)(?: \| (.*))?$", re.DOTALL)


def parse_resolution_note(note: str) -> tuple[Outcome, str, str] | None:
    """The outcome, text and policies of a resolution event's note, to show them in words."""
    match = _RESOLUTION.match(note)
    if match is None:
        return None
    return Outcome(match.group(1)), match.group(2), match.group(3) or ""


class Satisfaction(StrEnum):
    SATISFIED = "SATISFIED"  # 满意
    BASIC = "BASIC"  # 基本满意
    UNSATISFIED = "UNSATISFIED"  # 不满意
    TIMEOUT = "TIMEOUT"  # no answer in time: closed automatically


SEAT_ROLES: dict[Seat, tuple[Role, ...]] = {
    Seat.GROUP: (Role.OFFICER,),
    Seat.ESCALATION: (Role.OFFICIAL,),
}

# What the reporter is told about (DESIGN: every change that concerns them).
REPORTER_NOTICES = frozenset(
    {
        Action.ACCEPT,
        Action.RETURN,
        Action.RESOLVE,
        Action.REJECT,
        Action.MERGE,
        Action.REOPEN,
        Action.CONFIRM,
        Action.AUTO_CLOSE,
        Activity.RECATEGORIZE,
        Activity.PUBLIC_NOTE,
    }
)

# What the enterprise's own view of the timeline leaves out: internal steps entirely, and the
# text of internal reasons.
INTERNAL_STEPS = frozenset(
    {Activity.NOTE, Activity.TAKE, Activity.ASSIGN, Activity.LINK, Activity.ACKNOWLEDGE}
)
INTERNAL_TEXT = frozenset({Action.ESCALATE, Action.SEND_BACK, Activity.EXTEND})

DEFAULT_CONFIRM_TIMEOUT_DAYS = 7


@dataclass(frozen=True)
class Change:
    """What a use case did; the handlers refresh cards and tell people from it."""

    report_id: int
    action: str
    actor_id: int | None
    from_state: ReportState
    to_state: ReportState
    note: str = ""
    public: bool = False  # a note the reporter is told about
    details: dict[str, str] = field(default_factory=dict)

    @property
    def moved(self) -> bool:
        return self.from_state != self.to_state

    @property
    def tell_reporter(self) -> bool:
        return self.action in REPORTER_NOTICES


# -- helpers ------------------------------------------------------------------------------------


async def _load(uow: UnitOfWork, report_id: int) -> tuple[Report, Enterprise]:
    report = await uow.reports.get(report_id)
    if report is None:
        raise ReportNotFound(number=report_id)
    enterprise = await uow.enterprises.get(report.enterprise_id)
    assert enterprise is not None
    return report, enterprise


async def _authorize(uow: UnitOfWork, actor_id: int, enterprise: Enterprise, seat: Seat) -> None:
    grants = await uow.people.roles_of(actor_id)
    if not covers(grants, enterprise, *SEAT_ROLES[seat]):
        raise NotAllowed()


async def _load_as(
    uow: UnitOfWork, report_id: int, actor_id: int, seat: Seat
) -> tuple[Report, Enterprise]:
    """The report and its enterprise, once the actor is known to work on it from `seat`."""
    report, enterprise = await _load(uow, report_id)
    await _authorize(uow, actor_id, enterprise, seat)
    return report, enterprise


async def _other_report(
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
    await _authorize(uow, actor_id, other_enterprise, Seat.GROUP)
    return other


async def _reporter_side(uow: UnitOfWork, actor_id: int, report: Report) -> None:
    """The reporter, or another contact of the same enterprise, may answer for it."""
    if actor_id == report.reporter_id:
        return
    if await uow.people.contact_enterprise_id(actor_id) == report.enterprise_id:
        return
    raise NotReporter(number=report.id)


def _check_expected(report: Report, expected: ReportState | None) -> None:
    if expected is not None and report.state != expected:
        raise StaleState(number=report.id, state=report.state.value)


def _text(value: str, name: str = "note", *, required: bool = True) -> str:
    return clean_text(value, name, required=required)


async def _event(
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


async def _move(
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
    _check_expected(report, expected)
    to_state = next_state(report.state, action)
    if not await uow.triage.move_state(report.id, report.state, to_state, now, sets):
        raise StaleState(number=report.id, state=report.state.value)
    await _event(uow, report, action.value, actor_id, to_state, now, note)
    return Change(
        report.id, action.value, actor_id, report.state, to_state, note, details=details or {}
    )


async def _amend(
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
    _check_expected(report, expected)
    check_activity(report.state, activity)
    if not await uow.triage.update_in_state(report.id, report.state, now, sets or {}):
        raise StaleState(number=report.id, state=report.state.value)
    await _event(uow, report, activity.value, actor_id, report.state, now, note)
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


async def _officer_move(
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
        report, _ = await _load_as(uow, report_id, actor_id, seat)
        return await _move(uow, report, action, actor_id, expected, now, note, sets, details)


# -- transitions --------------------------------------------------------------------------------


async def accept(
    db: Database,
    report_id: int,
    actor_id: int,
    *,
    expected: ReportState | None,
    now: datetime,
    zone: ZoneInfo,
    urgency: Urgency | None = None,
    scope: Scope | None = None,
    seat: Seat = Seat.GROUP,
) -> Change:
    """受理: confirm urgency and scope (category is changed by `recategorize`); sets the due date.
    The officer who accepts becomes the assignee if nobody was."""
    async with UnitOfWork(db) as uow:
        report, _ = await _load_as(uow, report_id, actor_id, seat)
        filed_urgency, filed_scope = report.content.urgency, report.content.scope
        urgency = urgency or filed_urgency
        scope = scope or filed_scope
        due = deadlines.due_date(now, urgency, zone)
        # What the officer changed from what was filed: the enterprise is told.
        changed = {"due_at": due.isoformat()}
        if urgency != filed_urgency:
            changed["urgency"] = urgency.value
        if scope != filed_scope:
            changed["scope"] = scope.value
        return await _move(
            uow,
            report,
            Action.ACCEPT,
            actor_id,
            expected,
            now,
            note=f"{urgency.value} {scope.value}",
            sets={
                "urgency": urgency.value,
                "scope": scope.value,
                "due_at": due,
                "accepted_at": now,
                "assignee_id": report.assignee_id or actor_id,
            },
            details=changed,
        )


async def sign(
    db: Database,
    report_id: int,
    actor_id: int,
    *,
    expected: ReportState | None,
    now: datetime,
    seat: Seat = Seat.GROUP,
) -> Change:
    """签收: the assignee starts work. Anyone else is refused (`NotAssignee`): they take the item
    (认领) first, so that an item never changes hands without the card saying so. An item
    without an assignee may be signed by any officer of its scope, who becomes the assignee."""
    async with UnitOfWork(db) as uow:
        report, _ = await _load_as(uow, report_id, actor_id, seat)
        _check_expected(report, expected)
        if report.assignee_id is not None and report.assignee_id != actor_id:
            raise NotAssignee(number=report.id)
        return await _move(
            uow, report, Action.SIGN, actor_id, expected, now, sets={"assignee_id": actor_id}
        )


async def return_for_info(
    db: Database,
    report_id: int,
    actor_id: int,
    question: str,
    *,
    expected: ReportState | None,
    now: datetime,
    seat: Seat = Seat.GROUP,
) -> Change:
    """退回补充: the enterprise is asked `question`; its reply moves the report on."""
    question = _text(question, "note")
    return await _officer_move(
        db, report_id, actor_id, Action.RETURN, expected=expected, now=now, seat=seat, note=question
    )


async def give_info(
    db: Database, report_id: int, actor_id: int, answer: str, *, now: datetime
) -> Change:
    """The reporter answers the return question: need_info → accepted."""
    answer = _text(answer, "note")
    async with UnitOfWork(db) as uow:
        report, _ = await _load(uow, report_id)
        await _reporter_side(uow, actor_id, report)
        return await _move(
            uow, report, Action.INFO_GIVEN, actor_id, ReportState.NEED_INFO, now, answer
        )


async def escalate(
    db: Database,
    report_id: int,
    actor_id: int,
    reason: str,
    *,
    expected: ReportState | None,
    now: datetime,
) -> Change:
    """上报 to the task-force group, with a reason."""
    reason = _text(reason, "reason")
    return await _officer_move(
        db, report_id, actor_id, Action.ESCALATE, expected=expected, now=now, note=reason
    )


async def send_back(
    db: Database,
    report_id: int,
    actor_id: int,
    reason: str,
    *,
    expected: ReportState | None,
    now: datetime,
) -> Change:
    """The task force sends an escalated item back down to the liaison group."""
    reason = _text(reason, "reason")
    return await _officer_move(
        db,
        report_id,
        actor_id,
        Action.SEND_BACK,
        expected=expected,
        now=now,
        seat=Seat.ESCALATION,
        note=reason,
    )


def split_policies(text: str) -> tuple[str, str]:
    """An outcome text whose lines starting with 政策 / policy name the policies applied."""
    body, policies = [], []
    for line in text.splitlines():
        stripped = line.strip()
        head, sep, rest = stripped.replace("：", ":", 1).partition(":")
        if sep and head.strip().lower() in ("政策", "policy", "policies"):
            policies.append(rest.strip())
        else:
            body.append(line)
    return "\n".join(body).strip(), "；".join(p for p in policies if p)


async def resolve(
    db: Database,
    report_id: int,
    actor_id: int,
    outcome: Outcome,
    text: str,
    *,
    policies: str = "",
    expected: ReportState | None,
    now: datetime,
    seat: Seat = Seat.GROUP,
) -> Change:
    """办结 with an outcome (solved / partly / cannot) explained in `text`."""
    text = _text(text, "note")
    policies = _text(policies, "reason", required=False)
    return await _officer_move(
        db,
        report_id,
        actor_id,
        Action.RESOLVE,
        expected=expected,
        now=now,
        seat=seat,
        note=resolution_note(outcome, text, policies),
        sets={
            "outcome": outcome.value,
            "outcome_text": text,
            "policies": policies,
            "resolved_at": now,
        },
        details={"outcome": outcome.value, "text": text, "policies": policies},
    )


async def reject(
    db: Database,
    report_id: int,
    actor_id: int,
    reason: str,
    *,
    expected: ReportState | None,
    now: datetime,
) -> Change:
    """不予受理, with a reason the enterprise is told."""
    reason = _text(reason, "reason")
    return await _officer_move(
        db,
        report_id,
        actor_id,
        Action.REJECT,
        expected=expected,
        now=now,
        note=reason,
        sets={"closed_at": now},
    )


async def merge(
    db: Database,
    report_id: int,
    actor_id: int,
    target_id: int,
    *,
    expected: ReportState | None,
    now: datetime,
) -> Change:
    """已合并: a duplicate of `target_id`, which must be an open report the actor may work on."""
    async with UnitOfWork(db) as uow:
        report, _ = await _load_as(uow, report_id, actor_id, Seat.GROUP)
        await _other_report(uow, actor_id, report_id, target_id, _OPEN_TARGET)
        await uow.triage.add_link(report_id, target_id, actor_id, now)
        return await _move(
            uow,
            report,
            Action.MERGE,
            actor_id,
            expected,
            now,
            note=f"#{target_id}",
            sets={"merged_into": target_id, "closed_at": now},
            details={"target": str(target_id)},
        )


_OPEN_TARGET = WORKING_STATES


async def rate(
    db: Database,
    report_id: int,
    actor_id: int,
    satisfaction: Satisfaction,
    *,
    now: datetime,
    reason: str = "",
) -> Change:
    """The reporter's 回访 answer: 满意 / 基本满意 close (销号); 不满意 reopens (重办) with a
    reason."""
    if satisfaction is Satisfaction.TIMEOUT:
        raise BadArgument(value=satisfaction.value)
    async with UnitOfWork(db) as uow:
        report, _ = await _load(uow, report_id)
        await _reporter_side(uow, actor_id, report)
        if satisfaction is Satisfaction.UNSATISFIED:
            reason = _text(reason, "reason")
            return await _move(
                uow,
                report,
                Action.REOPEN,
                actor_id,
                ReportState.RESOLVED,
                now,
                note=reason,
                sets={"satisfaction": satisfaction.value, "resolved_at": None},
            )
        return await _move(
            uow,
            report,
            Action.CONFIRM,
            actor_id,
            ReportState.RESOLVED,
            now,
            note=satisfaction.value,
            sets={"satisfaction": satisfaction.value, "closed_at": now},
        )


async def auto_close_due(
    db: Database, *, now: datetime, timeout_days: int = DEFAULT_CONFIRM_TIMEOUT_DAYS
) -> list[Change]:
    """Close resolved items the reporter has not answered for `timeout_days` days."""
    changes: list[Change] = []
    async with UnitOfWork(db) as uow:
        for report_id in await uow.triage.resolved_before(now - timedelta(days=timeout_days)):
            report, _ = await _load(uow, report_id)
            changes.append(
                await _move(
                    uow,
                    report,
                    Action.AUTO_CLOSE,
                    None,
                    ReportState.RESOLVED,
                    now,
                    note=Satisfaction.TIMEOUT.value,
                    sets={"satisfaction": Satisfaction.TIMEOUT.value, "closed_at": now},
                )
            )
    return changes


# -- activities (the state stays) ---------------------------------------------------------------


async def assign(
    db: Database,
    report_id: int,
    actor_id: int,
    assignee_id: int | None = None,
    *,
    expected: ReportState | None,
    now: datetime,
    seat: Seat = Seat.GROUP,
) -> Change:
    """Take it (no assignee given) or assign it to another officer who covers the enterprise."""
    async with UnitOfWork(db) as uow:
        report, enterprise = await _load_as(uow, report_id, actor_id, seat)
        target = actor_id if assignee_id is None else assignee_id
        if target != actor_id and not covers(
            await uow.people.roles_of(target), enterprise, Role.OFFICER
        ):
            raise BadArgument(value=str(target))
        return await _amend(
            uow,
            report,
            Activity.TAKE if target == actor_id else Activity.ASSIGN,
            actor_id,
            expected,
            now,
            note=str(target),
            sets={"assignee_id": target},
            details={"assignee": str(target)},
        )


async def add_note(
    db: Database,
    report_id: int,
    actor_id: int,
    text: str,
    *,
    public: bool = False,
    now: datetime,
    seat: Seat = Seat.GROUP,
) -> Change:
    """A progress note; internal unless `public` (then the reporter is told)."""
    text = _text(text, "note")
    async with UnitOfWork(db) as uow:
        report, _ = await _load_as(uow, report_id, actor_id, seat)
        return await _amend(
            uow,
            report,
            Activity.PUBLIC_NOTE if public else Activity.NOTE,
            actor_id,
            None,
            now,
            note=text,
            public=public,
        )


async def recategorize(
    db: Database,
    report_id: int,
    actor_id: int,
    category: Category,
    *,
    expected: ReportState | None,
    now: datetime,
    seat: Seat = Seat.GROUP,
) -> Change:
    """Change the category; the event keeps both (old → new) and the enterprise is told."""
    async with UnitOfWork(db) as uow:
        report, _ = await _load_as(uow, report_id, actor_id, seat)
        old = report.content.category
        if old == category:
            raise SameCategory(number=report.id)
        return await _amend(
            uow,
            report,
            Activity.RECATEGORIZE,
            actor_id,
            expected,
            now,
            note=f"{old.value} → {category.value}",
            sets={"category": category.value},
            details={"old": old.value, "new": category.value},
        )


async def link(
    db: Database, report_id: int, actor_id: int, other_id: int, *, now: datetime
) -> Change:
    """Several enterprises, one problem: link two reports (both must be the actor's to work)."""
    async with UnitOfWork(db) as uow:
        report, _ = await _load_as(uow, report_id, actor_id, Seat.GROUP)
        await _other_report(uow, actor_id, report_id, other_id)
        if not await uow.triage.add_link(report_id, other_id, actor_id, now):
            raise BadArgument(value=str(other_id))
        return await _amend(
            uow,
            report,
            Activity.LINK,
            actor_id,
            None,
            now,
            note=f"#{other_id}",
            details={"other": str(other_id)},
        )


async def extend(
    db: Database,
    report_id: int,
    actor_id: int,
    days: int,
    reason: str,
    *,
    expected: ReportState | None,
    now: datetime,
    zone: ZoneInfo,
    seat: Seat = Seat.GROUP,
) -> Change:
    """Move the due date by `days` working days (30 in all at most), with a recorded reason."""
    reason = _text(reason, "reason")
    async with UnitOfWork(db) as uow:
        report, _ = await _load_as(uow, report_id, actor_id, seat)
        row = await uow.triage.triage_row(report_id)
        assert row is not None
        already = int(row["extension_days"] or 0)  # type: ignore[call-overload]
        if report.due_at is None:
            raise BadArgument(value=str(days))
        try:
            due = deadlines.extended_due(report.due_at, days, already, zone)
        except ValueError:
            raise BadArgument(value=str(days)) from None
        return await _amend(
            uow,
            report,
            Activity.EXTEND,
            actor_id,
            expected,
            now,
            note=f"+{days} {reason}",
            sets={"due_at": due, "extension_days": already + days},
            details={"due_at": due.isoformat()},
        )


async def acknowledge(db: Database, report_id: int, actor_id: int, *, now: datetime) -> Change:
    """An official in the escalation group records having seen the item (once per person)."""
    async with UnitOfWork(db) as uow:
        report, _ = await _load_as(uow, report_id, actor_id, Seat.ESCALATION)
        check_activity(report.state, Activity.ACKNOWLEDGE)
        if not await uow.triage.add_ack(report_id, actor_id, now):
            raise AlreadyAcknowledged(number=report.id)
        return await _amend(uow, report, Activity.ACKNOWLEDGE, actor_id, None, now)


async def preflight(
    db: Database,
    report_id: int,
    actor_id: int,
    seat: Seat,
    expected: ReportState | None,
    step: Action | Activity | None,
) -> Report:
    """Refuse now what `step` would refuse later, before a panel or a question is shown."""
    async with UnitOfWork(db) as uow:
        report, _ = await _load_as(uow, report_id, actor_id, seat)
        _check_expected(report, expected)
        if isinstance(step, Action):
            next_state(report.state, step)
        elif isinstance(step, Activity):
            check_activity(report.state, step)
        return report


async def preflight_reporter(db: Database, report_id: int, actor_id: int) -> Report:
    """Refuse now a 不满意 that `rate` would refuse, before asking for the reason."""
    async with UnitOfWork(db) as uow:
        report, _ = await _load(uow, report_id)
        await _reporter_side(uow, actor_id, report)
        _check_expected(report, ReportState.RESOLVED)
        return report


# -- bookkeeping --------------------------------------------------------------------------------


async def record_escalation_card(
    db: Database, report_id: int, chat_id: int, message_id: int
) -> None:
    async with UnitOfWork(db) as uow:
        await uow.triage.set_escalation_card(report_id, chat_id, message_id)


async def report_by_card(db: Database, chat_id: int, message_id: int) -> int | None:
    async with UnitOfWork(db) as uow:
        return await uow.triage.by_card(chat_id, message_id)


async def add_prompt(
    db: Database,
    *,
    chat_id: int,
    message_id: int,
    report_id: int,
    user_id: int,
    action: str,
    expected_state: ReportState,
    argument: str = "",
    now: datetime,
) -> None:
    """Remember a ForceReply question: the reply to that message is `user_id`'s answer."""
    async with UnitOfWork(db) as uow:
        await uow.triage.add_prompt(
            chat_id=chat_id,
            message_id=message_id,
            report_id=report_id,
            user_id=user_id,
            action=action,
            expected_state=expected_state,
            argument=argument,
            now=now,
        )


async def close_prompt(db: Database, chat_id: int, message_id: int, now: datetime) -> bool:
    async with UnitOfWork(db) as uow:
        return await uow.triage.use_prompt(chat_id, message_id, now)


async def move_chat(db: Database, old_chat_id: int, new_chat_id: int) -> int:
    """A group became a supergroup: its binding, cards and prompts follow the new chat id.
    Returns the number of reports moved; doing it twice is harmless."""
    async with UnitOfWork(db) as uow:
        return await uow.triage.move_chat(old_chat_id, new_chat_id)


async def set_group_active(db: Database, chat_id: int, active: bool) -> bool:
    """The bot was removed from (or added back to) a bound group; False if it is not bound."""
    async with UnitOfWork(db) as uow:
        return await uow.triage.set_group_active(chat_id, active)


async def user_blocked(db: Database, user_id: int, now: datetime) -> None:
    async with UnitOfWork(db) as uow:
        await uow.triage.mark_blocked(user_id, now)
