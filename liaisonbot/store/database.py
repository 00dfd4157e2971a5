"""One SQLite connection in WAL mode, shared by the bot's handlers and jobs.

Handlers and jobs interleave on one event loop, and one SQLite connection can hold one transaction,
so writes go through `transaction()`, which serialises them with a lock. `BEGIN IMMEDIATE` with a
busy timeout lets the admin's command line write while the bot runs without "database is locked".
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from liaisonbot.store.migrations import migrate

BUSY_TIMEOUT_MS = 10_000


class Database:
    def __init__(self, path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = str(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._conn: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    async def open(self, *, run_migrations: bool = True) -> Database:
        if self._conn is not None:
            return self
        conn = await aiosqlite.connect(
            self.path, isolation_level=None, timeout=self.busy_timeout_ms / 1000
        )
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms}")
        self._conn = conn
        if run_migrations:
            await migrate(conn)
        return self

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def __aenter__(self) -> Database:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """All statements inside commit together or not at all."""
        async with self._write_lock:
            conn = self.conn
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.rollback()
                raise
            else:
                await conn.commit()

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection for statements each committed on its own, in turn with the
        transactions (as `write`), for a repository to run one write through."""
        async with self._write_lock:
            yield self.conn

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = list(await self.conn.execute_fetchall(sql, tuple(params)))
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        return list(await self.conn.execute_fetchall(sql, tuple(params)))

    async def write(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement, committed on its own (autocommit), in turn with the transactions:
        on a shared connection a bare write would otherwise join another task's transaction."""
        async with self._write_lock:
            cursor = await self.conn.execute(sql, tuple(params))
            return cursor.rowcount
