"""`/subscriptions`: the chat's digest subscriptions, with their times and options."""

from __future__ import annotations

from telegram import (
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.digest import render as digest_render
from handlers.i18n import t
from liaisonbot.services import subscriptions


async def subscriptions_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and user is not None and chat is not None
    lang = await language(context, user)
    d = deps(context)
    subs = await subscriptions.for_chat(d.db, chat.id)
    if not subs:
        await message.reply_text(t(lang, "subscriptions.none"))
        return
    lines = [t(lang, "subscriptions.head")]
    for i, sub in enumerate(subs, start=1):
        options = (t(lang, "subscriptions.skip_empty") if sub.skip_empty else "") + (
            t(lang, "subscriptions.skip_non_working") if sub.skip_non_working else ""
        )
        lines.append(
            t(
                lang,
                "subscriptions.item",
                index=i,
                scope=digest_render.scope_text(sub.scope, lang),
                time=sub.at_time,
                options=options,
            )
        )
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)
