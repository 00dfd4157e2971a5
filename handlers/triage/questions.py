"""Asking someone for the words an action needs (a reason, a number, an outcome's text).

The question is sent with ForceReply and recorded as a prompt; the reply to it is the answer
(handlers/triage/prompts.py).
"""

from __future__ import annotations

import logging
from html import escape

from telegram import Bot, ForceReply, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import TelegramError

from handlers.common import Deps
from handlers.i18n import t
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.services import triage
from liaisonbot.services.triage import Seat

log = logging.getLogger(__name__)


async def ask(
    bot: Bot,
    d: Deps,
    *,
    chat_id: int,
    reply_to: int | None,
    user_id: int,
    user_name: str,
    report_id: int,
    action: str,
    expected: ReportState,
    argument: str = "",
    lang: str,
    extra: str = "",
    seat: Seat | None = None,
) -> None:
    """Ask `user_id` for the text an action needs; their reply to this message answers it.

    ForceReply works with group privacy mode on: the bot receives replies to its own messages.
    When the question cannot be posted in the group, it is asked in the user's private chat.
    The seat the button was pressed in travels with the prompt (`argument@seat`).
    """
    mention = f'<a href="tg://user?id={user_id}">{escape(user_name)}</a>'
    text = t(lang, f"prompt.{action}", who=mention, number=report_id)
    if extra:
        text += "\n" + extra
    try:
        sent = await bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=ForceReply(selective=True),
            reply_parameters=(
                ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
            ),
        )
    except TelegramError as exc:
        if chat_id == user_id:
            raise
        log.warning(
            "question for report %s not posted in %s (%s); asked privately", report_id, chat_id, exc
        )
        chat_id = user_id
        sent = await bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=ForceReply()
        )
    if seat is not None:
        argument = f"{argument}@{seat.value}"
    await triage.add_prompt(
        d.db,
        chat_id=chat_id,
        message_id=sent.message_id,
        report_id=report_id,
        user_id=user_id,
        action=action,
        expected_state=expected,
        argument=argument,
        now=d.now(),
    )
