"""A busy or full database: the sender is never told a false promise and nothing is lost.

Busy (an admin's import holding the write lock past the busy timeout): the update is handled
again shortly, and the report is filed with no error shown. Full (SQLITE_FULL, simulated with
`PRAGMA max_page_count`): the sender is told nothing was saved, the admins once, and filing works
again once there is room.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import handlers.inbox
from liaisonbot.domain.models import RoleGrant
from liaisonbot.domain.vocabulary import Role
from liaisonbot.services import people
from liaisonbot.store import Database
from tests.conftest import Bot, make_settings, start_bot
from tests.support.world import CONTACT, NOW, Clock, seed_world

ADMIN_ID = 7001
LONG = "原材料供应中断。" * 249  # 1,992 characters, about 6 kB: needs new pages


async def count_reports(db: Database) -> int:
    row = await db.fetch_one("SELECT COUNT(*) FROM reports")
    assert row is not None
    return int(row[0])


async def fill_up(db: Database) -> None:
    # No free pages first: a migration that rebuilds a table (0013: the outbox) leaves some,
    # which would take the first report although the file cannot grow.
    await db.conn.execute("VACUUM")
    row = await db.fetch_one("PRAGMA page_count")
    assert row is not None
    await db.conn.execute(f"PRAGMA max_page_count = {int(row[0])}")


async def make_room(db: Database) -> None:
    await db.conn.execute("PRAGMA max_page_count = 1073741823")


async def test_full_disk_tells_the_truth_and_recovers(bot: Bot, world: object) -> None:
    await people.grant_role(bot.db, RoleGrant(user_id=ADMIN_ID, role=Role.ADMIN), NOW)
    await fill_up(bot.db)

    await bot.say(CONTACT, f"/report LOG 原材料运不进厂\n{LONG}")
    await bot.say(CONTACT, f"/report LOG 第二次\n{LONG}")

    assert await count_reports(bot.db) == 0
    told = bot.request.texts(CONTACT.id)
    assert len(told) == 2 and all("没有保存" in text for text in told)
    admin = bot.request.texts(ADMIN_ID)
    assert len(admin) == 1 and "存储空间已满" in admin[0]

    await make_room(bot.db)
    await bot.say(CONTACT, f"/report LOG 原材料运不进厂\n{LONG}")
    assert await count_reports(bot.db) == 1
    assert "编号" in bot.request.last_text(CONTACT.id)


async def test_busy_database_handles_the_update_again_without_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers.inbox, "BUSY_RETRY_SECONDS", 0.05)
    settings = make_settings(tmp_path)
    db = await Database(settings.db, busy_timeout_ms=100).open()
    await seed_world(db)
    harness = await start_bot(settings, db, Clock(NOW))
    admin_cli = await Database(settings.db).open()  # another process: the admin's import
    try:
        await harness.app.start()
        async with admin_cli.transaction():
            update = harness.updates.text(CONTACT, "/report LOG 原材料运不进厂")
            await harness.app.update_queue.put(update)
            await asyncio.sleep(0.4)  # the bot meets the lock at least once
            assert await count_reports(db) == 0
        for _ in range(100):  # stored, then acknowledged (after the commit)
            if await count_reports(db) == 1 and harness.request.texts(CONTACT.id):
                break
            await asyncio.sleep(0.05)
        assert await count_reports(db) == 1
        texts = harness.request.texts(CONTACT.id)
        assert len(texts) == 1 and "编号" in texts[0]
        assert await handlers.inbox.Inbox(db).is_handled(update.update_id)
    finally:
        await harness.app.stop()
        await harness.app.shutdown()
        await admin_cli.close()
        await db.close()
