"""What each card message last showed, so that an edit that would change nothing is not sent
(Telegram answers it with "message is not modified"; it spends the group's rate for nothing).

Kept in memory per process (Deps.shown_cards): after a restart the first edit of each card is
sent once more, which is harmless. Button swaps (a panel, back to the card) update the buttons
part, so the next full edit is compared with what the message really shows."""

from __future__ import annotations

import hashlib
import json

from telegram import CallbackQuery, InlineKeyboardMarkup, Message

from handlers.common import Deps

KEPT = 5000  # the oldest are forgotten first


def _digest(value: object) -> str:
    return hashlib.sha1(json.dumps(value, sort_keys=True).encode()).hexdigest()


def markup_digest(markup: InlineKeyboardMarkup | None) -> str:
    return _digest(markup.to_dict() if markup is not None else None)


def unchanged(
    d: Deps, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> bool:
    return d.shown_cards.get((chat_id, message_id)) == (_digest(text), markup_digest(markup))


def remember(
    d: Deps, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    d.shown_cards.pop((chat_id, message_id), None)
    d.shown_cards[(chat_id, message_id)] = (_digest(text), markup_digest(markup))
    while len(d.shown_cards) > KEPT:
        d.shown_cards.pop(next(iter(d.shown_cards)))


def buttons_swapped(
    d: Deps, chat_id: int, message_id: int, markup: InlineKeyboardMarkup | None
) -> None:
    """The card's buttons were replaced (its text kept): keep the memory true."""
    known = d.shown_cards.get((chat_id, message_id))
    if known is not None:
        d.shown_cards[(chat_id, message_id)] = (known[0], markup_digest(markup))


async def swap_buttons(d: Deps, query: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    """Show other buttons under the pressed card; nothing is sent when they are already shown."""
    message = query.message
    if isinstance(message, Message):
        if message.reply_markup == markup or (message.reply_markup is None and markup is None):
            return
        buttons_swapped(d, message.chat.id, message.message_id, markup)
    await query.edit_message_reply_markup(markup)
