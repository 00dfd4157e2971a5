"""Check-in rounds with the real bot process over the sandbox: the round due now is asked once
per enterprise, a restart asks nobody again, and `liaisonbot checkin --send` adds nothing."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from liaisonbot.sandbox.client import SandboxError
from liaisonbot.sandbox.scene import CONTACT, CONTACT_2, LIAISON_GROUP
from tests.e2e.conftest import E2E, has
from tests.e2e.test_digest import cli

pytestmark = pytest.mark.e2e

SHANGHAI = ZoneInfo("Asia/Shanghai")
QUESTION = "复工达产情况填报"


async def _questions(e2e: E2E) -> int:
    count = 0
    for chat in (CONTACT.id, CONTACT_2.id, LIAISON_GROUP):
        try:
            messages = await e2e.client.messages(chat)
        except SandboxError:  # a private chat never opened
            continue
        for m in messages:
            count += bool(m["from_bot"] and QUESTION in (m.get("text") or ""))
    return count


async def test_round_is_asked_once_across_a_restart(e2e: E2E) -> None:
    local = datetime.now(SHANGHAI)
    if local.hour == 0 and local.minute < 3:
        pytest.skip("a round opened a minute ago would be yesterday's")
    await e2e.say(CONTACT.id, None, "/start")  # one contact opened the private chat
    await e2e.bot_message(CONTACT.id, has("/report"))
    await e2e.stop()
    at = (local - timedelta(minutes=1)).strftime("%H:%M")
    await cli(e2e, "checkin", "--schedule", "daily", "--at", at, "--window-hours", "3")
    await e2e.start()

    await e2e.bot_message(CONTACT.id, has(QUESTION), timeout=20)
    # the other contact never opened the private chat: mentioned in the liaison group
    await e2e.bot_message(LIAISON_GROUP, has(QUESTION, "林主管"), timeout=20)
    assert await _questions(e2e) == 2

    await e2e.restart()
    await asyncio.sleep(6)  # the job's first run is 3 s after start
    assert await _questions(e2e) == 2
    assert "asked 0" in await cli(e2e, "checkin", "--send")
    assert await _questions(e2e) == 2
    with sqlite3.connect(e2e.db_path) as conn:
        today = local.date().isoformat()
        rows = conn.execute(
            "SELECT status FROM checkin_asks WHERE round_date = ?", (today,)
        ).fetchall()
    assert sorted(r[0] for r in rows) == ["sent", "sent"]
