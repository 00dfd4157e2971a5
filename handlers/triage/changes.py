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
from liaisonbot.domain.workflow import Action
from liaisonbot.read import reports as views
from liaisonbot.services.triage import Change


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
    if change.action in (Action.INFO_GIVEN, Action.REOPEN):  # the enterprise's words, to the group
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
                ),
                reply_to=report.card_message_id,
            )
