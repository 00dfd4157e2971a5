"""The buttons of triage: the card's, its panels' and the reporter's 满意 buttons.

Which buttons a card shows depends on where it is (its seat: the liaison group or the escalation
group) and the report's state; a press is only taken from a card that shows that verb.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.buttons_layout import rows
from handlers.i18n import t
from handlers.triage.verbs import Verb, triage_data
from liaisonbot.domain.vocabulary import Category, Scope, Urgency

V = Verb
# verbs whose buttons each card shows, by seat ("group" or "escalation") and state
CARD_VERBS: dict[tuple[str, str], tuple[tuple[Verb, ...], ...]] = {
    ("group", "submitted"): (
        (V.ACCEPT, V.REJECT),
        (V.TAKE, V.ASSIGN),
        (V.RECATEGORIZE, V.MERGE, V.LINK),
    ),
    ("group", "accepted"): (
        (V.SIGN, V.RETURN),
        (V.ESCALATE, V.TAKE, V.ASSIGN),
        (V.RECATEGORIZE, V.MERGE, V.LINK),
        (V.EXTEND, V.NOTE, V.PUBLIC_NOTE),
        (V.UNITS, V.OTHER_REGION),
    ),
    ("group", "in_progress"): (
        (V.RESOLVE, V.RETURN),
        (V.ESCALATE, V.ASSIGN, V.EXTEND),
        (V.NOTE, V.PUBLIC_NOTE, V.RECATEGORIZE, V.LINK),
        (V.UNITS, V.OTHER_REGION),
    ),
    ("group", "need_info"): ((V.NOTE, V.PUBLIC_NOTE), (V.ASSIGN, V.EXTEND)),
    ("group", "escalated"): ((V.NOTE, V.PUBLIC_NOTE),),
    ("group", "resolved"): ((V.NOTE,),),
    ("escalation", "escalated"): (
        (V.ACKNOWLEDGE, V.RESOLVE),
        (V.ESCALATE, V.SEND_BACK),
        (V.NOTE, V.UNITS),
    ),
}

# The 协办 card's buttons by the request's state.
ASSIST_VERBS: dict[str, tuple[Verb, ...]] = {
    "requested": (V.ASSIST_ACCEPT, V.ASSIST_NOTE, V.ASSIST_DONE),
    "accepted": (V.ASSIST_NOTE, V.ASSIST_DONE),
}

# The arguments of the outcome and 满意 buttons.
OUTCOME_CODES = {"S": "SOLVED", "P": "PARTLY", "C": "CANNOT"}
SATISFACTION_CODES = {"S": "SATISFIED", "B": "BASIC", "U": "UNSATISFIED"}


def verbs_on_card(seat: str, state: str) -> set[Verb]:
    return {verb for row in CARD_VERBS.get((seat, state), ()) for verb in row}


def _button(
    lang: str,
    report_id: int,
    verb: Verb,
    state: str,
    argument: str = "",
    label: str | None = None,
) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label or t(lang, f"triage.btn_{verb}"),
        callback_data=triage_data(report_id, verb, state, argument),
    )


# States whose group card has the 政策 button (the matched policies: send, tick as applied).
POLICY_STATES = frozenset({"submitted", "accepted", "in_progress", "need_info", "escalated"})


def triage_card(report_id: int, state: str, seat: str, lang: str) -> InlineKeyboardMarkup | None:
    card_rows = CARD_VERBS.get((seat, state))
    if not card_rows:
        return None
    keyboard = [[_button(lang, report_id, verb, state) for verb in row] for row in card_rows]
    if seat == "group" and state in POLICY_STATES:
        keyboard.append(
            [InlineKeyboardButton(t(lang, "policy.btn_card"), callback_data=f"pl|r|{report_id}")]
        )
    return InlineKeyboardMarkup(keyboard)


def assist_card(
    report_id: int, report_state: str, assist_state: str, lang: str
) -> InlineKeyboardMarkup | None:
    verbs = ASSIST_VERBS.get(assist_state)
    if not verbs:
        return None
    return InlineKeyboardMarkup([[_button(lang, report_id, v, report_state) for v in verbs]])


def accept_pick(urgency: Urgency, scope: Scope) -> str:
    """The accept panel's choice, in two characters: urgency's initial and scope's index."""
    return f"{urgency.value[0]}{list(Scope).index(scope)}"


def parse_accept_pick(argument: str) -> tuple[Urgency, Scope] | None:
    if len(argument) != 2 or argument[1] not in "0123456789":
        return None
    urgency = next((u for u in Urgency if u.value[0] == argument[0]), None)
    index = int(argument[1])
    if urgency is None or index >= len(Scope):
        return None
    return urgency, list(Scope)[index]


def accept_panel(
    report_id: int, state: str, urgency: Urgency, scope: Scope, lang: str
) -> InlineKeyboardMarkup:
    """Confirm urgency and scope before accepting; the choice travels in the buttons."""
    urgency_row = [
        _button(
            lang,
            report_id,
            Verb.ACCEPT_PICK,
            state,
            accept_pick(u, scope),
            ("✓ " if u == urgency else "") + u.label(lang),
        )
        for u in Urgency
    ]
    scope_buttons = [
        _button(
            lang,
            report_id,
            Verb.ACCEPT_PICK,
            state,
            accept_pick(urgency, s),
            ("✓ " if s == scope else "") + s.label(lang),
        )
        for s in Scope
    ]
    return InlineKeyboardMarkup(
        [
            urgency_row,
            *rows(scope_buttons, 2),
            [
                _button(lang, report_id, Verb.ACCEPT_CONFIRM, state, accept_pick(urgency, scope)),
                _button(lang, report_id, Verb.BACK, state),
            ],
        ]
    )


def outcome_panel(report_id: int, state: str, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    lang,
                    report_id,
                    Verb.OUTCOME_PICK,
                    state,
                    code,
                    t(lang, f"triage.outcome_{name.lower()}"),
                )
                for code, name in OUTCOME_CODES.items()
            ],
            [_button(lang, report_id, Verb.BACK, state)],
        ]
    )


def category_panel(
    report_id: int, state: str, current: Category, lang: str
) -> InlineKeyboardMarkup:
    buttons = [
        _button(lang, report_id, Verb.CATEGORY_PICK, state, c.value, c.short_label(lang))
        for c in Category
        if c != current
    ]
    panel = rows(buttons, 3)
    panel.append([_button(lang, report_id, Verb.BACK, state)])
    return InlineKeyboardMarkup(panel)


MAX_ASSIGN_BUTTONS = 8  # more officers than this: the rest are typed (@username or id)


def assign_panel(
    report_id: int, state: str, officers: list[tuple[int, str]], lang: str
) -> InlineKeyboardMarkup:
    """The officers whose scope covers the enterprise, one button each."""
    buttons = [
        _button(lang, report_id, Verb.ASSIGN_PICK, state, str(user_id), name)
        for user_id, name in officers[:MAX_ASSIGN_BUTTONS]
    ]
    panel = rows(buttons, 2)
    panel.append([_button(lang, report_id, Verb.BACK, state)])
    return InlineKeyboardMarkup(panel)


def satisfaction(report_id: int, lang: str) -> InlineKeyboardMarkup:
    """满意 / 基本满意 / 不满意, under the notice that the report was resolved."""
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    lang,
                    report_id,
                    Verb.RATE,
                    "resolved",
                    code,
                    t(lang, f"triage.satisfaction_{name.lower()}"),
                )
                for code, name in SATISFACTION_CODES.items()
            ]
        ]
    )
