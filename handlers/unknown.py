"""Commands the bot does not know, or does not take in this kind of chat: a short answer
pointing to /help. In a group, only commands addressed to this bot (`/x@ThisBot`) are answered:
a bare `/x` there may be meant for another bot (and, in privacy mode, reaches us only sometimes)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import CommandHandler, ContextTypes

from handlers.common import language
from handlers.i18n import t


def _command(text: str) -> tuple[str, str]:
    """`/Name@Bot args` → ("name", "bot"); the bot part is "" when absent."""
    head = text.split(maxsplit=1)[0][1:]
    name, _, addressee = head.partition("@")
    return name.lower(), addressee.lower()


def known_commands(context: ContextTypes.DEFAULT_TYPE) -> set[str]:
    names: set[str] = set()
    for handlers in context.application.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                names |= set(handler.commands)
    return names


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or not message.text:
        return
    name, addressee = _command(message.text)
    private = message.chat.type == ChatType.PRIVATE
    if not private and addressee != (context.bot.username or "").lower():
        return
    lang = await language(context, user)
    key = "unknown.not_here" if name in known_commands(context) else "unknown.command"
    await message.reply_text(t(lang, key, command=f"/{name}"))
