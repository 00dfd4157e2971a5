"""The daily digest with the real bot process: a digest missed while the bot was down goes out
once at start, a restart sends nothing more, and `liaisonbot digest --send` sends nothing to a
subscription that already had today's digest."""

from __future__ import annotations

import asyncio
import io
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from liaisonbot.sandbox.launcher import bot_environment
from liaisonbot.sandbox.scene import CONTACT, LIAISON_GROUP, OFFICIAL
from tests.e2e.conftest import E2E, has

pytestmark = pytest.mark.e2e

SHANGHAI = ZoneInfo("Asia/Shanghai")
QUIET = 2.0  # how long "nothing more arrives" is watched for


async def cli(e2e: E2E, *args: str) -> str:
    """`liaisonbot …` as the admin runs it beside the bot, on the same database."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "liaisonbot.cli",
        *args,
        env=bot_environment(e2e.sandbox, e2e.db_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    async with asyncio.timeout(30):
        out, _ = await process.communicate()
    text = out.decode()
    assert process.returncode == 0, text
    return text


async def digests(e2e: E2E) -> list[dict[str, object]]:
    return [
        m
        for m in await e2e.client.messages(OFFICIAL.id)
        if m["from_bot"] and ("日调度" in (m.get("text") or "") or m.get("document"))
    ]


async def nothing_more_after(e2e: E2E, count: int) -> None:
    await asyncio.sleep(QUIET)
    assert len(await digests(e2e)) == count, await e2e.transcript(OFFICIAL.id)


async def test_missed_digest_goes_once_and_send_adds_nothing(e2e: E2E) -> None:
    local = datetime.now(SHANGHAI)
    if local.hour == 0 and local.minute < 3:
        pytest.skip("a digest time a minute ago would be yesterday's")
    await e2e.say(OFFICIAL.id, None, "/start")  # the official opens the private chat
    await e2e.bot_message(OFFICIAL.id, has("/report"))
    sent = await e2e.say(CONTACT.id, None, "/report LOG 紧急 钢材三天没有进厂 <急>")
    await e2e.bot_message(LIAISON_GROUP, has("钢材三天没有进厂"), after=0)
    assert sent

    # The bot is down at digest time: the subscription's time passes while it is stopped.
    await e2e.stop()
    at = (local - timedelta(minutes=1)).strftime("%H:%M")
    await cli(e2e, "subscribe", str(OFFICIAL.id), "--region", "35", "--at", at)
    # A subscription made after today's time starts tomorrow; this one has existed for a day.
    with sqlite3.connect(e2e.db_path) as conn:
        yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="microseconds")
        conn.execute("UPDATE subscriptions SET created_at = ?", (yesterday,))
    await e2e.start()

    message = await e2e.bot_message(OFFICIAL.id, has("日调度", "钢材三天没有进厂"), timeout=15)
    assert (
        "&lt;急&gt;" not in message["text"] and "<急>" in message["text"]
    )  # escaped, shown as typed
    ledger = await e2e.bot_message(OFFICIAL.id, lambda m: bool(m.get("document")), timeout=15)
    workbook = load_workbook(io.BytesIO(await e2e.client.download(ledger["document"]["file_id"])))
    cells = [str(c.value) for row in workbook.worksheets[0].iter_rows() for c in row if c.value]
    assert any("钢材三天没有进厂 <急>" in c for c in cells)
    count = len(await digests(e2e))
    assert count == 2  # the message and its ledger, once
    rows = e2e.query("SELECT COUNT(*) AS n FROM digest_deliveries")
    assert rows[0]["n"] == 1

    await e2e.restart()
    await nothing_more_after(e2e, count)

    output = await cli(e2e, "digest", "--send")
    assert "sent 0" in output, output
    await nothing_more_after(e2e, count)
