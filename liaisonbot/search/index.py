"""Keeping the search index in step with the reports.

Triggers (migrations/0015) add a row to `search_pending` whenever a report, its events' notes or
its enterprise's name change. `refresh` reads the pending rows up to the newest one it saw, loads
those reports' text, cuts it into words in a worker thread (jieba is Python: no trigger can run
it) and rewrites their `search_docs` and `search_words` rows in one short transaction, removing
only the pending rows it read. A change made meanwhile stays pending for the next round, so the
index is never left older than the data. Searches call it first; the bot calls it at start.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from liaisonbot.read.notes import note_in_words
from liaisonbot.search import segmenter
from liaisonbot.services.triage.terms import INTERNAL_STEPS, INTERNAL_TEXT
from liaisonbot.store import Database

BATCH = 2_000
# Notes that carry codes or ids rather than words (a user id, a category code, an answer code).
CODE_NOTES = frozenset(
    {"accept", "take", "assign", "recategorize", "confirm", "auto_close", "link"}
)
STAFF_ONLY = frozenset(str(a) for a in INTERNAL_STEPS | INTERNAL_TEXT)

_locks: dict[int, asyncio.Lock] = {}


@dataclass(frozen=True)
class Doc:
    report_id: int
    public_text: str
    staff_text: str


def compose(row: Any, notes: Iterable[tuple[str, str]]) -> Doc:
    """A report's searchable text: what its enterprise sees, and the internal notes apart."""
    public = [row["title"], row["description"], row["ask"], row["name"]]
    staff: list[str] = []
    for action, note in notes:
        if action in CODE_NOTES or not note:
            continue
        (staff if action in STAFF_ONLY else public).append(note_in_words(action, note))
    return Doc(row["id"], "\n".join(p for p in public if p), "\n".join(staff))


def _cut(docs: list[Doc]) -> list[tuple[int, str, str]]:
    return [
        (d.report_id, segmenter.joined(d.public_text), segmenter.joined(d.staff_text)) for d in docs
    ]


async def _load(db: Database, ids: list[int]) -> list[Doc]:
    marks = json.dumps(ids)
    rows = await db.fetch_all(
        "SELECT r.id, r.title, r.description, r.ask, e.name FROM reports r"
        " JOIN enterprises e ON e.id = r.enterprise_id"
        " WHERE r.id IN (SELECT value FROM json_each(?))",
        [marks],
    )
    events = await db.fetch_all(
        "SELECT report_id, action, note FROM report_events"
        " WHERE report_id IN (SELECT value FROM json_each(?)) AND note != '' ORDER BY id",
        [marks],
    )
    notes: dict[int, list[tuple[str, str]]] = {}
    for ev in events:
        notes.setdefault(ev["report_id"], []).append((ev["action"], ev["note"]))
    return [compose(r, notes.get(r["id"], ())) for r in rows]


async def _index(db: Database, ids: list[int], upto: int | None) -> None:
    """Rewrite the rows of `ids`; with `upto`, also forget the pending rows up to it."""
    docs = await _load(db, ids)
    cut = await asyncio.to_thread(_cut, docs)
    async with db.transaction() as conn:
        marks = json.dumps(ids)
        await conn.execute(
            "DELETE FROM search_words WHERE rowid IN (SELECT value FROM json_each(?))", (marks,)
        )
        await conn.executemany(
            "INSERT INTO search_words (rowid, public_words, staff_words) VALUES (?, ?, ?)", cut
        )
        await conn.executemany(
            "INSERT INTO search_docs (report_id, public_text, staff_text) VALUES (?, ?, ?)"
            " ON CONFLICT (report_id) DO UPDATE SET public_text = excluded.public_text,"
            " staff_text = excluded.staff_text",
            [(d.report_id, d.public_text, d.staff_text) for d in docs],
        )
        if upto is not None:
            await conn.execute("DELETE FROM search_pending WHERE id <= ?", (upto,))


async def refresh(db: Database, *, batch: int = BATCH) -> int:
    """Index every stale report, each once, `batch` at a time; how many were indexed. The pending
    rows seen at the start are forgotten with the last batch. One refresh at a time per
    database."""
    lock = _locks.setdefault(id(db), asyncio.Lock())
    async with lock:
        row = await db.fetch_one("SELECT MAX(id) FROM search_pending")
        upto = row[0] if row else None
        if upto is None:
            return 0
        stale = [
            r[0]
            for r in await db.fetch_all(
                "SELECT DISTINCT report_id FROM search_pending WHERE id <= ? ORDER BY report_id",
                [upto],
            )
        ]
        chunks = [stale[i : i + batch] for i in range(0, len(stale), batch)] or [[]]
        for number, chunk in enumerate(chunks):
            await _index(db, chunk, upto if number == len(chunks) - 1 else None)
        return len(stale)
