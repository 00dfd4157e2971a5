"""The digest as plain data: the ledger rows it is computed from, the period's events and the
figures. Every figure is a function of the rows and events, so the message and the attached
ledger (问题台账) agree by construction; tests recount them from the .xlsx."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from liaisonbot.domain.deadlines import DeadlineFlags
from liaisonbot.domain.vocabulary import ReportState, Urgency
from liaisonbot.read.digest.scope import DigestScope, Period
from liaisonbot.read.notes import note_in_words

# Still being worked on (the export's "open"); resolved items wait on the enterprise's 回访.
WORKING_STATES: tuple[ReportState, ...] = (
    ReportState.SUBMITTED,
    ReportState.ACCEPTED,
    ReportState.IN_PROGRESS,
    ReportState.NEED_INFO,
    ReportState.ESCALATED,
)
PENDING_STATES: tuple[ReportState, ...] = (*WORKING_STATES, ReportState.RESOLVED)
DONE_STATES = frozenset({ReportState.RESOLVED, ReportState.CLOSED})
# Not counted in 办结率 at all: never taken on.
NOT_TAKEN = frozenset({ReportState.REJECTED, ReportState.MERGED})

# 回访 answers as the events carry them: confirm's note, a reopen (不满意), an auto_close (超时).
SATISFIED, BASIC, UNSATISFIED, TIMEOUT = "SATISFIED", "BASIC", "UNSATISFIED", "TIMEOUT"
SATISFACTION_LEVELS = (SATISFIED, BASIC, UNSATISFIED, TIMEOUT)

# Events whose note is not progress (codes, answers) for 进展.
_NOT_PROGRESS = frozenset({"submit", "accept", "confirm", "auto_close", "acknowledge"})


@dataclass(frozen=True)
class PeriodEvent:
    report_id: int
    at: datetime
    action: str
    from_state: str | None
    to_state: str
    note: str = ""
    actor: str = ""  # who acted, as the ledger names a person

    @property
    def satisfaction(self) -> str | None:
        """The 回访 answer this event records, if it is one."""
        if self.action == "confirm":
            return self.note if self.note in (SATISFIED, BASIC) else SATISFIED
        if self.action == "reopen":
            return UNSATISFIED
        if self.action == "auto_close":
            return TIMEOUT
        return None


# A row's 临期 / 超期 / 督办 marks, as the deadline rules compute them.
Flags = DeadlineFlags


@dataclass
class LedgerRow:
    """One report in scope that is pending now or changed in the period."""

    id: int
    enterprise_name: str
    credit_code: str
    region_code: str
    chain: str
    category: str
    title: str
    ask: str  # 诉求: what the enterprise asks the authorities to do
    urgency: Urgency
    state: ReportState
    assignee: str
    created_at: datetime
    due_at: datetime | None
    flags: Flags = field(default_factory=Flags)
    escalated_unacked: bool = False
    progress: str = ""
    period_actions: tuple[str, ...] = ()
    affected: int = 1  # enterprises with the same problem (linked reports), this one included
    # The rest of the report as the ledger shows it (vocabulary codes as stored).
    description: str = ""
    impact: str = ""
    scope: str = ""
    mode: str = ""
    channel: str = ""
    outcome: str | None = None
    # the escalation ladder (docs/domain.md#escalation-ladder)
    level: int = 0  # 0: the liaison group holds it
    path: tuple[str, ...] = ()  # region prefixes of the task forces reached, lowest first
    level_since: datetime | None = None
    assists: tuple[tuple[str, str], ...] = ()  # (region code, requested / accepted / done)
    lead_unit: str = ""
    partner_units: str = ""

    @property
    def level_prefix(self) -> str | None:
        """The region prefix of the task force holding the item; None in the liaison group."""
        if self.level == 0 or self.level > len(self.path):
            return None
        return self.path[self.level - 1]

    @property
    def working(self) -> bool:
        return self.state in WORKING_STATES

    @property
    def is_key(self) -> bool:
        """重点问题: open and urgent, overdue (临期 / 超期 / 督办) or escalated."""
        return self.working and (
            self.urgency is Urgency.URGENT or self.flags.any or self.state is ReportState.ESCALATED
        )

    def pressing(self) -> tuple[object, ...]:
        """Sort key, most pressing first: 督办, 超期 (longest overdue first), escalated and not
        acknowledged, urgent, 临期, escalated; then the earliest due, then the number."""
        due = self.due_at.timestamp() if self.due_at else float("inf")
        return (
            not self.flags.supervise,
            not self.flags.overdue,
            not self.escalated_unacked,
            self.urgency is not Urgency.URGENT,
            not self.flags.due_soon,
            self.state is not ReportState.ESCALATED,
            due,
            self.id,
        )


@dataclass
class Tally:
    """The figures of one slice (everything, or one category, region or chain)."""

    new: int = 0
    accepted: int = 0
    resolved: int = 0
    closed: int = 0
    reopened: int = 0
    escalated: int = 0
    open: int = 0  # working states now
    awaiting_confirmation: int = 0  # resolved, 回访 pending
    due_soon: int = 0
    overdue: int = 0  # 超期, 督办 included
    supervise: int = 0
    escalated_unacked: int = 0
    done: int = 0  # rows resolved or closed now
    counted: int = 0  # rows taken on (not rejected or merged)
    accept_hours: float = 0.0
    accept_count: int = 0
    resolve_hours: float = 0.0
    resolve_count: int = 0
    satisfaction: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(SATISFACTION_LEVELS, 0)
    )

    @property
    def done_rate(self) -> float | None:
        """办结率: of the ledger's items taken on, the share resolved or closed."""
        return self.done / self.counted if self.counted else None

    @property
    def avg_accept_hours(self) -> float | None:
        return self.accept_hours / self.accept_count if self.accept_count else None

    @property
    def avg_resolve_hours(self) -> float | None:
        return self.resolve_hours / self.resolve_count if self.resolve_count else None

    @property
    def answered(self) -> int:
        return sum(self.satisfaction[k] for k in (SATISFIED, BASIC, UNSATISFIED))

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率: 满意 and 基本满意 among the answers given (timeouts are not answers)."""
        if not self.answered:
            return None
        return (self.satisfaction[SATISFIED] + self.satisfaction[BASIC]) / self.answered

    @property
    def active(self) -> bool:
        return bool(
            self.new
            or self.accepted
            or self.resolved
            or self.closed
            or self.reopened
            or self.escalated
            or self.open
            or self.awaiting_confirmation
        )


@dataclass
class OpenByState:
    counts: dict[ReportState, int] = field(default_factory=lambda: dict.fromkeys(PENDING_STATES, 0))


@dataclass(frozen=True)
class EnterpriseStatus:
    """Enterprise resumption figures from check-ins (docs/domain.md#digest-figures, part 1). Not
    collected yet: `queries.enterprise_status` returns None until check-ins exist."""

    tracked: int
    leading: int
    suppliers: int
    resumed: int
    resumption_rate: float | None
    staff_return_rate: float | None
    capacity_rate: float | None
    not_resumed: tuple[tuple[str, str], ...] = ()  # (enterprise, reason)
    # from check-ins (liaisonbot/read/checkins.py): the round shown and its reporting
    round_date: date | None = None
    reporting_rate: float | None = None
    at_threshold: float | None = None
    missing: int = 0
    shortfall_total: int = 0


@dataclass
class Digest:
    scope: DigestScope
    period: Period
    as_of: datetime
    rows: list[LedgerRow]
    events: list[PeriodEvent]
    total: Tally
    by_state: OpenByState
    by_category: dict[str, Tally]
    by_region: dict[str, Tally]
    by_chain: dict[str, Tally]
    enterprise_status: EnterpriseStatus | None = None
    zone: ZoneInfo | None = None  # the zone `as_of` and the period are shown in
    # `/digest`: the period is today so far, and these are the previous day's figures beside it
    previous: Tally | None = None

    @property
    def empty(self) -> bool:
        """Nothing new and nothing open: the one-line "nothing to report" day."""
        return not self.events and not any(r.state in PENDING_STATES for r in self.rows)

    @property
    def key_items(self) -> list[LedgerRow]:
        return sorted((r for r in self.rows if r.is_key), key=LedgerRow.pressing)

    @property
    def escalated_here(self) -> list[LedgerRow]:
        """Escalated items held by a task force at the scope's level or below (a province's
        official: the province's and its cities'; not the ministry's), longest waiting first."""
        held = [
            r
            for r in self.rows
            if r.state is ReportState.ESCALATED
            and r.level_prefix is not None
            and r.level_prefix.startswith(self.scope.region_prefix)
        ]
        return sorted(held, key=lambda r: (r.level_since or r.created_at, r.id))

    def escalated_by_level(self) -> dict[str, int]:
        """How many escalated items each task force (by region prefix) holds, widest first."""
        counts: dict[str, int] = {}
        for row in self.escalated_here:
            prefix = row.level_prefix or ""
            counts[prefix] = counts.get(prefix, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (len(kv[0]), kv[0])))


def progress_of(events: Iterable[tuple[str, str]], names: Mapping[int, str] | None = None) -> str:
    """进展: the note of the latest event that says something ((action, note) in order), in
    words (`names`: the people a note names by id)."""
    last = ""
    for action, note in events:
        if note and action not in _NOT_PROGRESS:
            last = note_in_words(action, note, names)
    return last
