"""Telling the reporter and the liaison group about a stored report, exactly once.

The report is committed first; the acknowledgement and the group card are then sent and recorded
one by one. Whatever was not recorded (the bot stopped in between) is sent at the next start, so
nothing is lost and, short of a crash between a send and its record, nothing is sent twice.
"""

from __future__ import annotations

import logging

from telegram import Bot, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from liaisonbot import views
from liaisonbot.services import intake

from . import keyboards, rendering
from .common import Deps

log = logging.getLogger(__name__)


async def deliver_report(bot: Bot, d: Deps, report_id: int) -> None:
    report = await views.report(d.db, report_id)
    if report is None:
        return
    enterprise = await views.enterprise(d.db, report.enterprise_id)
    assert enterprise is not None
    zone = d.settings.zone
    group_lang = d.settings.lang
    reporter_lang = (
        await views.user_language(d.db, report.reporter_id) if report.reporter_id else None
    ) or d.settings.lang
    card_in_origin = (
        report.group_chat_id is not None and report.group_chat_id == report.origin_chat_id
    )

    if report.acked_at is None and report.origin_chat_id is not None and not card_in_origin:
        try:
            await bot.send_message(
                report.origin_chat_id,
                rendering.filed_ack(report, enterprise, reporter_lang, zone),
                parse_mode=ParseMode.HTML,
                reply_parameters=_reply_to(report.origin_message_id),
            )
        except Forbidden:
            log.warning(
                "report %s: reporter chat %s blocked the bot", report.id, report.origin_chat_id
            )
        except TelegramError:
            log.exception("report %s: acknowledgement not sent; retried at next start", report.id)
            return
        await intake.record_acknowledged(d.db, report.id, d.now())

    if report.group_chat_id is not None and report.card_message_id is None:
        try:
            card = await bot.send_message(
                report.group_chat_id,
                rendering.report_card(
                    report,
                    enterprise,
                    group_lang,
                    zone,
                    await views.triage_info(d.db, report.id),
                    d.now(),
                ),
                parse_mode=ParseMode.HTML,
                reply_parameters=_reply_to(report.origin_message_id if card_in_origin else None),
                reply_markup=keyboards.triage_card(
                    report.id, report.state.value, "group", group_lang
                ),
            )
        except (Forbidden, BadRequest) as exc:
            log.warning(
                "report %s: card not delivered to group %s: %s",
                report.id,
                report.group_chat_id,
                exc,
            )
            return
        except TelegramError:
            log.exception("report %s: card not sent; retried at next start", report.id)
            return
        await intake.record_card(d.db, report.id, report.group_chat_id, card.message_id)
        if card_in_origin:
            await intake.record_acknowledged(d.db, report.id, d.now())


def _reply_to(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id, allow_sending_without_reply=True)


async def deliver_pending(bot: Bot, d: Deps) -> int:
    """At start: finish what a stop interrupted."""
    pending = await views.pending_delivery(d.db)
    for report_id in pending:
        await deliver_report(bot, d, report_id)
    if pending:
        log.info("delivered %d pending report notice(s)", len(pending))
    return len(pending)
