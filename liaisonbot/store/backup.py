"""Consistent copies of the database while the bot runs (SQLite's online backup API).

The copy is written beside its target first, checked with `PRAGMA integrity_check`, and only then
moved into place, so a backup file that exists is a whole, checked database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import aiosqlite

from liaisonbot.store.database import Database

BACKUP_PREFIX = "liaisonbot-"
BACKUP_SUFFIX = ".db"


class BackupFailed(Exception):
    """The copy did not pass its integrity check; the target was left as it was."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int


def _prepare(target: Path) -> tuple[Path, Path]:
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    return target, partial


def _prune(folder: Path, keep: int) -> None:
    ours = sorted(folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}"))
    for old in ours[:-keep]:
        old.unlink(missing_ok=True)


async def backup_to(db: Database, target: Path) -> Backup:
    target, partial = _prepare(target)
    try:
        async with aiosqlite.connect(partial) as copy:
            await db.conn.backup(copy)
            rows = await copy.execute_fetchall("PRAGMA integrity_check")
            verdict = [str(row[0]) for row in rows]
        if verdict != ["ok"]:
            raise BackupFailed("; ".join(verdict[:5]))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(target, target.stat().st_size)


def backup_name(moment: datetime) -> str:
    """Names sort by time: liaisonbot-20261203-030000.db."""
    return f"{BACKUP_PREFIX}{moment:%Y%m%d-%H%M%S}{BACKUP_SUFFIX}"


async def rotate_backup(db: Database, folder: Path, keep: int, now: datetime) -> Backup:
    """A new backup in `folder`, then all but the newest `keep` of its backups removed."""
    made = await backup_to(db, folder / backup_name(now))
    _prune(folder, keep)
    return made
