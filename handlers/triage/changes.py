"""What follows every change to a report, whichever way it was made (a button, an answer to a
question, a reminder job)."""

from __future__ import annotations

from html import escape

from telegram import Bot

from handlers.common import Deps
from handlers.i18n import t
from handlers.triage.assist import post_assist_cards, refresh_assist_cards
from handlers.triage.cards import post_escalation, refresh_cards, send_quietly
from handlers.triage.notices import notify_reporter
from liaisonbot.domain.workflow import Action, Activity
from liaisonbot.read import reports as views
from liaisonbot.services.triage import Change

# The enterprise's own steps, told to the liaison group under the card (the assignee by mention).
ENTERPRISE_STEPS = frozenset(
    {Action.INFO_GIVEN, Action.REOPEN, Action.WITHDRAW, Activity.ADD_INFO, Activity.CORRECT}
)


async def _assignee_mention(d: Deps, assignee_id: int | None) -> str:
    if assignee_id is None:
        return ""
    names = await views.user_names(d.db, {assignee_id})
    name = escape(names.get(assignee_id, str(assignee_id)))
    return f'\n<a href="tg://user?id={assignee_id}">{name}</a>'


async def after_change(bot: Bot, d: Deps, change: Change) -> None:
    """Post the escalation and 协办 cards when due, edit every card, tell the reporter."""
    if change.action == Action.ESCALATE:
        await post_escalation(bot, d, change)
    if "assist_region" in change.details:
        await post_assist_cards(bot, d, change.report_id)
    await refresh_cards(bot, d, change.report_id)
    await refresh_assist_cards(bot, d, change.report_id)
    for other in ("target", "other"):
        if other in change.details:
            await refresh_cards(bot, d, int(change.details[other]))
    if change.tell_reporter:
        await notify_reporter(bot, d, change)
    if change.action == Action.SEND_BACK:  # the task force's instruction, under the group's card
        report = await views.report(d.db, change.report_id)
        if report is not None and report.group_chat_id is not None:
            await send_quietly(
                bot,
                report.group_chat_id,
                t(
                    d.settings.lang,
                    "triage.sent_back_reason",
                    number=report.id,
                    text=escape(change.note),
                )
                + await _assignee_mention(d, report.assignee_id),
                reply_to=report.card_message_id,
            )
    if change.action in ENTERPRISE_STEPS:  # the enterprise's words, to the group
        report = await views.report(d.db, change.report_id)
        if report is not None and report.group_chat_id is not None:
            await send_quietly(
                bot,
                report.group_chat_id,
                t(
                    d.settings.lang,
                    f"triage.enterprise_{change.action}",
                    number=report.id,
                    text=escape(change.note),
                    files=change.details.get("files", "0"),
                )
                + await _assignee_mention(d, report.assignee_id),
                reply_to=report.card_message_id,
            )
