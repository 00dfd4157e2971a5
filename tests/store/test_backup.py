"""Backups: a consistent, checked copy while the database is in use; only the newest kept."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from liaisonbot.store import Database
from liaisonbot.store.backup import backup_to, rotate_backup
from tests.support.world import seed_world


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


async def test_backup_is_a_whole_checked_copy(db: Database, tmp_path: Path) -> None:
    await seed_world(db)
    made = await backup_to(db, tmp_path / "copies" / "one.db")

    assert made.path.exists() and made.size > 0
    assert _count(made.path, "enterprises") == 2
    with sqlite3.connect(made.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not list((tmp_path / "copies").glob("*.part"))


async def test_backup_while_a_write_is_under_way_sees_only_committed_data(
    db: Database, tmp_path: Path
) -> None:
    await seed_world(db)
    other = await Database(db.path).open()  # another process, in the middle of a write
    try:
        async with other.transaction() as conn:
            await conn.execute(
                "INSERT INTO inbox (update_id, received_at) VALUES (1, '2026-12-03T00:00:00')"
            )
            made = await backup_to(db, tmp_path / "during.db")
    finally:
        await other.close()
    assert _count(made.path, "enterprises") == 2
    assert _count(made.path, "inbox") == 0
    assert _count(Path(db.path), "inbox") == 1  # the write itself went through


async def test_rotation_keeps_the_newest(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "daily"
    start = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    for day in range(5):
        await rotate_backup(db, folder, keep=3, now=start + timedelta(days=day))
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "liaisonbot-20261203-190000.db",
        "liaisonbot-20261204-190000.db",
        "liaisonbot-20261205-190000.db",
    ]


async def test_the_daily_backup_job_writes_into_the_configured_folder(
    tmp_path: Path, db: Database
) -> None:
    from handlers.backup_job import JOB_NAME
    from liaisonbot.config import Settings
    from tests.conftest import start_bot
    from tests.support.world import NOW, Clock

    settings = Settings(
        token="123456:TEST-TOKEN", db=tmp_path / "test.db", backup_dir=tmp_path / "b", backup_keep=2
    )
    harness = await start_bot(settings, db, Clock(NOW))
    try:
        await harness.app.post_init(harness.app)
        assert harness.app.job_queue is not None
        job = harness.app.job_queue.get_jobs_by_name(JOB_NAME)[0]
        await job.run(harness.app)
    finally:
        await harness.app.shutdown()
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["liaisonbot-20261126-020000.db"]
