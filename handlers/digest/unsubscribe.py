"""`/unsubscribe` and its buttons: stop one of the chat's subscriptions, or all of them."""

from __future__ import annotations

import logging

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
from liaisonbot.domain.numbers import parse_id
from liaisonbot.services import subscriptions
from liaisonbot.services.subscriptions import Subscription

log = logging.getLogger(__name__)


async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and user is not None and chat is not None
    lang = await language(context, user)
    d = deps(context)
    grants = await _digest_grants(d.db, user.id)
    if chat.id < 0 and not grants:
        await message.reply_text(t(lang, "digest.not_official"))
        return
    subs = await subscriptions.for_chat(d.db, chat.id)
    if not subs:
        await message.reply_text(t(lang, "unsubscribe.none"))
        return
    subs = [s for s in subs if subscriptions.may_stop(grants, user.id, s)]
    if not subs:  # the group's digests belong to officials of another scope
        await message.reply_text(t(lang, "unsubscribe.not_yours"))
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
    """A press on /unsubscribe's buttons. Only the chat's own subscriptions can be stopped (the
    id in the button is looked up within the chat where it was pressed), and only by someone who
    may stop them (`subscriptions.may_stop`)."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and user is not None
    d = deps(context)
    if step == KEEP_STEP:
        await query.answer()
        await query.edit_message_text(t(lang, "unsubscribe.kept"))
        return
    grants = await _digest_grants(d.db, user.id)
    if which == ALL:
        mine = [
            each
            for each in await subscriptions.for_chat(d.db, chat.id)
            if subscriptions.may_stop(grants, user.id, each)
        ]
        count = 0
        for each in mine:
            count += await subscriptions.unsubscribe(d.db, chat.id, d.now(), each.id)
        if not count:
            await query.answer(t(lang, "unsubscribe.none"), show_alert=True)
            return
        await query.answer()
        text = t(lang, "unsubscribe.done", count=count)
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
        return
    sub_id = parse_id(which)
    found = await subscriptions.get(d.db, sub_id) if sub_id else None
    sub = found if found is not None and found.chat_id == chat.id else None
    if sub is not None and not subscriptions.may_stop(grants, user.id, sub):
        log.warning("user %s pressed unsubscribe on subscription %s, not theirs", user.id, sub.id)
        await query.answer(t(lang, "unsubscribe.not_yours"), show_alert=True)
        return
    if sub is None or not await subscriptions.unsubscribe(d.db, chat.id, d.now(), sub.id):
        await query.answer(t(lang, "unsubscribe.gone"), show_alert=True)
        return
    await query.answer()
    text = t(lang, "unsubscribe.one", scope=digest_render.scope_text(sub.scope, lang))
    left = len(await subscriptions.for_chat(d.db, chat.id))
    if left:
        text += "\n" + t(lang, "unsubscribe.remaining", count=left)
    await query.edit_message_text(text, parse_mode=ParseMode.HTML)
