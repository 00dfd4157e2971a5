"""Transitions: the use cases that move a report from one state to another."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from liaisonbot.domain import deadlines
from liaisonbot.domain.errors import BadArgument, StaleState
from liaisonbot.domain.ladder import first_level, level_up
from liaisonbot.domain.models import Report
from liaisonbot.domain.vocabulary import ReportState, Scope, Urgency
from liaisonbot.domain.workflow import WORKING_STATES, Action
from liaisonbot.services.triage.steps import (
    check_expected,
    clean,
    load,
    load_as,
    move,
    officer_move,
    other_report,
    reporter_side,
)
from liaisonbot.services.triage.terms import (
    DEFAULT_CONFIRM_TIMEOUT_DAYS,
    Change,
    NoTaskForce,
    NotAssignee,
    Outcome,
    Satisfaction,
    Seat,
    resolution_note,
)
from liaisonbot.store import Database, UnitOfWork


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
        report, _ = await load_as(uow, report_id, actor_id, seat)
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
        return await move(
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
        report, _ = await load_as(uow, report_id, actor_id, seat)
        check_expected(report, expected)
        if report.assignee_id is not None and report.assignee_id != actor_id:
            raise NotAssignee(number=report.id)
        return await move(
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
    question = clean(question, "note")
    return await officer_move(
        db, report_id, actor_id, Action.RETURN, expected=expected, now=now, seat=seat, note=question
    )


async def give_info(
    db: Database, report_id: int, actor_id: int, answer: str, *, now: datetime
) -> Change:
    """The reporter answers the return question: need_info → accepted."""
    answer = clean(answer, "note")
    async with UnitOfWork(db) as uow:
        report, _ = await load(uow, report_id)
        await reporter_side(uow, actor_id, report)
        return await move(
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
    seat: Seat = Seat.GROUP,
    at_level: int | None = None,
) -> Change:
    """上报, with a reason: from the liaison group to the most specific task force covering the
    enterprise, from a task force to the next one up (docs/domain.md#escalation-ladder).
    `at_level` is the level the presser saw; the item elsewhere by now is `StaleState`."""
    reason = clean(reason, "reason")
    async with UnitOfWork(db) as uow:
        report, enterprise = await load_as(uow, report_id, actor_id, seat)
        level, current = await uow.ladder.current(report_id)
        _check_level(report, level, seat, at_level)
        forces = await uow.ladder.task_forces()
        if current is None:
            target = first_level(forces, enterprise)
        else:
            target = level_up(forces, enterprise, current.region_prefix)
        if target is None:
            raise NoTaskForce(number=report.id)
        await uow.ladder.reach(report_id, level + 1, target.chat_id, target.region_prefix, now)
        return await move(
            uow,
            report,
            Action.ESCALATE,
            actor_id,
            expected,
            now,
            note=reason,
            sets={"escalation_level": level + 1, "level_since": now},
            details={"level": str(level + 1)},
        )


def _check_level(report: Report, level: int, seat: Seat, at_level: int | None) -> None:
    """A task force acts on an item held at its level, the liaison group on one held there."""
    held_by_group = level == 0
    if (at_level is not None and at_level != level) or held_by_group != (seat is Seat.GROUP):
        raise StaleState(number=report.id, state=report.state.value)


async def send_back(
    db: Database,
    report_id: int,
    actor_id: int,
    reason: str,
    *,
    expected: ReportState | None,
    now: datetime,
    at_level: int | None = None,
) -> Change:
    """A task force sends an escalated item back down one level: to the task force below it
    (still escalated), or from the first one to the liaison group (in progress again)."""
    reason = clean(reason, "reason")
    async with UnitOfWork(db) as uow:
        report, _ = await load_as(uow, report_id, actor_id, Seat.ESCALATION)
        level, _ = await uow.ladder.current(report_id)
        if level == 0 and report.state is ReportState.ESCALATED:
            level = 1  # escalated before the ladder: held by the one task force there was
        _check_level(report, level, Seat.ESCALATION, at_level)
        action = Action.SEND_DOWN if level > 1 else Action.SEND_BACK
        return await move(
            uow,
            report,
            action,
            actor_id,
            expected,
            now,
            note=reason,
            sets={"escalation_level": level - 1, "level_since": now},
            details={"level": str(level - 1)},
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
    text = clean(text, "note")
    policies = clean(policies, "reason", required=False)
    return await officer_move(
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
    reason = clean(reason, "reason")
    return await officer_move(
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
        report, _ = await load_as(uow, report_id, actor_id, Seat.GROUP)
        await other_report(uow, actor_id, report_id, target_id, WORKING_STATES)
        await uow.triage.add_link(report_id, target_id, actor_id, now)
        return await move(
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
        report, _ = await load(uow, report_id)
        await reporter_side(uow, actor_id, report)
        if satisfaction is Satisfaction.UNSATISFIED:
            reason = clean(reason, "reason")
            return await move(
                uow,
                report,
                Action.REOPEN,
                actor_id,
                ReportState.RESOLVED,
                now,
                note=reason,
                sets={"satisfaction": satisfaction.value, "resolved_at": None},
            )
        return await move(
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
            report, _ = await load(uow, report_id)
            changes.append(
                await move(
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
