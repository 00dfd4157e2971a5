"""Small helpers shared by the repositories."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import aiosqlite


class Repository:
    """A repository works on the connection of the transaction it was made in."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def _run(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Execute a statement; return lastrowid for inserts (rowcount is in `_count`)."""
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return cursor.lastrowid or 0

    async def _count(self, sql: str, params: Iterable[Any] = ()) -> int:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return cursor.rowcount
