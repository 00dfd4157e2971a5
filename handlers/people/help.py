"""`/help` and `/lang`."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.i18n import LANGUAGES, t
from handlers.rendering import category_list
from liaisonbot.read import reports as views
from liaisonbot.services import people


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
            categories=category_list(lang),
        ),
        parse_mode=ParseMode.HTML,
    )


async def lang_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/lang zh|en`: the language the bot speaks to this user."""
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
