"""One SQLite connection in WAL mode, shared by the bot's handlers and jobs.

Handlers and jobs interleave on one event loop, and one SQLite connection can hold one transaction,
so writes go through `transaction()`, which serialises them with a lock. `BEGIN IMMEDIATE` with a
busy timeout lets the admin's command line write while the bot runs; when another process holds
the write lock longer than the busy timeout, `BEGIN IMMEDIATE` is tried again with a bounded
backoff (`LOCK_WAIT_LIMIT_S` in all), so a busy database makes writers wait, never fail. Each
process keeps its write transactions short (docs/domain.md, "Imports: all or nothing with short
locks"); `longest_hold` records the longest one, for the benchmark.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosqlite

from liaisonbot.store.errors import is_busy
from liaisonbot.store.migrations import migrate

if TYPE_CHECKING:
    from liaisonbot.store.import_undo import RunningImport

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
LOCK_WAIT_LIMIT_S = 60.0  # a writer gives up only after waiting this long for the write lock
LONG_WAIT_S = 2.0  # a wait longer than this is said once (a warning: stderr on the command line)
RETRY_FIRST_S = 0.05
RETRY_MAX_S = 1.0


class Database:
    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        lock_wait_limit_s: float = LOCK_WAIT_LIMIT_S,
    ) -> None:
        self.path = str(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.lock_wait_limit_s = lock_wait_limit_s
        self._conn: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        # Write-lock holds of this connection (seconds, monotonic clock): count, longest, total;
        # and the longest wait for the lock (busy retries included).
        self.holds = 0
        self.longest_hold = 0.0
        self.total_hold = 0.0
        self.longest_wait = 0.0
        self.recovered_imports: list[RunningImport] = []

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
            from liaisonbot.store.import_undo import recover_imports

            # An import a crash left half-applied is undone before anything else is written.
            self.recovered_imports = await recover_imports(self)
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

    async def _begin(self, conn: aiosqlite.Connection) -> float:
        """`BEGIN IMMEDIATE`, tried again while another process holds the write lock longer than
        the busy timeout, up to `lock_wait_limit_s` in all; a long wait is said once. The moment
        the lock was taken (monotonic)."""
        started = time.monotonic()
        delay = RETRY_FIRST_S
        told = False
        while True:
            try:
                await conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                waited = time.monotonic() - started
                if not is_busy(exc) or waited + delay > self.lock_wait_limit_s:
                    raise
                if not told and waited >= LONG_WAIT_S:
                    told = True
                    log.warning(
                        "the database is busy (another process is writing): waited %.0f s for"
                        " the write lock, still waiting (up to %.0f s)",
                        waited,
                        self.lock_wait_limit_s,
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_S)
                continue
            taken = time.monotonic()
            self.longest_wait = max(self.longest_wait, taken - started)
            if told:
                log.warning("the write lock was free again after %.1f s", taken - started)
            return taken

    def _held(self, since: float) -> None:
        held = time.monotonic() - since
        self.holds += 1
        self.total_hold += held
        self.longest_hold = max(self.longest_hold, held)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """All statements inside commit together or not at all. Waits (never fails) while
        another process holds the write lock, up to `lock_wait_limit_s`."""
        async with self._write_lock:
            conn = self.conn
            taken = await self._begin(conn)
            try:
                yield conn
            except BaseException:
                await conn.rollback()
                raise
            else:
                await conn.commit()
            finally:
                self._held(taken)

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection for a repository to run one write through, in turn with the
        transactions (as `write`). Committed at the end of the block (a transaction, so that it
        waits for a busy database like every other write)."""
        async with self.transaction() as conn:
            yield conn

    @asynccontextmanager
    async def snapshot(self, *, cache_kib: int = 32_768) -> AsyncIterator[aiosqlite.Connection]:
        """A connection of its own for long reads (an import's plan): one consistent view of the
        committed data, read-only, that never holds the write lock (in WAL mode readers and the
        writer do not block each other) and never joins a transaction of the shared connection.
        A larger page cache than the shared connection's: the plan reads every row once or
        twice."""
        conn = await aiosqlite.connect(
            self.path, isolation_level=None, timeout=self.busy_timeout_ms / 1000
        )
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute("PRAGMA query_only = ON")
            await conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
            await conn.execute("BEGIN")  # deferred: the first read takes the snapshot
            yield conn
        finally:
            await conn.close()  # ends the read transaction

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = list(await self.conn.execute_fetchall(sql, tuple(params)))
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        return list(await self.conn.execute_fetchall(sql, tuple(params)))

    async def write(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement, committed on its own (autocommit), in turn with the transactions:
        on a shared connection a bare write would otherwise join another task's transaction."""
        async with self.transaction() as conn:
            cursor = await conn.execute(sql, tuple(params))
            return cursor.rowcount
