"""Check-in buttons: ck|<verb>|<argument>, within Telegram's 64 bytes. Who may press them is
checked against the database (the presser's contact binding and their open session)."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.buttons_layout import rows
from handlers.i18n import t
from liaisonbot.domain.checkins import ResumptionStatus
from liaisonbot.domain.vocabulary import Category

PREFIX = "ck"
QUICK_CAPACITY = ("20", "40", "60", "80", "90", "100")


def data(verb: str, argument: str = "") -> str:
    text = f"{PREFIX}|{verb}|{argument}"
    assert len(text.encode()) <= 64, text
    return text


def parse(text: str) -> tuple[str, str] | None:
    parts = text.split("|")
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    return parts[1], parts[2]


def _button(text: str, verb: str, argument: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data(verb, argument))


def question(round_date: date, lang: str, *, has_previous: bool) -> InlineKeyboardMarkup:
    """The round's question: the four statuses and, when there is an earlier answer, 与上次相同."""
    day = round_date.strftime("%Y%m%d")
    grid = rows([_button(s.label(lang), "s", f"{day}.{s.value}") for s in ResumptionStatus], 2)
    if has_previous:
        grid.insert(0, [_button(t(lang, "checkin.button_same"), "same", day)])
    return InlineKeyboardMarkup(grid)


def _value(text: str, step: str, value: str) -> InlineKeyboardButton:
    """A value for one step: `ck|v|<step>.<value>`; pressed at another step, it is stale."""
    return _button(text, "v", f"{step}.{value}")


def counts(lang: str, previous: tuple[int, int | None] | None) -> InlineKeyboardMarkup:
    grid = []
    if previous is not None:
        registered, on_duty = previous
        shown = f"{registered}/{on_duty}" if on_duty is not None else str(registered)
        grid.append([_value(t(lang, "checkin.button_as_before", value=shown), "counts", "prev")])
    grid.append([_value(t(lang, "checkin.button_skip"), "counts", "skip")])
    return InlineKeyboardMarkup(grid)


def on_duty(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_value(t(lang, "checkin.button_skip"), "on_duty", "skip")]])


def capacity(lang: str, previous: float | None) -> InlineKeyboardMarkup:
    grid = rows([_value(f"{v}%", "capacity", v) for v in QUICK_CAPACITY], 3)
    if previous is not None:
        before = t(lang, "checkin.button_as_before", value=f"{previous:g}%")
        grid.insert(0, [_value(before, "capacity", "prev")])
    grid.append([_value(t(lang, "checkin.button_skip"), "capacity", "skip")])
    return InlineKeyboardMarkup(grid)


def bottleneck(lang: str, previous: Category | None) -> InlineKeyboardMarkup:
    grid = rows([_value(c.short_label(lang), "bottleneck", c.value) for c in Category], 3)
    if previous is not None:
        before = t(lang, "checkin.button_as_before", value=previous.short_label(lang))
        grid.insert(0, [_value(before, "bottleneck", previous.value)])
    grid.append([_value(t(lang, "checkin.button_none"), "bottleneck", "skip")])
    return InlineKeyboardMarkup(grid)


def expected(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _value(t(lang, "checkin.button_days", days=days), "expected", f"+{days}")
                for days in (3, 7, 14)
            ],
            [_value(t(lang, "checkin.button_unsure"), "expected", "skip")],
        ]
    )


def confirm(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(t(lang, "checkin.button_confirm"), "ok"),
                _button(t(lang, "checkin.button_redo"), "redo"),
            ]
        ]
    )


def after_answer(round_date: date, lang: str, bottleneck: Category | None) -> InlineKeyboardMarkup:
    grid = [[_button(t(lang, "checkin.button_correct"), "fix", round_date.strftime("%Y%m%d"))]]
    if bottleneck is not None:
        text = t(lang, "checkin.button_report", category=bottleneck.short_label(lang))
        grid.append([_button(text, "r", bottleneck.value)])
    return InlineKeyboardMarkup(grid)
