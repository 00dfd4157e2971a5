"""The read side of policies: the funnel per policy and region, offered and applied by kind and
region, policies about to expire, and enterprises with an open report whose matched policy was
never offered. The digest and the ledger count with these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from liaisonbot.clock import to_db
from liaisonbot.domain import deadlines
from liaisonbot.domain.policies import STAGES, Benefit
from liaisonbot.store import Database

EXPIRY_WORKING_DAYS = 10
OPEN_STATES = ("submitted", "accepted", "in_progress", "need_info", "escalated")
_FUNNEL_COLUMNS = ("sent_at", "read_at", "interested_at", "applied_at", "granted_at")


def region_level(prefix: str) -> int:
    """The digits of the level below a scope's prefix: provinces, cities, counties."""
    return 2 if not prefix else 4 if len(prefix) <= 2 else 6


@dataclass
class Counts:
    offered: int = 0  # offers sent in the period
    applied: int = 0  # ticked as applied at a resolution in the period
    funnel: list[int] = field(default_factory=lambda: [0] * len(STAGES))  # all offers so far


@dataclass
class PolicyFigures:
    by_kind: dict[tuple[Benefit, str], Counts]  # (benefit type, region code) → counts
    by_policy: dict[tuple[str, str], list[int]]  # (title, region code) → funnel
    expiring: list[tuple[str, date]]
    unoffered: list[tuple[str, int, str]]  # (enterprise name, report id, policy title)

    @property
    def empty(self) -> bool:
        return not (self.by_kind or self.expiring or self.unoffered)


def _like(prefix: str) -> str:
    return prefix + "%"


async def funnel(
    db: Database, prefix: str = "", chains: tuple[str, ...] = ()
) -> dict[tuple[str, str], list[int]]:
    """(policy title, region) → offers that reached each stage, 推送 to 已兑现."""
    level = region_level(prefix)
    chain_sql, chain_args = _chains(chains)
    rows = await db.fetch_all(
        "SELECT v.title, substr(e.region_code, 1, ?) AS region,"
        + ", ".join(f"count(o.{c}) AS {c}" for c in _FUNNEL_COLUMNS)
        + " FROM policy_offers o JOIN policy_versions v ON v.id = o.version_id"
        " JOIN enterprises e ON e.id = o.enterprise_id"
        " WHERE o.sent_at IS NOT NULL AND e.region_code LIKE ?"
        + chain_sql
        + " GROUP BY v.title, region ORDER BY v.title, region",
        (level, _like(prefix), *chain_args),
    )
    return {(r["title"], r["region"]): [r[c] for c in _FUNNEL_COLUMNS] for r in rows}


def _chains(chains: tuple[str, ...]) -> tuple[str, list[str]]:
    if not chains:
        return "", []
    return f" AND e.chain IN ({','.join('?' * len(chains))})", list(chains)


async def policy_figures(
    db: Database,
    prefix: str,
    chains: tuple[str, ...],
    start: datetime,
    end: datetime,
    now: datetime,
    zone: ZoneInfo,
) -> PolicyFigures:
    level = region_level(prefix)
    chain_sql, chain_args = _chains(chains)
    by_kind: dict[tuple[Benefit, str], Counts] = {}
    rows = await db.fetch_all(
        "SELECT v.benefit, substr(e.region_code, 1, ?) AS region,"
        " sum(o.sent_at >= ? AND o.sent_at < ?) AS offered,"
        + ", ".join(f"count(o.{c}) AS {c}" for c in _FUNNEL_COLUMNS)
        + " FROM policy_offers o JOIN policy_versions v ON v.id = o.version_id"
        " JOIN enterprises e ON e.id = o.enterprise_id"
        " WHERE o.sent_at IS NOT NULL AND e.region_code LIKE ?"
        + chain_sql
        + " GROUP BY v.benefit, region",
        (level, to_db(start), to_db(end), _like(prefix), *chain_args),
    )
    for r in rows:
        counts = by_kind.setdefault((Benefit(r["benefit"]), r["region"]), Counts())
        counts.offered = int(r["offered"] or 0)
        counts.funnel = [r[c] for c in _FUNNEL_COLUMNS]
    applied = await db.fetch_all(
        "SELECT v.benefit, substr(e.region_code, 1, ?) AS region, count(*) AS n"
        " FROM policy_applied a JOIN policy_versions v ON v.id = a.version_id"
        " JOIN reports r ON r.id = a.report_id JOIN enterprises e ON e.id = r.enterprise_id"
        " WHERE a.at >= ? AND a.at < ? AND e.region_code LIKE ?"
        + chain_sql
        + " GROUP BY v.benefit, region",
        (level, to_db(start), to_db(end), _like(prefix), *chain_args),
    )
    for r in applied:
        by_kind.setdefault((Benefit(r["benefit"]), r["region"]), Counts()).applied = r["n"]
    today = now.astimezone(zone).date()
    return PolicyFigures(
        by_kind=by_kind,
        by_policy=await funnel(db, prefix, chains),
        expiring=await expiring(db, today, now, zone),
        unoffered=await unoffered(db, prefix, chains, today),
    )


async def expiring(
    db: Database, today: date, now: datetime, zone: ZoneInfo
) -> list[tuple[str, date]]:
    """Current policies whose validity ends within 10 working days (not yet ended)."""
    last = deadlines.add_working_days(now, EXPIRY_WORKING_DAYS, zone).astimezone(zone).date()
    rows = await db.fetch_all(
        "SELECT v.title, v.valid_to FROM policies p JOIN policy_versions v ON v.id = p.current_id"
        " WHERE v.valid_to IS NOT NULL AND v.valid_to >= ? AND v.valid_to <= ?"
        " ORDER BY v.valid_to, v.title",
        (today.isoformat(), last.isoformat()),
    )
    return [(r["title"], date.fromisoformat(r["valid_to"])) for r in rows]


async def unoffered(
    db: Database, prefix: str, chains: tuple[str, ...], today: date
) -> list[tuple[str, int, str]]:
    """Open reports whose matched policy (still in force) never reached the enterprise."""
    chain_sql, chain_args = _chains(chains)
    rows = await db.fetch_all(
        "SELECT e.name, r.id AS report_id, v.title FROM policy_matches m"
        " JOIN reports r ON r.id = m.report_id JOIN enterprises e ON e.id = r.enterprise_id"
        " JOIN policy_versions v ON v.id = m.version_id"
        f" WHERE r.state IN ({','.join('?' * len(OPEN_STATES))})"
        " AND (v.valid_to IS NULL OR v.valid_to >= ?)"
        " AND NOT EXISTS (SELECT 1 FROM policy_offers o WHERE o.enterprise_id = r.enterprise_id"
        " AND o.version_id = m.version_id)"
        " AND e.region_code LIKE ?" + chain_sql + " ORDER BY r.id, v.title",
        (*OPEN_STATES, today.isoformat(), _like(prefix), *chain_args),
    )
    return [(r["name"], r["report_id"], r["title"]) for r in rows]
