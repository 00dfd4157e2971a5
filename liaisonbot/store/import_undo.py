"""The log of an import applied in short batches, and undoing it (docs/domain.md, "Imports: all or
nothing with short locks").

Each batch of an import records in `enterprise_import_undo`, in its own transaction, what it is
about to overwrite. An import that fails, or that a crash left 'applying', is undone from that log
newest first, in batches that are each one short transaction, and ends 'rolled_back'; a crash in
the middle of undoing is finished at the next open. Nothing here holds the write lock for long.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import aiosqlite

from liaisonbot.clock import to_db
from liaisonbot.store.process import is_gone, this_process
from liaisonbot.store.rows import Repository


class Database(Protocol):
    """What undoing needs of `liaisonbot.store.database.Database` (named here, not imported:
    the database undoes a crashed import when it opens)."""

    @property
    def conn(self) -> aiosqlite.Connection: ...

    def transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]: ...

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]: ...


log = logging.getLogger(__name__)

UNDO_BATCH = 1_000  # undo rows per transaction ('created' ones: one a transaction)
CHANGES_BATCH = 5_000  # change-log rows deleted per transaction
PAUSE_S = 0.02  # between two transactions, so that waiting writers take their turn

UndoEntry = tuple[str, int, Any]  # (kind, key, before as JSON-able value)


@dataclass(frozen=True, slots=True)
class RunningImport:
    id: int
    file_name: str
    imported_at: str
    claimed_by: str


class ImportLogRepository(Repository):
    """`enterprise_imports` as a claim, and the undo log of the import being applied."""

    async def applied_count(self) -> int:
        """Grows with every import applied: a plan made before and checked after sees one that
        was applied in between."""
        row = await self._one("SELECT COUNT(*) FROM enterprise_imports WHERE status = 'applied'")
        return int(row[0]) if row else 0

    async def running(self) -> list[RunningImport]:
        rows = await self._all(
            "SELECT id, file_name, imported_at, claimed_by FROM enterprise_imports"
            " WHERE status = 'applying' ORDER BY id"
        )
        return [RunningImport(r[0], r[1], r[2], r[3]) for r in rows]

    async def start(
        self,
        *,
        file_name: str,
        sha256: str,
        imported_by: int | None,
        now: datetime,
        counts: dict[str, int],
    ) -> int:
        return await self._run(
            "INSERT INTO enterprise_imports (file_name, sha256, imported_by, imported_at,"
            " rows_total, created, updated, unchanged, invalid, status, claimed_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'applying', ?)",
            (
                file_name,
                sha256,
                imported_by,
                to_db(now),
                counts.get("total", 0),
                counts.get("created", 0),
                counts.get("updated", 0),
                counts.get("unchanged", 0),
                counts.get("invalid", 0),
                this_process(),
            ),
        )

    async def set_status(self, import_id: int, status: str) -> None:
        await self._count(
            "UPDATE enterprise_imports SET status = ?, claimed_by = '' WHERE id = ?",
            (status, import_id),
        )

    async def record(self, import_id: int, entries: Iterable[UndoEntry]) -> None:
        await self.conn.executemany(
            "INSERT INTO enterprise_import_undo (import_id, kind, key, before) VALUES (?, ?, ?, ?)",
            (
                (import_id, kind, key, None if before is None else json.dumps(before))
                for kind, key, before in entries
            ),
        )

    # -- the state a batch is about to overwrite -------------------------------------------------

    async def enterprises_now(self, ids: Sequence[int]) -> dict[int, aiosqlite.Row]:
        rows = await self._all(
            "SELECT id, name, region_code, chain, tier, specialized, size, liaison_officer_id,"
            f" updated_at FROM enterprises WHERE id IN ({_marks(len(ids))})",
            ids,
        )
        return {r["id"]: r for r in rows}

    async def links_now(self, supplier_ids: Sequence[int]) -> dict[int, list[list[Any]]]:
        found: dict[int, list[list[Any]]] = {i: [] for i in supplier_ids}
        rows = await self._all(
            "SELECT supplier_id, leading_id, relation FROM enterprise_links"
            f" WHERE supplier_id IN ({_marks(len(supplier_ids))}) ORDER BY supplier_id, leading_id",
            supplier_ids,
        )
        for r in rows:
            found[r[0]].append([r[1], r[2]])
        return found

    async def bindings_now(self, user_ids: Sequence[int]) -> dict[int, list[Any]]:
        """user id → [enterprise id, bound_by, bound_at] of the contacts among them."""
        rows = await self._all(
            "SELECT user_id, enterprise_id, bound_by, bound_at FROM contacts"
            f" WHERE user_id IN ({_marks(len(user_ids))})",
            user_ids,
        )
        return {r[0]: [r[1], r[2], r[3]] for r in rows}

    async def officer_grants_now(self, user_ids: Sequence[int]) -> set[tuple[int, str, str]]:
        rows = await self._all(
            "SELECT user_id, region_prefix, chain FROM roles WHERE role = 'officer'"
            f" AND user_id IN ({_marks(len(user_ids))})",
            user_ids,
        )
        return {(r[0], r[1], r[2]) for r in rows}


def _marks(n: int) -> str:
    return ",".join("?" * n)


# -- undoing ---------------------------------------------------------------------------------------


async def undo_import(db: Database, import_id: int) -> None:
    """Put back what the import's batches overwrote, newest first, in short transactions; the
    import ends 'rolled_back'. Safe to run again after a crash part-way."""
    while True:  # its change-log rows (those of enterprises it created go with them anyway)
        async with db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM enterprise_changes WHERE id IN (SELECT id FROM enterprise_changes"
                " WHERE import_id = ? LIMIT ?)",
                (import_id, CHANGES_BATCH),
            )
        if cursor.rowcount < CHANGES_BATCH:
            break
        await asyncio.sleep(PAUSE_S)
    while True:
        async with db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT id, kind, key, before FROM enterprise_import_undo WHERE import_id = ?"
                " ORDER BY id DESC LIMIT ?",
                (import_id, UNDO_BATCH),
            )
            batch = _up_to_created(list(rows))
            if not batch:
                await ImportLogRepository(conn).set_status(import_id, "rolled_back")
                return
            await _put_back(conn, batch)
            await conn.execute(
                "DELETE FROM enterprise_import_undo WHERE import_id = ? AND id >= ?",
                (import_id, batch[-1][0]),
            )
        await asyncio.sleep(PAUSE_S)


def _up_to_created(rows: list[Any]) -> list[Any]:
    """Newest first, up to the first 'created' row (which stands for a whole batch) included."""
    for i, row in enumerate(rows):
        if row[1] == "created":
            return rows[: i + 1] if i else rows[:1]
    return rows


async def _put_back(conn: aiosqlite.Connection, rows: list[Any]) -> None:
    """Each entry sets its row back to its state before the import, so their order within one
    batch does not matter (an enterprise deleted takes its links and contacts with it)."""
    by_kind: dict[str, list[tuple[int, Any]]] = {}
    for _, kind, key, before in rows:
        by_kind.setdefault(kind, []).append((key, None if before is None else json.loads(before)))
    contacts = by_kind.get("contact", [])
    await conn.executemany(
        "DELETE FROM contacts WHERE user_id = ?", [(k,) for k, b in contacts if b is None]
    )
    await conn.executemany(
        "INSERT INTO contacts (user_id, enterprise_id, bound_by, bound_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET enterprise_id = excluded.enterprise_id,"
        " bound_by = excluded.bound_by, bound_at = excluded.bound_at",
        [(k, *b) for k, b in contacts if b is not None],
    )
    await conn.executemany(
        "DELETE FROM roles WHERE user_id = ? AND role = 'officer' AND region_prefix = ?"
        " AND chain = ?",
        [(k, *b) for k, b in by_kind.get("grant", [])],
    )
    links = by_kind.get("links", [])
    await conn.executemany(
        "DELETE FROM enterprise_links WHERE supplier_id = ?", [(k,) for k, _ in links]
    )
    await conn.executemany(
        "INSERT INTO enterprise_links (supplier_id, leading_id, relation) VALUES (?, ?, ?)",
        [(k, leading, relation) for k, b in links for leading, relation in b],
    )
    await conn.executemany(
        "UPDATE enterprises SET name = ?, region_code = ?, chain = ?, tier = ?, specialized = ?,"
        " size = ?, liaison_officer_id = ?, updated_at = ? WHERE id = ?",
        [(*b, k) for k, b in by_kind.get("updated", [])],
    )
    for first, b in by_kind.get("created", []):
        # A report filed in the meantime against a new enterprise keeps it (and says so).
        await conn.execute(
            "DELETE FROM enterprises WHERE id BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM"
            " reports r WHERE r.enterprise_id = enterprises.id"
            " OR r.blocked_by_enterprise_id = enterprises.id)",
            (first, b["last"]),
        )
        kept = await conn.execute_fetchall(
            "SELECT id FROM enterprises WHERE id BETWEEN ? AND ?", (first, b["last"])
        )
        if kept:
            log.warning("undoing an import kept enterprises with reports: %s", [r[0] for r in kept])


async def purge_undo(db: Database, import_id: int) -> None:
    """The import is applied: its undo log is no longer needed (deleted in short batches)."""
    while True:
        async with db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM enterprise_import_undo WHERE id IN (SELECT id FROM"
                " enterprise_import_undo WHERE import_id = ? LIMIT ?)",
                (import_id, CHANGES_BATCH),
            )
        if cursor.rowcount < CHANGES_BATCH:
            return
        await asyncio.sleep(PAUSE_S)


async def recover_imports(db: Database) -> list[RunningImport]:
    """At start: undo every import a crash left 'applying' (its process is gone), and purge the
    undo log an applied import could not. The imports undone."""
    undone = []
    for running in await ImportLogRepository(db.conn).running():
        if running.claimed_by and not is_gone(running.claimed_by):
            continue  # still being applied by a process that runs
        started = time.monotonic()
        await undo_import(db, running.id)
        log.warning(
            "import %s (%s, %s) was left unfinished by a crash: undone in %.1f s",
            running.id,
            running.file_name,
            running.imported_at,
            time.monotonic() - started,
        )
        undone.append(running)
    leftovers = await db.fetch_all(
        "SELECT DISTINCT u.import_id FROM enterprise_import_undo u"
        " JOIN enterprise_imports i ON i.id = u.import_id WHERE i.status = 'applied'"
    )
    for row in leftovers:
        await purge_undo(db, row[0])
    return undone
