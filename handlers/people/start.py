"""`/start` (with deep-link payloads), `/help` and `/lang`."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers import rendering
from handlers.common import deps, language
from handlers.i18n import LANGUAGES, t
from handlers.people.my_reports import show_report
from handlers.refusals import domain_refusal
from handlers.reporting.dialog import REPORT_PAYLOAD, start_dialog
from liaisonbot.domain.errors import DomainError
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
            enterprise = await people.accept_invite(d.db, payload, user.id, d.now())
        except DomainError as exc:
            await message.reply_text(domain_refusal(lang, exc), parse_mode=ParseMode.HTML)
            return
        await message.reply_text(
            t(lang, "invite.bound", enterprise=rendering.escape(enterprise.name)),
            parse_mode=ParseMode.HTML,
        )
        return
    if payload.startswith(SHOW_PAYLOAD) and payload[len(SHOW_PAYLOAD) :].isdigit():
        context.args = [payload[len(SHOW_PAYLOAD) :]]  # the digest's deep link to one item
        await show_report(update, context)
        return
    if payload.startswith(REPORT_PAYLOAD):
        group = payload.removeprefix(REPORT_PAYLOAD)
        origin = int(group) if group.lstrip("-").isdigit() else None
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
            name=rendering.escape(user.first_name),
            enterprise=rendering.escape(enterprise.name),
        ),
        parse_mode=ParseMode.HTML,
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How to use the bot; the officers', officials' and admins' commands only for them."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    lang = await language(context, user)
    staff = user is not None and bool((await views.viewer(deps(context).db, user.id)).grants)
    await message.reply_text(
        t(
            lang,
            "help.text",
            staff=t(lang, "help.staff") if staff else "",
            categories=rendering.category_list(lang),
        ),
        parse_mode=ParseMode.HTML,
    )


async def lang_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    choice = context.args[0].lower() if context.args else ""
    if choice not in LANGUAGES:
        await message.reply_text(t(await language(context, user), "lang.usage"))
        return
    d = deps(context)
    await people.set_language(d.db, user.id, choice, d.now())
    d.languages[user.id] = choice
    await message.reply_text(t(choice, "lang.set"))
