"""The enterprise follows its report through: adds to it (补充), corrects it (修改) or withdraws
it (撤回). Any contact of the reporting enterprise may; correcting and withdrawing only until
the report is accepted (docs/domain.md#enterprises-follow-through).
"""

from __future__ import annotations

from datetime import datetime

from liaisonbot.domain.errors import NotWithdrawable
from liaisonbot.domain.models import Attachment, Report
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.domain.workflow import ACTIVITY_STATES, Action, Activity
from liaisonbot.services.triage.steps import amend, clean, load, move, reporter_side
from liaisonbot.services.triage.terms import Change
from liaisonbot.store import Database, UnitOfWork

MAX_ADDED_FILES = 10  # per addition, as in the report dialog


async def add_info(
    db: Database,
    report_id: int,
    actor_id: int,
    text: str = "",
    *,
    attachments: tuple[Attachment, ...] = (),
    now: datetime,
) -> Change:
    """Words and/or files added to an open report; the event keeps the words."""
    text = clean(text, "note", required=not attachments)
    async with UnitOfWork(db) as uow:
        report, _ = await load(uow, report_id)
        await reporter_side(uow, actor_id, report)
        change = await amend(
            uow,
            report,
            Activity.ADD_INFO,
            actor_id,
            None,
            now,
            note=text,
            details={"files": str(len(attachments))},
        )
        await uow.reports.add_attachments(report_id, attachments[:MAX_ADDED_FILES], now)
        return change


async def correct(
    db: Database,
    report_id: int,
    actor_id: int,
    title: str,
    description: str,
    *,
    now: datetime,
) -> Change:
    """A new title and description while the report waits for acceptance; the event keeps the
    old ones."""
    title = clean(title, "title")
    description = clean(description, "description", required=False)
    async with UnitOfWork(db) as uow:
        report, _ = await load(uow, report_id)
        await reporter_side(uow, actor_id, report)
        _check_before_acceptance(report, Activity.CORRECT)
        old = report.content
        return await amend(
            uow,
            report,
            Activity.CORRECT,
            actor_id,
            None,
            now,
            note=f"{old.title}\n{old.description}".strip(),
            sets={"title": title, "description": description},
            details={"title": title},
        )


async def withdraw(
    db: Database, report_id: int, actor_id: int, reason: str = "", *, now: datetime
) -> Change:
    """撤回: the report ends, unworked, at the enterprise's request (until it is accepted)."""
    reason = clean(reason, "reason", required=False)
    async with UnitOfWork(db) as uow:
        report, _ = await load(uow, report_id)
        await reporter_side(uow, actor_id, report)
        _check_before_acceptance(report, Action.WITHDRAW)
        return await move(uow, report, Action.WITHDRAW, actor_id, None, now, note=reason)


def _check_before_acceptance(report: Report, step: Action | Activity) -> None:
    allowed = (
        ACTIVITY_STATES[step] if isinstance(step, Activity) else frozenset({ReportState.SUBMITTED})
    )
    if report.state not in allowed:
        raise NotWithdrawable(number=report.id, state=report.state.value, action=step.value)
