"""A busy database makes writers wait and try again, never fail: `Database.transaction()` retries
`BEGIN IMMEDIATE` while another process holds the write lock longer than the busy timeout."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from liaisonbot.domain.models import RoleGrant
from liaisonbot.domain.vocabulary import Role
from liaisonbot.services import people
from liaisonbot.store import Database
from tests.support.world import NOW


def hold_write_lock(path: str, seconds: float, taken: threading.Event) -> threading.Thread:
    """Another process's long write: a plain sqlite3 connection holding BEGIN IMMEDIATE."""

    def run() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


async def test_a_write_waits_for_the_lock_longer_than_the_busy_timeout(tmp_path: Path) -> None:
    db = await Database(tmp_path / "t.db", busy_timeout_ms=100).open()
    try:
        taken = threading.Event()
        holder = hold_write_lock(db.path, 0.8, taken)
        await asyncio.to_thread(taken.wait)
        started = time.monotonic()
        added = await people.grant_role(
            db, RoleGrant(user_id=42, role=Role.OFFICER, region_prefix="11"), NOW
        )
        waited = time.monotonic() - started
        await asyncio.to_thread(holder.join)

        assert added
        assert waited >= 0.5  # it did meet the lock, well past the 0.1 s busy timeout
        row = await db.fetch_one("SELECT user_id FROM roles WHERE user_id = 42")
        assert row is not None
        assert db.longest_wait >= 0.5
    finally:
        await db.close()


async def test_autocommit_and_write_wait_too(tmp_path: Path) -> None:
    db = await Database(tmp_path / "t.db", busy_timeout_ms=50).open()
    try:
        taken = threading.Event()
        holder = hold_write_lock(db.path, 0.4, taken)
        await asyncio.to_thread(taken.wait)
        insert = "INSERT INTO inbox (update_id, received_at) VALUES (?, '2020-03-02')"
        await db.write(insert, (1,))
        async with db.autocommit() as conn:
            await conn.execute(insert, (2,))
        await asyncio.to_thread(holder.join)
        rows = await db.fetch_all("SELECT update_id FROM inbox ORDER BY 1")
        assert [r[0] for r in rows] == [1, 2]
    finally:
        await db.close()


async def test_a_long_wait_is_said_once_and_the_limit_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("liaisonbot.store.database.LONG_WAIT_S", 0.2)
    db = await Database(tmp_path / "t.db", busy_timeout_ms=50, lock_wait_limit_s=0.6).open()
    try:
        taken = threading.Event()
        holder = hold_write_lock(db.path, 1.5, taken)
        await asyncio.to_thread(taken.wait)
        with caplog.at_level(logging.WARNING), pytest.raises(sqlite3.OperationalError):
            async with db.transaction():
                pass
        await asyncio.to_thread(holder.join)
        said = [r for r in caplog.records if "busy" in r.getMessage()]
        assert len(said) == 1
        async with db.transaction():  # free again: no error left behind
            pass
    finally:
        await db.close()


async def test_hold_times_are_counted(tmp_path: Path) -> None:
    db = await Database(tmp_path / "t.db").open()
    try:
        async with db.transaction():
            await asyncio.sleep(0.05)
        assert db.holds == 1
        assert 0.05 <= db.longest_hold < 1.0
    finally:
        await db.close()
