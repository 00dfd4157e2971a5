"""Telling the reporter and the liaison group about a stored report, exactly once.

The report is committed first; the acknowledgement and the group card are then sent and recorded
one by one. Whatever was not recorded (the bot stopped in between) is sent at the next start, so
nothing is lost and, short of a crash between a send and its record, nothing is sent twice.
"""

from __future__ import annotations

import logging
from html import escape
from zoneinfo import ZoneInfo

from telegram import Bot, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from handlers.common import Deps
from handlers.i18n import t
from handlers.rendering import content_lines
from handlers.triage.cards import report_card
from handlers.triage.keyboards import triage_card
from liaisonbot.domain.models import Enterprise, Report
from liaisonbot.read import reports as views
from liaisonbot.services import intake, triage

log = logging.getLogger(__name__)


async def deliver_report(bot: Bot, d: Deps, report_id: int) -> None:
    report = await views.report(d.db, report_id)
    if report is None:
        return
    enterprise = await views.enterprise(d.db, report.enterprise_id)
    assert enterprise is not None
    card_in_origin = (
        report.group_chat_id is not None and report.group_chat_id == report.origin_chat_id
    )
    needs_ack = report.acked_at is None and report.origin_chat_id is not None
    if needs_ack and not card_in_origin and not await _acknowledge(bot, d, report, enterprise):
        return
    if report.group_chat_id is not None and report.card_message_id is None:
        await _post_card(bot, d, report, enterprise, as_reply=card_in_origin)


async def _acknowledge(bot: Bot, d: Deps, report: Report, enterprise: Enterprise) -> bool:
    """Tell the reporter the number; False when it should be tried again at the next start."""
    assert report.origin_chat_id is not None
    lang = await d.language_of(report.reporter_id)
    try:
        await bot.send_message(
            report.origin_chat_id,
            filed_ack(report, enterprise, lang, d.settings.zone),
            parse_mode=ParseMode.HTML,
            reply_parameters=_reply_to(report.origin_message_id),
        )
    except Forbidden:  # blocked: nothing to retry, the report stands
        log.warning("report %s: reporter chat %s blocked the bot", report.id, report.origin_chat_id)
    except TelegramError:
        log.exception("report %s: acknowledgement not sent; retried at next start", report.id)
        return False
    await intake.record_acknowledged(d.db, report.id, d.now())
    return True


async def _post_card(
    bot: Bot, d: Deps, report: Report, enterprise: Enterprise, *, as_reply: bool
) -> None:
    """The card in the liaison group; when the card is the reply in that group, it is the
    acknowledgement too. A group that became a supergroup is followed once."""
    assert report.group_chat_id is not None
    chat_id = report.group_chat_id
    lang = d.settings.lang
    for _attempt in range(2):
        try:
            card = await bot.send_message(
                chat_id,
                report_card(
                    report,
                    enterprise,
                    lang,
                    d.settings.zone,
                    await views.triage_info(d.db, report.id),
                    d.now(),
                ),
                parse_mode=ParseMode.HTML,
                reply_parameters=_reply_to(report.origin_message_id if as_reply else None),
                reply_markup=triage_card(report.id, report.state.value, "group", lang),
            )
        except ChatMigrated as exc:
            await triage.move_chat(d.db, chat_id, exc.new_chat_id)
            log.info("group %s became supergroup %s; card follows", chat_id, exc.new_chat_id)
            chat_id, as_reply = exc.new_chat_id, False
            continue
        except (Forbidden, BadRequest) as exc:
            log.warning("report %s: card not delivered to group %s: %s", report.id, chat_id, exc)
            return
        except TelegramError:
            log.exception("report %s: card not sent; retried at next start", report.id)
            return
        await intake.record_card(
            d.db, report.id, chat_id, card.message_id, acked_at=d.now() if as_reply else None
        )
        return


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


def filed_ack(report: Report, enterprise: Enterprise, lang: str, zone: ZoneInfo) -> str:
    lines = [
        t(lang, "report.filed", number=report.id),
        "",
        t(
            lang,
            "card.enterprise",
            name=escape(enterprise.name),
            code=escape(enterprise.credit_code),
            chain=escape(enterprise.chain or "—"),
        ),
        *content_lines(report.content, lang),
        "",
        t(lang, "report.filed_next", number=report.id)
        if report.group_chat_id
        else t(lang, "report.filed_no_group"),
    ]
    return "\n".join(lines)
