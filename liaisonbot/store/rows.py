"""Small helpers shared by the repositories."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import aiosqlite


class Repository:
    """A repository works on the connection of the transaction it was made in."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    # Each helper is one round trip to aiosqlite's thread (about 0.1 ms here): the hot path
    # counts them, so no cursor is opened and closed separately.

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = list(await self.conn.execute_fetchall(sql, tuple(params)))
        return rows[0] if rows else None

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        return list(await self.conn.execute_fetchall(sql, tuple(params)))

    async def _run(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Execute a statement; return lastrowid for inserts (rowcount is in `_count`)."""
        row = await self.conn.execute_insert(sql, tuple(params))
        return int(row[0]) if row and row[0] is not None else 0

    async def _count(self, sql: str, params: Iterable[Any] = ()) -> int:
        cursor = await self.conn.execute(sql, tuple(params))
        return cursor.rowcount
