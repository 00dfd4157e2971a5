"""The exports' filters: a region code prefix and a chain on the enterprise, and days in the
officials' zone turned into the UTC bounds the database stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from liaisonbot.clock import to_db


@dataclass
class Where:
    """SQL conditions joined by AND, with their parameters."""

    clauses: list[str]
    params: list[Any]

    @property
    def sql(self) -> str:
        return (" WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


def scope_filter(alias: str, region: str | None, chain: str | None) -> Where:
    """Enterprises (table `alias`) whose region code starts with `region`, in `chain`."""
    where = Where([], [])
    if region:
        if not region.isdigit() or len(region) > 6:
            raise ValueError(f"region must be a division code prefix (digits), not {region!r}")
        where.clauses.append(f"substr({alias}.region_code, 1, ?) = ?")
        where.params += [len(region), region]
    if chain:
        where.clauses.append(f"{alias}.chain = ?")
        where.params.append(chain)
    return where


def day_bound(value: date | datetime, tz: ZoneInfo, *, end: bool) -> str:
    """A day in `tz` → its UTC start (or the next day's start for the end of a range)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        return to_db(value)
    day = value + timedelta(days=1) if end else value
    return to_db(datetime.combine(day, time(0), tzinfo=tz))
