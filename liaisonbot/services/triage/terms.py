"""The vocabulary of triage: seats, outcomes, answers, refusals and the `Change` a use case
returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from liaisonbot.domain.errors import DomainError
from liaisonbot.domain.resolution import Outcome as Outcome  # re-exported for the use cases
from liaisonbot.domain.resolution import parse_resolution_note as parse_resolution_note
from liaisonbot.domain.resolution import resolution_note as resolution_note
from liaisonbot.domain.vocabulary import ReportState, Role
from liaisonbot.domain.workflow import Action, Activity


class AlreadyAcknowledged(DomainError):
    """已阅 pressed again by someone who has already acknowledged the item."""

    code = "already_acknowledged"
    sentence = "report No. {number} was acknowledged already"


class SameCategory(DomainError):
    """改类别 to the category the report already has."""

    code = "same_category"
    sentence = "report No. {number} is in that category already"


class NotAssignee(DomainError):
    """签收 by someone other than the assignee: they take it (认领) first."""

    code = "not_assignee"
    sentence = "only the assignee may start work on report No. {number}; take it first"


class NoTaskForce(DomainError):
    """上报 with no task force (专班) above the level the report is at."""

    code = "no_task_force"
    sentence = "no task force above this level covers report No. {number}"


class Seat(StrEnum):
    GROUP = "group"
    ESCALATION = "escalation"
    ASSIST = "assist"  # the 协办 card in another region's liaison group


class Satisfaction(StrEnum):
    SATISFIED = "SATISFIED"  # 满意
    BASIC = "BASIC"  # 基本满意
    UNSATISFIED = "UNSATISFIED"  # 不满意
    TIMEOUT = "TIMEOUT"  # no answer in time: closed automatically


SEAT_ROLES: dict[Seat, tuple[Role, ...]] = {
    Seat.GROUP: (Role.OFFICER,),
    Seat.ESCALATION: (Role.OFFICIAL,),
    Seat.ASSIST: (Role.OFFICER,),
}

# What the reporter is told about (DESIGN: every change that concerns them).
REPORTER_NOTICES = frozenset(
    {
        Action.ACCEPT,
        Action.RETURN,
        Action.RESOLVE,
        Action.REJECT,
        Action.MERGE,
        Action.REOPEN,
        Action.CONFIRM,
        Action.AUTO_CLOSE,
        Activity.RECATEGORIZE,
        Activity.PUBLIC_NOTE,
        # in plain words, without the officials' internal reasons (except an extension's)
        Action.ESCALATE,
        Action.SEND_BACK,
        Activity.EXTEND,
    }
)

# What the enterprise's own view of the timeline leaves out: internal steps entirely, and the
# text of internal reasons.
INTERNAL_STEPS = frozenset(
    {
        Activity.NOTE,
        Activity.TAKE,
        Activity.ASSIGN,
        Activity.LINK,
        Activity.ACKNOWLEDGE,
        Activity.UNITS,
        Activity.ASSIST_REQUEST,
        Activity.ASSIST_ACCEPT,
        Activity.ASSIST_NOTE,
        Activity.ASSIST_DONE,
        Action.SEND_DOWN,
    }
)
INTERNAL_TEXT = frozenset({Action.ESCALATE, Action.SEND_BACK, Activity.EXTEND})

DEFAULT_CONFIRM_TIMEOUT_DAYS = 7


@dataclass(frozen=True)
class Change:
    """What a use case did; the handlers refresh cards and tell people from it."""

    report_id: int
    action: str
    actor_id: int | None
    from_state: ReportState
    to_state: ReportState
    note: str = ""
    public: bool = False  # a note the reporter is told about
    details: dict[str, str] = field(default_factory=dict)

    @property
    def moved(self) -> bool:
        return self.from_state != self.to_state

    @property
    def tell_reporter(self) -> bool:
        return self.action in REPORTER_NOTICES
