"""Bookkeeping: preflight checks, cards, ForceReply prompts and what follows a chat's moves."""

from __future__ import annotations

from datetime import datetime

from liaisonbot.domain.models import Report
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.domain.workflow import Action, Activity, check_activity, next_state
from liaisonbot.services.triage.steps import (
    check_expected,
    load,
    load_as,
    reporter_side,
)
from liaisonbot.services.triage.terms import Seat
from liaisonbot.store import Database, UnitOfWork


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
        report, _ = await load_as(uow, report_id, actor_id, seat)
        check_expected(report, expected)
        if isinstance(step, Action):
            next_state(report.state, step)
        elif isinstance(step, Activity):
            check_activity(report.state, step)
        return report


async def preflight_reporter(db: Database, report_id: int, actor_id: int) -> Report:
    """Refuse now a 不满意 that `rate` would refuse, before asking for the reason."""
    async with UnitOfWork(db) as uow:
        report, _ = await load(uow, report_id)
        await reporter_side(uow, actor_id, report)
        check_expected(report, ReportState.RESOLVED)
        return report


async def record_escalation_card(
    db: Database, report_id: int, chat_id: int, message_id: int
) -> None:
    async with UnitOfWork(db) as uow:
        await uow.triage.set_escalation_card(report_id, chat_id, message_id)


async def record_level_card(db: Database, report_id: int, level: int, message_id: int) -> None:
    """The task force's card of `level` was posted."""
    async with UnitOfWork(db) as uow:
        await uow.ladder.set_card(report_id, level, message_id)


async def record_assist_card(
    db: Database, report_id: int, region_code: str, message_id: int
) -> None:
    async with UnitOfWork(db) as uow:
        await uow.ladder.set_assist_card(report_id, region_code, message_id)


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
