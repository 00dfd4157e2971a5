"""A round's figures, tallied from one plain tuple per enterprise (`Fact`), so that the previous
round's figures need no `Entry` or `Answer` built (docs/domain.md, "Resumption check-ins")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from liaisonbot.domain.checkins import DEFAULT_THRESHOLD, ResumptionStatus, RoundStatus

# (the round status, the answer's 复工状态 or None, 在册, 在岗, 产能利用率)
Fact = tuple[RoundStatus, ResumptionStatus | None, int | None, int | None, float | None]

_NOT_RESUMED = ResumptionStatus.NOT_RESUMED
_FULL = ResumptionStatus.FULL
_CLOSED = ResumptionStatus.CLOSED
_EXEMPT, _MISSING, _LATE = RoundStatus.EXEMPT, RoundStatus.MISSING, RoundStatus.LATE


@dataclass
class Figures:
    """What a round's answers say. Rates are percentages, None when nothing to count; 免报 are
    left out of every rate and a missing answer never counts as 0."""

    expected: int = 0  # asked or answered, 免报 left out
    on_time: int = 0
    late: int = 0
    missing: int = 0
    exempt: int = 0
    resumed_any: float | None = None  # 复工率 (at least partly), of those who answered
    resumed_full: float | None = None
    staff_rate: float | None = None  # 返岗率: Σ在岗 ÷ Σ在册
    capacity_rate: float | None = None  # 产能利用率 weighted by 在册
    at_threshold: float | None = None  # share at ≥ threshold capacity
    reporting_rate: float | None = None  # 已报 ÷ expected

    @property
    def answered(self) -> int:
        return self.on_time + self.late


def tally(facts: Iterable[Fact], threshold: float = DEFAULT_THRESHOLD) -> Figures:
    """The figures of these facts. 产能利用率 is weighted by 在册 where known; an enterprise whose
    在册 is unknown weighs as much as the average known one (1 when none is known)."""
    f = Figures()
    answered = resumed = full = 0
    on_duty = registered = 0
    capacities: list[tuple[float, int | None]] = []  # (capacity, 在册 or None)
    for status, answer_status, answer_registered, answer_on_duty, answer_capacity in facts:
        if status is _EXEMPT:
            f.exempt += 1
            continue
        f.expected += 1
        if status is _MISSING:
            f.missing += 1
            continue
        if status is _LATE:
            f.late += 1
        else:
            f.on_time += 1
        if answer_status is None or answer_status is _CLOSED:
            continue
        answered += 1
        if answer_status is not _NOT_RESUMED:
            resumed += 1
            if answer_status is _FULL:
                full += 1
        if answer_registered and answer_on_duty is not None:
            registered += answer_registered
            on_duty += answer_on_duty
        capacity = 0.0 if answer_status is _NOT_RESUMED else answer_capacity
        if capacity is not None:
            capacities.append((capacity, answer_registered or None))
    if f.expected:
        f.reporting_rate = 100.0 * f.on_time / f.expected
    if not answered:
        return f
    f.resumed_any = 100.0 * resumed / answered
    f.resumed_full = 100.0 * full / answered
    if registered:
        f.staff_rate = 100.0 * on_duty / registered
    if capacities:
        known = [r for _, r in capacities if r]
        default_weight = sum(known) / len(known) if known else 1.0
        total = weights = 0.0
        at = 0
        for capacity, r in capacities:
            w = r or default_weight
            total += w * capacity
            weights += w
            at += capacity >= threshold
        f.capacity_rate = total / weights
        f.at_threshold = 100.0 * at / len(capacities)
    return f
