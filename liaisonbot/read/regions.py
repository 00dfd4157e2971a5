"""Where enterprises are: the region codes and chains that have any, for the pickers that offer
only choices with something behind them (the digest's /subscribe)."""

from __future__ import annotations

from liaisonbot.store import Database


def _region_range(prefix: str) -> tuple[str, str]:
    """Region codes starting with `prefix`, as an index-friendly range."""
    return prefix, prefix + "\uffff"


async def region_codes_under(db: Database, prefix: str, width: int, limit: int) -> list[str]:
    """The distinct `width`-digit region prefixes of enterprises below `prefix`."""
    rows = await db.fetch_all(
        "SELECT DISTINCT substr(region_code, 1, ?) AS code FROM enterprises"
        " WHERE region_code >= ? AND region_code < ? ORDER BY 1 LIMIT ?",
        (width, *_region_range(prefix), limit),
    )
    return [r["code"] for r in rows]


async def chains_in_region(db: Database, prefix: str, limit: int) -> list[str]:
    rows = await db.fetch_all(
        "SELECT DISTINCT chain FROM enterprises WHERE region_code >= ? AND region_code < ?"
        " AND chain != '' ORDER BY chain LIMIT ?",
        (*_region_range(prefix), limit),
    )
    return [r["chain"] for r in rows]
