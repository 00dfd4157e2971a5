"""`/start`, with its deep-link payloads: an invitation, a report from a group, a report to show."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.i18n import t
from handlers.people.help import help_command
from handlers.people.invite import move_keyboard
from handlers.people.my_reports import show_report
from handlers.refusals import domain_refusal
from handlers.reporting.dialog import REPORT_PAYLOAD, start_dialog
from liaisonbot.domain.errors import DomainError
from liaisonbot.domain.numbers import parse_chat_id, parse_id
from liaisonbot.read import reports as views
from liaisonbot.services import people

SHOW_PAYLOAD = "show_"  # t.me/<bot>?start=show_<number>, from the daily digest


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    payload = context.args[0] if context.args else ""
    d = deps(context)
    if payload.startswith(people.INVITE_PREFIX):
        lang = await language(context, user)
        try:
            outcome = await people.accept_invite(d.db, payload, user.id, d.now())
        except DomainError as exc:
            await message.reply_text(domain_refusal(lang, exc), parse_mode=ParseMode.HTML)
            return
        if not outcome.bound:  # a contact of another enterprise: ask before moving them
            current = outcome.current.name if outcome.current else ""
            await message.reply_text(
                t(
                    lang,
                    "invite.move_ask",
                    current=escape(current),
                    enterprise=escape(outcome.enterprise.name),
                ),
                parse_mode=ParseMode.HTML,
                reply_markup=move_keyboard(lang, payload),
            )
            return
        await message.reply_text(
            t(lang, "invite.bound", enterprise=escape(outcome.enterprise.name)),
            parse_mode=ParseMode.HTML,
        )
        return
    if payload.startswith(SHOW_PAYLOAD) and parse_id(payload[len(SHOW_PAYLOAD) :]) is not None:
        context.args = [payload[len(SHOW_PAYLOAD) :]]  # the digest's deep link to one item
        await show_report(update, context)
        return
    if payload.startswith(REPORT_PAYLOAD):
        group = payload.removeprefix(REPORT_PAYLOAD)
        origin = parse_chat_id(group)
        await start_dialog(update, context, origin_chat_id=origin)
        return
    await _greet(update, context)
    await help_command(update, context)


async def _greet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A contact who opens the bot is told which enterprise they speak for."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    d = deps(context)
    viewer = await views.viewer(d.db, user.id)
    if viewer.contact_enterprise_id is None:
        return
    enterprise = await views.enterprise(d.db, viewer.contact_enterprise_id)
    if enterprise is None:
        return
    lang = await language(context, user)
    await message.reply_text(
        t(
            lang,
            "start.contact",
            name=escape(user.first_name),
            enterprise=escape(enterprise.name),
        ),
        parse_mode=ParseMode.HTML,
    )
