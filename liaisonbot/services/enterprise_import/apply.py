"""The writes an import plans, and writing them in short transactions (docs/domain.md, "Imports:
all or nothing with short locks").

The plan is made without the write lock, so each batch first checks that what it overwrites is
still what the plan saw (`ImportConflict` if not) and records it in the import's undo log, in the
same transaction as its writes. The phases run in the order the foreign keys need: enterprises,
links, the change log, officer grants, contacts. Between two batches the import pauses so that
writers waiting for the lock (reports, other processes) take their turn.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import aiosqlite

from liaisonbot.services.enterprise_import.report import Change
from liaisonbot.store import Database
from liaisonbot.store.enterprise_lists import EnterpriseListRepository, StoredEnterprise, chunks
from liaisonbot.store.import_undo import ImportLogRepository, UndoEntry

BATCH_ROWS = 5_000  # rows a transaction writes: ~0.1 s of holding the write lock
PAUSE_MIN_S = 0.005  # the pause after a batch: at least this, and
PAUSE_SHARE = 0.25  # this share of the batch's hold, so that waiting writers get in

T = TypeVar("T")


class ImportConflict(Exception):
    """What the plan read changed before the batch could write it: nothing may be written."""

    def __init__(self, credit_code: str) -> None:
        super().__init__(credit_code)
        self.credit_code = credit_code


@dataclass
class Writes:
    new: list[StoredEnterprise] = field(default_factory=list)  # ids ascending, consecutive
    updated: list[StoredEnterprise] = field(default_factory=list)
    before: dict[int, StoredEnterprise] = field(default_factory=dict)  # updated: as planned from
    link_suppliers: list[int] = field(default_factory=list)  # stored suppliers: links replaced
    links: list[tuple[int, int, str]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    grants: list[tuple[int, str, str]] = field(default_factory=list)
    bindings: list[tuple[int, int]] = field(default_factory=list)
    bound_before: dict[int, int | None] = field(default_factory=dict)  # user → enterprise planned

    async def apply(self, db: Database, import_id: int, actor: int | None, now: datetime) -> None:
        """Every phase in batches; raises `ImportConflict` (or the store's error) part-way, with
        the batches before it written and logged for `undo_import`."""
        batches = _Batches(db, import_id)
        await batches.run(self.new, lambda r, u, part: _insert(r, u, part, now))
        await batches.run(self.updated, lambda r, u, part: self._update(r, u, part, now))
        suppliers: dict[int, list[tuple[int, int, str]]] = {}
        for link in self.links:
            suppliers.setdefault(link[0], []).append(link)
        for sid in self.link_suppliers:
            suppliers.setdefault(sid, [])
        replaced = set(self.link_suppliers)
        await batches.run(list(suppliers.items()), lambda r, u, part: _relink(r, u, part, replaced))
        await batches.run(self.changes, lambda r, u, part: r.add_changes(import_id, part, now))
        await batches.run(self.grants, lambda r, u, part: _grant(r, u, part, actor, now))
        await batches.run(self.bindings, lambda r, u, part: self._bind(r, u, part, actor, now))

    async def _update(
        self,
        repo: EnterpriseListRepository,
        log: ImportLogRepository,
        part: Sequence[StoredEnterprise],
        now: datetime,
    ) -> list[UndoEntry]:
        stored = await log.enterprises_now([e.id for e in part])
        undo: list[UndoEntry] = []
        for e in part:
            row = stored.get(e.id)
            if row is None or not _same(row, self.before[e.id]):
                raise ImportConflict(e.credit_code)
            undo.append(("updated", e.id, [row[k] for k in _COLUMNS]))
        await repo.update_enterprises(part, now)
        return undo

    async def _bind(
        self,
        repo: EnterpriseListRepository,
        log: ImportLogRepository,
        part: Sequence[tuple[int, int]],
        actor: int | None,
        now: datetime,
    ) -> list[UndoEntry]:
        bound = await log.bindings_now([user for user, _ in part])
        undo: list[UndoEntry] = []
        for user, _ in part:
            was = bound.get(user)
            if (was[0] if was else None) != self.bound_before.get(user):
                raise ImportConflict(str(user))
            undo.append(("contact", user, was))
        await repo.bind_contacts(part, actor, now)
        return undo


_COLUMNS = (
    "name",
    "region_code",
    "chain",
    "tier",
    "specialized",
    "size",
    "liaison_officer_id",
    "updated_at",
)


def _same(row: aiosqlite.Row, e: StoredEnterprise) -> bool:
    return (
        row["name"],
        row["region_code"],
        row["chain"],
        row["tier"],
        bool(row["specialized"]),
        row["size"],
        row["liaison_officer_id"],
    ) == (e.name, e.region_code, e.chain, e.tier, e.specialized, e.size, e.liaison_officer_id)


async def _insert(
    repo: EnterpriseListRepository,
    log: ImportLogRepository,
    part: Sequence[StoredEnterprise],
    now: datetime,
) -> list[UndoEntry]:
    first, last = part[0].id, part[-1].id
    assert last - first == len(part) - 1, "new enterprises' ids are consecutive"
    try:
        await repo.insert_enterprises(part, now)
    except sqlite3.IntegrityError:  # the id or the credit code was taken since the plan
        taken = await repo.by_credit_codes(e.credit_code for e in part)
        raise ImportConflict(next(iter(taken), part[0].credit_code)) from None
    return [("created", first, {"last": last})]


async def _relink(
    repo: EnterpriseListRepository,
    log: ImportLogRepository,
    part: Sequence[tuple[int, list[tuple[int, int, str]]]],
    replaced: set[int],
) -> list[UndoEntry]:
    stored = [sid for sid, _ in part if sid in replaced]
    before = await log.links_now(stored) if stored else {}
    await repo.replace_links(stored, [link for _, links in part for link in links])
    return [("links", sid, before[sid]) for sid in stored]


async def _grant(
    repo: EnterpriseListRepository,
    log: ImportLogRepository,
    part: Sequence[tuple[int, str, str]],
    actor: int | None,
    now: datetime,
) -> list[UndoEntry]:
    held = await log.officer_grants_now(sorted({user for user, _, _ in part}))
    added = [g for g in part if g not in held]
    await repo.grant_officers(added, actor, now)
    return [("grant", user, [region, chain]) for user, region, chain in added]


Step = Callable[[EnterpriseListRepository, ImportLogRepository, Sequence[Any]], Awaitable[Any]]


class _Batches:
    """Runs one phase: a transaction a batch, its undo entries with it, a pause after."""

    def __init__(self, db: Database, import_id: int) -> None:
        self.db = db
        self.import_id = import_id

    async def run(self, items: Sequence[T], step: Step) -> None:
        for part in chunks(items, BATCH_ROWS):
            started = time.monotonic()
            async with self.db.transaction() as conn:
                log = ImportLogRepository(conn)
                undo = await step(EnterpriseListRepository(conn), log, part)
                if undo:
                    await log.record(self.import_id, undo)
            held = time.monotonic() - started
            await asyncio.sleep(max(PAUSE_MIN_S, PAUSE_SHARE * held))
