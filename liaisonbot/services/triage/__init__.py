"""Triage and resolution: one function per use case, each in one unit of work.

Authority is read from the roles table inside the same transaction; what a button says is only a
request. A state change is a compare-and-set (`UPDATE ... WHERE id = ? AND state = ?`) written
together with its event, so of two officers pressing at once exactly one moves the report and the
other gets `StaleState`.

`Seat` says where the actor pressed: on the card in the liaison group (officers of the
enterprise's scope, admins) or on the card in the escalation group (officials of the scope,
admins). The reporter's own actions (giving information, 满意 / 不满意) need no seat.

The package: `terms` (seats, outcomes, answers, refusals, `Change`), `steps` (the load / authorize /
move / amend every use case is made of), `moves` (transitions), `activities` (changes that keep
the state) and `bookkeeping` (preflight checks, cards, prompts, chat moves). Callers keep writing
`triage.accept(...)`: the public names are re-exported here.
"""

from liaisonbot.services.triage.activities import (
    acknowledge,
    add_note,
    assign,
    extend,
    link,
    recategorize,
)
from liaisonbot.services.triage.bookkeeping import (
    add_prompt,
    close_prompt,
    move_chat,
    preflight,
    preflight_reporter,
    record_assist_card,
    record_escalation_card,
    record_level_card,
    report_by_card,
    set_group_active,
    user_blocked,
)
from liaisonbot.services.triage.coordination import (
    assist_note,
    assist_preflight,
    assist_step,
    name_other_region,
    request_assist_in,
    set_units,
    split_units,
)
from liaisonbot.services.triage.moves import (
    accept,
    auto_close_due,
    escalate,
    give_info,
    merge,
    rate,
    reject,
    resolve,
    return_for_info,
    send_back,
    sign,
    split_policies,
)
from liaisonbot.services.triage.terms import (
    DEFAULT_CONFIRM_TIMEOUT_DAYS,
    INTERNAL_STEPS,
    INTERNAL_TEXT,
    REPORTER_NOTICES,
    SEAT_ROLES,
    AlreadyAcknowledged,
    Change,
    NoTaskForce,
    NotAssignee,
    Outcome,
    SameCategory,
    Satisfaction,
    Seat,
    parse_resolution_note,
    resolution_note,
)

__all__ = [
    "DEFAULT_CONFIRM_TIMEOUT_DAYS",
    "INTERNAL_STEPS",
    "INTERNAL_TEXT",
    "REPORTER_NOTICES",
    "SEAT_ROLES",
    "AlreadyAcknowledged",
    "Change",
    "NoTaskForce",
    "NotAssignee",
    "Outcome",
    "SameCategory",
    "Satisfaction",
    "Seat",
    "accept",
    "acknowledge",
    "add_note",
    "add_prompt",
    "assign",
    "assist_note",
    "assist_preflight",
    "assist_step",
    "auto_close_due",
    "close_prompt",
    "escalate",
    "extend",
    "give_info",
    "link",
    "merge",
    "move_chat",
    "name_other_region",
    "parse_resolution_note",
    "preflight",
    "preflight_reporter",
    "rate",
    "recategorize",
    "record_assist_card",
    "record_escalation_card",
    "record_level_card",
    "reject",
    "report_by_card",
    "request_assist_in",
    "resolution_note",
    "resolve",
    "return_for_info",
    "send_back",
    "set_group_active",
    "set_units",
    "sign",
    "split_policies",
    "split_units",
    "user_blocked",
]
