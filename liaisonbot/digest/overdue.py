"""The seam between the digest and the deadline rules: 临期 / 超期 / 督办 of one report.

`liaisonbot.deadlines` (triage) decides when it is there; without it the same rules are computed
here from `reports.due_at` in calendar days, so the digest works either way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..domain.vocabulary import ReportState
from .model import Flags

try:  # triage's module; optional so that the digest does not depend on its arrival
    from .. import deadlines as _deadlines
except ImportError:  # pragma: no cover - only before the triage work is in
    _deadlines = None  # type: ignore[assignment]

_TICKING = frozenset(
    {ReportState.ACCEPTED, ReportState.IN_PROGRESS, ReportState.NEED_INFO, ReportState.ESCALATED}
)


def deadline_flags(
    state: ReportState,
    due_at: datetime | None,
    now: datetime,
    zone: ZoneInfo,
    overdue_reminded_at: datetime | None = None,
) -> Flags:
    if _deadlines is not None:
        f = _deadlines.flags(state, due_at, now, zone, overdue_reminded_at)
        return Flags(due_soon=f.due_soon, overdue=f.overdue, supervise=f.supervise)
    if due_at is None or state not in _TICKING:
        return Flags()
    overdue = now >= due_at
    return Flags(
        due_soon=not overdue and due_at - now <= timedelta(days=1),
        overdue=overdue,
        supervise=overdue
        and overdue_reminded_at is not None
        and now >= overdue_reminded_at + timedelta(days=5),
    )
