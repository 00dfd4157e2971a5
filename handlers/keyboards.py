"""Inline keyboards. Callback data stays within Telegram's 64 bytes and names only what was
pressed; who may press it is decided from the database when it arrives."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.helpers import create_deep_linked_url

from handlers.i18n import t
from liaisonbot.domain.vocabulary import Category, Labelled, Scope, Urgency

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


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


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
    rows = _rows(buttons, width)
    rows.append([*extra, cancel_button(token, lang)])
    return InlineKeyboardMarkup(rows)


def cancel_button(token: str, lang: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(t(lang, "button.cancel"), callback_data=draft_data(token, "cancel"))


def categories(token: str, lang: str) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(c.short_label(lang), callback_data=draft_data(token, "cat", c.value))
        for c in Category
    ]
    rows = _rows(buttons, 3)
    rows.append([cancel_button(token, lang)])
    return InlineKeyboardMarkup(rows)


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
    rows = _rows(buttons, 3)
    rows.append(
        [InlineKeyboardButton(t(lang, "button.back"), callback_data=draft_data(token, "back"))]
    )
    return InlineKeyboardMarkup(rows)


def open_private_chat(bot_username: str, payload: str, lang: str) -> InlineKeyboardMarkup:
    url = create_deep_linked_url(bot_username, payload)
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(lang, "button.open_private"), url=url)]])


# -- triage: buttons on the report card -----------------------------------------------------------
# t|<report id>|<verb>|<expected state>|<argument>: what was pressed on which state of which
# report. Whether the presser may do it is decided from the database.

TRIAGE = "t"
STATE_CODES = {
    "submitted": "sub",
    "accepted": "acc",
    "in_progress": "inp",
    "need_info": "nin",
    "escalated": "esc",
    "resolved": "res",
    "closed": "clo",
    "rejected": "rej",
    "merged": "mer",
}
CODE_STATES = {v: k for k, v in STATE_CODES.items()}

# verbs whose buttons each card shows, by seat ("group" or "escalation") and state
CARD_VERBS: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {
    ("group", "submitted"): (("acc", "rej"), ("tak", "asg"), ("cat", "mrg", "lnk")),
    ("group", "accepted"): (
        ("sig", "ret"),
        ("esc", "tak", "asg"),
        ("cat", "mrg", "lnk"),
        ("ext", "note", "pub"),
    ),
    ("group", "in_progress"): (
        ("res", "ret"),
        ("esc", "asg", "ext"),
        ("note", "pub", "cat", "lnk"),
    ),
    ("group", "need_info"): (("note", "pub"), ("asg", "ext")),
    ("group", "escalated"): (("note", "pub"),),
    ("group", "resolved"): (("note",),),
    ("escalation", "escalated"): (("ack", "res"), ("sbk", "note")),
}


def triage_data(report_id: int, verb: str, state: str, argument: str = "") -> str:
    data = f"{TRIAGE}|{report_id}|{verb}|{STATE_CODES[state]}|{argument}"
    assert len(data.encode()) <= 64, data
    return data


def parse_triage_data(data: str | None) -> tuple[int, str, str, str] | None:
    """(report id, verb, expected state, argument), or None for anything malformed."""
    parts = (data or "").split("|")
    if len(parts) != 5 or parts[0] != TRIAGE or not parts[1].isdigit():
        return None
    state = CODE_STATES.get(parts[3])
    if state is None or not parts[2].isalpha():
        return None
    return int(parts[1]), parts[2], state, parts[4]


def _t_button(
    lang: str,
    report_id: int,
    verb: str,
    state: str,
    argument: str = "",
    label: str | None = None,
) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label or t(lang, f"triage.btn_{verb}"),
        callback_data=triage_data(report_id, verb, state, argument),
    )


def triage_card(report_id: int, state: str, seat: str, lang: str) -> InlineKeyboardMarkup | None:
    rows = CARD_VERBS.get((seat, state))
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[_t_button(lang, report_id, verb, state) for verb in row] for row in rows]
    )


def accept_panel(
    report_id: int, state: str, urgency: Urgency, scope: Scope, lang: str
) -> InlineKeyboardMarkup:
    """Confirm urgency and scope before accepting; the choice travels in the buttons."""

    def pick(u: Urgency, s: Scope) -> str:
        return f"{u.value[0]}{list(Scope).index(s)}"

    urgency_row = [
        _t_button(
            lang,
            report_id,
            "acu",
            state,
            pick(u, scope),
            ("✓ " if u == urgency else "") + u.label(lang),
        )
        for u in Urgency
    ]
    scope_buttons = [
        _t_button(
            lang,
            report_id,
            "acu",
            state,
            pick(urgency, s),
            ("✓ " if s == scope else "") + s.label(lang),
        )
        for s in Scope
    ]
    return InlineKeyboardMarkup(
        [
            urgency_row,
            *_rows(scope_buttons, 2),
            [
                _t_button(lang, report_id, "acx", state, pick(urgency, scope)),
                _t_button(lang, report_id, "back", state),
            ],
        ]
    )


def parse_accept_pick(argument: str) -> tuple[Urgency, Scope] | None:
    if len(argument) != 2 or not argument[1].isdigit():
        return None
    urgency = next((u for u in Urgency if u.value[0] == argument[0]), None)
    index = int(argument[1])
    if urgency is None or index >= len(Scope):
        return None
    return urgency, list(Scope)[index]


OUTCOME_CODES = {"S": "SOLVED", "P": "PARTLY", "C": "CANNOT"}
SATISFACTION_CODES = {"S": "SATISFIED", "B": "BASIC", "U": "UNSATISFIED"}


def outcome_panel(report_id: int, state: str, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _t_button(
                    lang, report_id, "out", state, code, t(lang, f"triage.outcome_{name.lower()}")
                )
                for code, name in OUTCOME_CODES.items()
            ],
            [_t_button(lang, report_id, "back", state)],
        ]
    )


def category_panel(
    report_id: int, state: str, current: Category, lang: str
) -> InlineKeyboardMarkup:
    buttons = [
        _t_button(lang, report_id, "cas", state, c.value, c.short_label(lang))
        for c in Category
        if c != current
    ]
    rows = _rows(buttons, 3)
    rows.append([_t_button(lang, report_id, "back", state)])
    return InlineKeyboardMarkup(rows)


def satisfaction(report_id: int, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _t_button(
                    lang,
                    report_id,
                    "sat",
                    "resolved",
                    code,
                    t(lang, f"triage.satisfaction_{name.lower()}"),
                )
                for code, name in SATISFACTION_CODES.items()
            ]
        ]
    )
