"""The report state machine (docs/domain.md#report-workflow): which action moves a report from
which state.

Pure: it decides, the services store. Overdue marks are computed from due dates, not states.
"""

from __future__ import annotations

from enum import StrEnum

from liaisonbot.domain.errors import IllegalTransition
from liaisonbot.domain.vocabulary import ReportState as S


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    REJECT = "reject"
    MERGE = "merge"
    SIGN = "sign"
    RETURN = "return"
    INFO_GIVEN = "info_given"
    ESCALATE = "escalate"
    SEND_BACK = "send_back"
    SEND_DOWN = "send_down"  # from a task force to the one below it (the item stays escalated)
    RESOLVE = "resolve"
    REOPEN = "reopen"
    CONFIRM = "confirm"
    AUTO_CLOSE = "auto_close"
    WITHDRAW = "withdraw"  # 撤回 by the enterprise, until the report is accepted


TRANSITIONS: dict[tuple[S, Action], S] = {
    (S.SUBMITTED, Action.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, Action.REJECT): S.REJECTED,
    (S.SUBMITTED, Action.MERGE): S.MERGED,
    (S.SUBMITTED, Action.WITHDRAW): S.WITHDRAWN,
    (S.ACCEPTED, Action.SIGN): S.IN_PROGRESS,
    (S.ACCEPTED, Action.RETURN): S.NEED_INFO,
    (S.ACCEPTED, Action.ESCALATE): S.ESCALATED,
    (S.ACCEPTED, Action.MERGE): S.MERGED,
    (S.IN_PROGRESS, Action.RETURN): S.NEED_INFO,
    (S.IN_PROGRESS, Action.ESCALATE): S.ESCALATED,
    (S.IN_PROGRESS, Action.RESOLVE): S.RESOLVED,
    (S.NEED_INFO, Action.INFO_GIVEN): S.ACCEPTED,
    (S.ESCALATED, Action.ESCALATE): S.ESCALATED,  # 上报 again, to the next level up
    (S.ESCALATED, Action.SEND_DOWN): S.ESCALATED,  # back down one level, to a task force
    (S.ESCALATED, Action.SEND_BACK): S.IN_PROGRESS,  # back down to the liaison group
    (S.ESCALATED, Action.RESOLVE): S.RESOLVED,
    (S.RESOLVED, Action.CONFIRM): S.CLOSED,
    (S.RESOLVED, Action.AUTO_CLOSE): S.CLOSED,
    (S.RESOLVED, Action.REOPEN): S.IN_PROGRESS,
}

OPEN_STATES = frozenset(
    {S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.NEED_INFO, S.ESCALATED, S.RESOLVED}
)
# Open and still being worked on: not yet resolved and waiting for the enterprise's answer.
WORKING_STATES = OPEN_STATES - {S.RESOLVED}
# Being worked on with a due date: the clock runs (submitted has none yet; resolved waits on the
# reporter).
TICKING_STATES = WORKING_STATES - {S.SUBMITTED}
# Dealt with: an outcome was given (resolved, perhaps confirmed).
DONE_STATES = frozenset({S.RESOLVED, S.CLOSED})
# Ended without an outcome of its own: refused, folded into another report or withdrawn.
NOT_TAKEN_STATES = frozenset({S.REJECTED, S.MERGED, S.WITHDRAWN})
# Nothing more happens.
FINAL_STATES = frozenset({S.CLOSED, S.REJECTED, S.MERGED, S.WITHDRAWN})


class Activity(StrEnum):
    """Steps that change a report without moving its state; each is an event all the same."""

    TAKE = "take"
    ASSIGN = "assign"
    NOTE = "note"  # internal
    PUBLIC_NOTE = "public_note"  # the enterprise is told
    RECATEGORIZE = "recategorize"
    LINK = "link"
    EXTEND = "extend"
    ACKNOWLEDGE = "acknowledge"  # an official in the escalation group saw the item
    UNITS = "units"  # 牵头单位 / 配合单位 named
    ASSIST_REQUEST = "assist_request"  # 协办 asked of another region's liaison group
    ASSIST_ACCEPT = "assist_accept"
    ASSIST_NOTE = "assist_note"
    ASSIST_DONE = "assist_done"
    ADD_INFO = "add_info"  # 补充: the enterprise adds words or files to its open report
    CORRECT = "correct"  # 修改: the enterprise corrects title / description before acceptance


# The states in which each activity is allowed.
ACTIVITY_STATES: dict[Activity, frozenset[S]] = {
    Activity.TAKE: WORKING_STATES,
    Activity.ASSIGN: WORKING_STATES,
    Activity.NOTE: OPEN_STATES,
    Activity.PUBLIC_NOTE: OPEN_STATES,
    Activity.RECATEGORIZE: WORKING_STATES,
    Activity.LINK: OPEN_STATES,
    Activity.EXTEND: TICKING_STATES,
    Activity.ACKNOWLEDGE: frozenset({S.ESCALATED}),
    Activity.UNITS: WORKING_STATES,
    Activity.ASSIST_REQUEST: WORKING_STATES,
    Activity.ASSIST_ACCEPT: OPEN_STATES,
    Activity.ASSIST_NOTE: OPEN_STATES,
    Activity.ASSIST_DONE: OPEN_STATES,
    Activity.ADD_INFO: WORKING_STATES,
    Activity.CORRECT: frozenset({S.SUBMITTED}),
}


def check_activity(state: S, activity: Activity) -> None:
    """IllegalTransition when `activity` is not allowed in `state`."""
    if state not in ACTIVITY_STATES[activity]:
        raise IllegalTransition(state=state.value, action=activity.value)


def next_state(state: S, action: Action) -> S:
    """The state `action` leads to from `state`, or IllegalTransition."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IllegalTransition(state=state.value, action=action.value) from None


def allowed_actions(state: S) -> list[Action]:
    return [action for (source, action) in TRANSITIONS if source == state]
