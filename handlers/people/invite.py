"""`/invite CREDIT_CODE [@user|USER_ID]`: an officer makes a single-use deep link that binds a
contact (with a person named: only that person can use it); the buttons a contact of another
enterprise presses to confirm a move."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes
from telegram.helpers import create_deep_linked_url

from handlers.common import deps, language
from handlers.i18n import t
from handlers.refusals import code_refusal, domain_refusal
from liaisonbot.domain.codes import InvalidCode
from liaisonbot.domain.errors import DomainError
from liaisonbot.services import people


async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    if not context.args or len(context.args) > 2:
        await message.reply_text(t(lang, "invite.usage_for"))
        return
    d = deps(context)
    ttl = timedelta(hours=d.settings.invite_ttl_hours)
    try:
        for_user = None
        if len(context.args) == 2:
            for_user = await people.resolve_person(d.db, context.args[1])
        payload, enterprise = await people.create_invite(
            d.db, user.id, context.args[0], d.now(), ttl, for_user
        )
    except InvalidCode as exc:
        await message.reply_text(code_refusal(lang, exc), parse_mode=ParseMode.HTML)
        return
    except DomainError as exc:
        await message.reply_text(domain_refusal(lang, exc), parse_mode=ParseMode.HTML)
        return
    link = create_deep_linked_url(context.bot.username, payload)
    await message.reply_text(
        t(
            lang,
            "invite.created",
            enterprise=escape(enterprise.name),
            link=escape(link),
            hours=d.settings.invite_ttl_hours,
        )
        + (t(lang, "invite.only_for", who=escape(context.args[1])) if for_user else ""),
        parse_mode=ParseMode.HTML,
    )


MOVE_BUTTON = "im"  # im|y|<token> confirms the move, im|n keeps the current enterprise


def move_keyboard(lang: str, payload: str) -> InlineKeyboardMarkup:
    token = payload.removeprefix(people.INVITE_PREFIX)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(lang, "invite.move_yes"), callback_data=f"im|y|{token}"),
                InlineKeyboardButton(t(lang, "invite.move_no"), callback_data="im|n"),
            ]
        ]
    )


async def on_move_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The presser moves only themselves, and only with a valid invite (checked again here)."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    lang = await language(context, update.effective_user)
    parts = (query.data or "").split("|")
    if parts[1:2] == ["n"]:
        await query.answer()
        await query.edit_message_text(t(lang, "invite.move_kept"))
        return
    if len(parts) != 3 or parts[1] != "y":
        await query.answer(t(lang, "button.unknown"), show_alert=True)
        return
    d = deps(context)
    try:
        outcome = await people.accept_invite(
            d.db,
            people.INVITE_PREFIX + parts[2],
            update.effective_user.id,
            d.now(),
            confirm_move=True,
        )
    except DomainError as exc:
        await query.answer(domain_refusal(lang, exc, html=False), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(
        t(lang, "invite.bound", enterprise=escape(outcome.enterprise.name)),
        parse_mode=ParseMode.HTML,
    )
