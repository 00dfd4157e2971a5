"""The report dialog's buttons: d|<draft token>|<verb>|<argument>, within Telegram's 64 bytes.
The token ties a button to one draft; a button of an older draft is refused when pressed."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.helpers import create_deep_linked_url

from handlers.buttons_layout import rows
from handlers.i18n import t
from liaisonbot.domain.vocabulary import Category, Labelled, ReportState, Scope, Urgency
from liaisonbot.domain.workflow import WORKING_STATES

DRAFT = "d"  # prefix of the report dialog's buttons: d|<draft token>|<verb>|<argument>


def draft_data(token: str, verb: str, argument: str = "") -> str:
    data = f"{DRAFT}|{token}|{verb}|{argument}"
    assert len(data.encode()) <= 64, data
    return data


def parse_draft_data(data: str) -> tuple[str, str, str] | None:
    parts = data.split("|")
    if len(parts) != 4 or parts[0] != DRAFT:
        return None
    return parts[1], parts[2], parts[3]


def _choices(
    token: str,
    verb: str,
    members: Sequence[Labelled],
    lang: str,
    width: int,
    extra: Sequence[InlineKeyboardButton] = (),
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(m.label(lang), callback_data=draft_data(token, verb, m.value))
        for m in members
    ]
    grid = rows(buttons, width)
    grid.append([*extra, cancel_button(token, lang)])
    return InlineKeyboardMarkup(grid)


def cancel_button(token: str, lang: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(t(lang, "button.cancel"), callback_data=draft_data(token, "cancel"))


def categories(token: str, lang: str) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(c.short_label(lang), callback_data=draft_data(token, "cat", c.value))
        for c in Category
    ]
    grid = rows(buttons, 3)
    grid.append([cancel_button(token, lang)])
    return InlineKeyboardMarkup(grid)


def urgencies(token: str, lang: str) -> InlineKeyboardMarkup:
    return _choices(token, "urg", list(Urgency), lang, width=3)


def scopes(token: str, lang: str) -> InlineKeyboardMarkup:
    return _choices(token, "scope", list(Scope), lang, width=2)


def skip(token: str, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "button.skip"), callback_data=draft_data(token, "skip")
                ),
                cancel_button(token, lang),
            ]
        ]
    )


def attachments_done(token: str, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "button.done"), callback_data=draft_data(token, "done")
                ),
                cancel_button(token, lang),
            ]
        ]
    )


EDITABLE_FIELDS = ("category", "title", "description", "ask", "urgency", "scope", "attachments")


def confirm(token: str, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "button.submit"), callback_data=draft_data(token, "submit")
                ),
                InlineKeyboardButton(
                    t(lang, "button.edit"), callback_data=draft_data(token, "edit")
                ),
            ],
            [cancel_button(token, lang)],
        ]
    )


def edit_fields(token: str, lang: str) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            t(lang, f"fieldname.{name}"), callback_data=draft_data(token, "edit", name)
        )
        for name in EDITABLE_FIELDS
    ]
    grid = rows(buttons, 3)
    grid.append(
        [InlineKeyboardButton(t(lang, "button.back"), callback_data=draft_data(token, "back"))]
    )
    return InlineKeyboardMarkup(grid)


def open_private_chat(bot_username: str, payload: str, lang: str) -> InlineKeyboardMarkup:
    url = create_deep_linked_url(bot_username, payload)
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(lang, "button.open_private"), url=url)]])


FOLLOW_UP = "f"  # f|verb|report: 补充 / 修改 / 撤回 under the acknowledgement


def follow_up_buttons(report_id: int, state: ReportState, lang: str) -> InlineKeyboardMarkup | None:
    """Under the acknowledgement: 补充 while open, 修改 / 撤回 until accepted."""
    row: list[InlineKeyboardButton] = []
    if state in WORKING_STATES:
        row.append(follow_up_button(lang, "add", report_id))
    if state is ReportState.SUBMITTED:
        row += [follow_up_button(lang, verb, report_id) for verb in ("correct", "withdraw")]
    return InlineKeyboardMarkup([row]) if row else None


def follow_up_button(lang: str, verb: str, report_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t(lang, f"button.follow_{verb}"), callback_data=f"{FOLLOW_UP}|{verb}|{report_id}"
    )
