"""What a button on a report card says when pressed: the verbs and the callback-data format.

    t|<report id>|<verb>|<state code>|<argument>

The data names only what was pressed on which state of which report (the state the presser saw,
so that a press on a stale card is refused). Who may press it is decided from the database when
it arrives. Verbs and state codes are separate vocabularies that happen to share a few letters on
the wire (`acc` is the verb "accept" and the code of the state "accepted").
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from liaisonbot.domain.numbers import parse_id
from liaisonbot.domain.vocabulary import ReportState

PREFIX = "t"
MAX_BYTES = 64  # Telegram's limit for callback_data


class Verb(StrEnum):
    """Every button of triage. The value is what travels in the callback data and names the
    button's label (`triage.btn_<value>`)."""

    # on the card
    ACCEPT = "acc"  # opens the accept panel
    REJECT = "rej"
    TAKE = "tak"
    ASSIGN = "asg"
    RECATEGORIZE = "cat"  # opens the category panel
    MERGE = "mrg"
    LINK = "lnk"
    SIGN = "sig"
    RETURN = "ret"
    ESCALATE = "esc"
    EXTEND = "ext"
    NOTE = "note"
    PUBLIC_NOTE = "pub"
    RESOLVE = "res"  # opens the outcome panel
    ACKNOWLEDGE = "ack"  # escalation card
    SEND_BACK = "sbk"  # escalation card: down one level
    UNITS = "unt"  # 牵头单位 / 配合单位 (ForceReply)
    OTHER_REGION = "xr"  # 跨地区: name the other region (ForceReply); its group gets a 协办 card
    # on the 协办 card in the other region's liaison group
    ASSIST_ACCEPT = "xa"
    ASSIST_NOTE = "xn"
    ASSIST_DONE = "xd"
    # on the panels
    ACCEPT_PICK = "acu"  # another urgency or scope on the accept panel
    ACCEPT_CONFIRM = "acx"
    ASSIGN_PICK = "asp"  # an officer picked on the assign panel
    CATEGORY_PICK = "cas"
    OUTCOME_PICK = "out"
    BACK = "back"  # from a panel to the card's own buttons
    # under the notice to the reporter
    RATE = "sat"


# The state the presser saw, in three letters.
STATE_CODES: dict[ReportState, str] = {
    ReportState.SUBMITTED: "sub",
    ReportState.ACCEPTED: "acc",
    ReportState.IN_PROGRESS: "inp",
    ReportState.NEED_INFO: "nin",
    ReportState.ESCALATED: "esc",
    ReportState.RESOLVED: "res",
    ReportState.CLOSED: "clo",
    ReportState.REJECTED: "rej",
    ReportState.MERGED: "mer",
    ReportState.WITHDRAWN: "wdr",
}
_CODE_STATES = {code: state for state, code in STATE_CODES.items()}
_VERBS = frozenset(Verb)


class Pressed(NamedTuple):
    """A parsed callback data."""

    report_id: int
    verb: Verb
    state: ReportState
    argument: str


def triage_data(report_id: int, verb: str, state: str, argument: str = "") -> str:
    """The callback data of a triage button."""
    data = f"{PREFIX}|{report_id}|{Verb(verb)}|{STATE_CODES[ReportState(state)]}|{argument}"
    assert len(data.encode()) <= MAX_BYTES, data
    return data


def parse_triage_data(data: str | None) -> Pressed | None:
    """The press, or None for anything malformed."""
    parts = (data or "").split("|")
    report_id = parse_id(parts[1]) if len(parts) == 5 and parts[0] == PREFIX else None
    if report_id is None:
        return None
    state = _CODE_STATES.get(parts[3])
    if state is None or parts[2] not in _VERBS:
        return None
    return Pressed(report_id, Verb(parts[2]), state, parts[4])
