"""Arranging inline buttons, shared by the keyboards of every journey."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton


def rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    """`buttons` in rows of `width`."""
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]
