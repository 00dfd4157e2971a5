"""`/unsubscribe` and its buttons: stop one of the chat's subscriptions, or all of them."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.digest import render as digest_render
from handlers.digest.callback_data import (
    ALL,
    KEEP_STEP,
    UNSUBSCRIBE_STEP,
    _data,
)
from handlers.digest.choices import _digest_grants
from handlers.i18n import t
from liaisonbot.services import subscriptions
from liaisonbot.services.subscriptions import Subscription


async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and user is not None and chat is not None
    lang = await language(context, user)
    d = deps(context)
    if chat.id < 0 and not await _digest_grants(d.db, user.id):
        await message.reply_text(t(lang, "digest.not_official"))
        return
    subs = await subscriptions.for_chat(d.db, chat.id)
    if not subs:
        await message.reply_text(t(lang, "unsubscribe.none"))
        return
    if len(subs) > 1:
        await message.reply_text(
            t(lang, "unsubscribe.choose", count=len(subs)),
            reply_markup=_unsubscribe_keyboard(subs, lang),
        )
        return
    count = await subscriptions.unsubscribe(d.db, chat.id, d.now(), subs[0].id)
    await message.reply_text(
        t(lang, "unsubscribe.one", scope=digest_render.scope_text(subs[0].scope, lang))
        if count
        else t(lang, "unsubscribe.none"),
        parse_mode=ParseMode.HTML,
    )


def _unsubscribe_keyboard(subs: list[Subscription], lang: str) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                t(
                    lang,
                    "button.unsubscribe_one",
                    scope=digest_render.scope_label(sub.scope, lang),
                    time=sub.at_time,
                ),
                callback_data=_data("", 0, str(sub.id), UNSUBSCRIBE_STEP),
            )
        ]
        for sub in subs
    ]
    rows.append(
        [
            InlineKeyboardButton(
                t(lang, "button.unsubscribe_all"),
                callback_data=_data("", 0, ALL, UNSUBSCRIBE_STEP),
            ),
            InlineKeyboardButton(
                t(lang, "button.unsubscribe_keep"), callback_data=_data("", 0, "", KEEP_STEP)
            ),
        ]
    )
    return InlineKeyboardMarkup(rows)


async def _unsubscribe_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str, which: str, step: str
) -> None:
    """A press on /unsubscribe's buttons. Only the chat's own subscriptions can be stopped: the
    id in the button is looked up within the chat where it was pressed."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    d = deps(context)
    await query.answer()
    if step == KEEP_STEP:
        await query.edit_message_text(t(lang, "unsubscribe.kept"))
        return
    if which == ALL:
        count = await subscriptions.unsubscribe(d.db, chat.id, d.now())
        text = t(lang, "unsubscribe.done", count=count) if count else t(lang, "unsubscribe.none")
    else:
        sub = await subscriptions.get(d.db, int(which)) if which.isdigit() else None
        stopped = (
            sub is not None
            and sub.chat_id == chat.id
            and await subscriptions.unsubscribe(d.db, chat.id, d.now(), sub.id)
        )
        if not stopped or sub is None:
            text = t(lang, "unsubscribe.gone")
        else:
            text = t(lang, "unsubscribe.one", scope=digest_render.scope_text(sub.scope, lang))
            left = len(await subscriptions.for_chat(d.db, chat.id))
            if left:
                text += "\n" + t(lang, "unsubscribe.remaining", count=left)
    await query.edit_message_text(text, parse_mode=ParseMode.HTML)
