"""What a digest covers: a scope (region prefix and chains) and a period (local midnight to
midnight in the configured zone, stored and compared in UTC)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar

from liaisonbot.clock import to_db
from liaisonbot.domain.models import RoleGrant
from liaisonbot.domain.vocabulary import Role

# A Spring Festival or National Day holiday with its weekends is at most 9 days; look no further
# back than this for the previous working day.
MAX_LOOKBACK_DAYS = 15


@dataclass(frozen=True)
class DigestScope:
    """A region prefix ('' everywhere, '44' a province, '4403' a city) and chains (() all)."""

    region_prefix: str = ""
    chains: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.region_prefix and (
            not (self.region_prefix.isascii() and self.region_prefix.isdigit())
            or len(self.region_prefix) > 6
        ):
            raise ValueError(f"region prefix must be digits, not {self.region_prefix!r}")
        object.__setattr__(self, "chains", tuple(sorted(set(self.chains))))

    def covers(self, region_code: str, chain: str) -> bool:
        return region_code.startswith(self.region_prefix) and (
            not self.chains or chain in self.chains
        )

    def contains(self, other: DigestScope) -> bool:
        """Whether everything `other` covers is covered here too (a scope contains itself)."""
        if not other.region_prefix.startswith(self.region_prefix):
            return False
        return not self.chains or (bool(other.chains) and set(other.chains) <= set(self.chains))

    def within(self, grant: RoleGrant) -> bool:
        """Whether this scope lies inside what `grant` lets its holder see."""
        if grant.role is Role.ADMIN:
            return True
        if not self.region_prefix.startswith(grant.region_prefix):
            return False
        return not grant.chain or self.chains == (grant.chain,)

    def sql(self, alias: str = "e") -> tuple[str, list[Any]]:
        """` AND …` clauses on an enterprises alias, and their parameters (same as the export's
        filter: a region prefix on region_code, chains by name)."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.region_prefix:
            clauses.append(f"substr({alias}.region_code, 1, ?) = ?")
            params += [len(self.region_prefix), self.region_prefix]
        if self.chains:
            clauses.append(f"{alias}.chain IN ({', '.join('?' * len(self.chains))})")
            params += list(self.chains)
        return "".join(f" AND {c}" for c in clauses), params


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC; `day` is the digest day (the local date it is sent on)."""

    day: date
    start: datetime
    end: datetime

    @property
    def start_db(self) -> str:
        return to_db(self.start)

    @property
    def end_db(self) -> str:
        return to_db(self.end)

    def contains(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


def is_digest_working_day(day: date) -> bool:
    """The official calendar (with adjusted working weekends) where it knows the year;
    Monday to Friday otherwise."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def digest_period(day: date, zone: ZoneInfo, *, since_last_working_day: bool = False) -> Period:
    """The period the digest sent on `day` covers: the previous local day, midnight to midnight.

    A subscription that skips non-working days covers everything since the previous digest it
    got: from midnight of the last working day before `day` (Monday's covers Friday to Sunday).
    """
    end = datetime.combine(day, time(0), tzinfo=zone)
    first = day - timedelta(days=1)
    if since_last_working_day:
        for back in range(1, MAX_LOOKBACK_DAYS + 1):
            candidate = day - timedelta(days=back)
            if is_digest_working_day(candidate):
                first = candidate
                break
    start = datetime.combine(first, time(0), tzinfo=zone)
    return Period(day=day, start=start.astimezone(UTC), end=end.astimezone(UTC))


def today_so_far(now: datetime, zone: ZoneInfo) -> Period:
    """What `/digest` covers: today (local) from midnight to `now` (截至 now)."""
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time(0), tzinfo=zone)
    return Period(day=day, start=start.astimezone(UTC), end=now.astimezone(UTC))
