"""Sending what a stored report is owed: the reporter's acknowledgement and the group's card.

Both are owed in the outbox in the transaction that stores the report
(liaisonbot/services/intake.py). The handler that filed the report acknowledges it at once
(`deliver_filed`); the card goes out from the outbox at the group's pace
(handlers/reporting/outbox_sender.py), so a busy group never holds up the reporter. Each send is
recorded right after Telegram's answer: a crash in that window may send one message twice, never
none.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from zoneinfo import ZoneInfo

from telegram import Bot, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from handlers.common import Deps
from handlers.i18n import t
from handlers.rendering import content_lines, fit, label
from handlers.reporting.keyboards import follow_up_buttons
from handlers.triage.cards import report_card
from handlers.triage.keyboards import triage_card
from liaisonbot.domain.models import Enterprise, Report
from liaisonbot.read import groups as group_views
from liaisonbot.read import reports as views
from liaisonbot.services import outbox, triage
from liaisonbot.store.outbox import Owed, OwedMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attempt:
    """What one send came to: `settled` (sent, or nothing more will be tried) or still owed,
    with how long Telegram asked to wait (a 429), so the sender can hold the whole chat."""

    settled: bool
    retry_after: float | None = None


SETTLED = Attempt(settled=True)


async def deliver_filed(bot: Bot, d: Deps, report_id: int) -> None:
    """Right after filing: the acknowledgement now (or the card, when it is the reply)."""
    report = await views.report(d.db, report_id)
    if report is None:
        return
    ack = await outbox.pending(d.db, Owed.ACK, report_id)
    if ack is not None:
        await send_ack(bot, d, report, ack)
    elif _card_in_origin(report):
        card = await outbox.pending(d.db, Owed.CARD, report_id)
        if card is not None:
            await send_card(bot, d, report, card)


def _card_in_origin(report: Report) -> bool:
    return report.group_chat_id is not None and report.group_chat_id == report.origin_chat_id


async def send_owed(bot: Bot, d: Deps, owed: OwedMessage) -> Attempt:
    """Send one owed message."""
    report = await views.report(d.db, owed.report_id)
    if report is None:
        await outbox.drop(d.db, owed, d.now(), "report gone")
        return SETTLED
    if owed.kind is Owed.ACK:
        return await send_ack(bot, d, report, owed)
    if owed.kind is Owed.NOTICE:
        return await send_notice(bot, d, report, owed)
    return await send_card(bot, d, report, owed)


async def send_notice(bot: Bot, d: Deps, report: Report, owed: OwedMessage) -> Attempt:
    """An officer filed this report for the enterprise: each of its contacts is told, with the
    report as filed and the buttons to add to it. A contact who never opened the private chat
    (or blocked the bot) is skipped; the others are not held up by them."""
    enterprise = await views.enterprise(d.db, report.enterprise_id)
    assert enterprise is not None
    officer = report.filed_by or report.reporter_id
    names = await views.user_names(d.db, {officer} if officer else set())
    for contact in await views.enterprise_contacts(d.db, report.enterprise_id):
        lang = await d.language_of(contact)
        text = "\n".join(
            [
                t(
                    lang,
                    "report.filed_for_you",
                    number=report.id,
                    officer=escape(names.get(officer, "") if officer else ""),
                    channel=label(report.content.channel, lang),
                ),
                "",
                *content_lines(report.content, lang, report.id),
                "",
                t(lang, "report.filed_for_you_next", number=report.id),
            ]
        )
        try:
            await bot.send_message(
                contact,
                fit(text, lang, number=report.id),
                parse_mode=ParseMode.HTML,
                reply_markup=follow_up_buttons(report.id, report.state, lang),
            )
        except Forbidden as exc:
            log.info("report %s: contact %s not told: %s", report.id, contact, exc)
        except TelegramError as exc:
            return await _failed(d, owed, exc)
    await outbox.notice_sent(d.db, report.id, d.now())
    return SETTLED


async def send_ack(bot: Bot, d: Deps, report: Report, owed: OwedMessage) -> Attempt:
    """Tell the reporter the number."""
    assert report.origin_chat_id is not None
    enterprise = await views.enterprise(d.db, report.enterprise_id)
    assert enterprise is not None
    lang = await d.language_of(report.reporter_id)
    try:
        await bot.send_message(
            report.origin_chat_id,
            filed_ack(report, enterprise, lang, d.settings.zone),
            parse_mode=ParseMode.HTML,
            reply_parameters=_reply_to(report.origin_message_id),
            reply_markup=follow_up_buttons(report.id, report.state, lang)
            if report.origin_chat_id == report.reporter_id and report.filed_by is None
            else None,
        )
    except Forbidden as exc:  # blocked: nothing to retry, the report stands
        log.warning("report %s: reporter chat %s: %s", report.id, report.origin_chat_id, exc)
        await outbox.drop(d.db, owed, d.now(), str(exc))
        return SETTLED
    except TelegramError as exc:
        return await _failed(d, owed, exc)
    await outbox.ack_sent(d.db, report.id, d.now())
    return SETTLED


async def send_card(bot: Bot, d: Deps, report: Report, owed: OwedMessage) -> Attempt:
    """The card in the liaison group; when the card is the reply in that group, it is the
    acknowledgement too. A group that became a supergroup is followed."""
    assert report.group_chat_id is not None
    as_reply = _card_in_origin(report)
    chat_id = report.group_chat_id
    enterprise = await views.enterprise(d.db, report.enterprise_id)
    assert enterprise is not None
    lang = d.settings.lang
    for _attempt in range(2):  # a group that became a supergroup is followed once
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
                    internal=await group_views.internal_allowed(d.db, chat_id),
                ),
                parse_mode=ParseMode.HTML,
                reply_parameters=_reply_to(report.origin_message_id if as_reply else None),
                reply_markup=triage_card(report.id, report.state.value, "group", lang),
            )
            break
        except ChatMigrated as exc:
            await triage.move_chat(d.db, chat_id, exc.new_chat_id)
            log.info("group %s became supergroup %s; card follows", chat_id, exc.new_chat_id)
            chat_id, as_reply = exc.new_chat_id, False
        except (Forbidden, BadRequest) as exc:
            log.error("report %s: card refused by group %s: %s", report.id, chat_id, exc)
            await outbox.give_up(d.db, owed, d.now(), str(exc))
            return SETTLED
        except TelegramError as exc:
            return await _failed(d, owed, exc)
    else:
        return Attempt(settled=False)  # migrated twice: due again at once, to the new id
    await outbox.card_sent(
        d.db, report.id, chat_id, card.message_id, d.now(), is_ack=_card_in_origin(report)
    )
    return SETTLED


async def _failed(d: Deps, owed: OwedMessage, exc: TelegramError) -> Attempt:
    """429 waits as long as Telegram asks; 5xx and network errors back off; too many, given up."""
    retry_after = exc.retry_after if isinstance(exc, RetryAfter) else None
    seconds = retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after
    given_up = await outbox.failed_attempt(
        d.db, owed, d.now(), f"{type(exc).__name__}: {exc}", retry_after=seconds
    )
    if given_up:
        log.error("report %s: %s given up after failures: %s", owed.report_id, owed.kind, exc)
    else:
        log.warning("report %s: %s not sent (%s); tried again", owed.report_id, owed.kind, exc)
    return Attempt(settled=given_up, retry_after=seconds)


def _reply_to(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id, allow_sending_without_reply=True)


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
        *content_lines(report.content, lang, report.id),
        "",
        t(lang, "report.filed_for_next", number=report.id)
        if report.filed_by is not None
        else t(lang, "report.filed_next", number=report.id)
        if report.group_chat_id
        else t(lang, "report.filed_no_group"),
    ]
    return fit("\n".join(lines), lang, number=report.id)
