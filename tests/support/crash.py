"""A burst of one-line reports from several contacts, the bot killed with SIGKILL in the middle,
restarted, and an account of what became of every report. Shared by the end-to-end test and
`make bench` (bench/bench_crash.py), which runs more rounds."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from liaisonbot.clock import utcnow
from liaisonbot.sandbox import SandboxClient
from liaisonbot.sandbox.scene import LIAISON_GROUP, SUPPLIERS
from liaisonbot.services import people
from liaisonbot.store import Database

FIRST_CONTACT_ID = 81000


@dataclass
class RoundResult:
    sent: int
    lost: int  # sent, never stored
    filed_twice: int  # stored more than once
    unacknowledged: int  # stored, no acknowledgement ever reached the reporter
    not_in_group: int  # stored, neither a card nor a summary line in the group
    acks_twice: int  # acknowledgements sent more than once (allowed: the crash window)
    cards_twice: int
    recovery_seconds: float  # from the restart until every report was stored and acknowledged


async def add_contacts(
    client: SandboxClient, db_path: Path, count: int, first_id: int = FIRST_CONTACT_ID
) -> list[int]:
    """`count` contacts of the scene's suppliers, in the sandbox and bound in the bot's database."""
    ids = [first_id + i for i in range(count)]
    db = await Database(db_path).open()
    try:
        for i, user_id in enumerate(ids):
            await client.add_user(f"联络人{i}", id=user_id, started=True)
            await people.bind_contact(
                db, SUPPLIERS[i % len(SUPPLIERS)].credit_code, user_id, utcnow()
            )
    finally:
        await db.close()
    return ids


def _title(round_no: int, index: int) -> str:
    return f"第{round_no}轮第{index}号原材料断供"


async def crash_round(
    client: SandboxClient,
    db_path: Path,
    contacts: list[int],
    *,
    round_no: int,
    reports: int,
    kill_after: float,
    kill: Callable[[], None],
    restart: Callable[[], Awaitable[None]],
    settle_timeout: float = 60.0,
) -> RoundResult:
    """Send `reports` one-line reports round-robin from `contacts`, SIGKILL the bot after
    `kill_after` seconds, restart it, and count what became of each report."""

    async def send_all() -> None:
        for index in range(reports):
            user = contacts[index % len(contacts)]
            await client.send_text(user, None, f"/report LOG {_title(round_no, index)}")
            await asyncio.sleep(0.005)

    async def killer() -> None:
        await asyncio.sleep(kill_after)
        kill()

    await asyncio.gather(send_all(), killer())
    restarted = time.monotonic()
    await restart()
    titles = [_title(round_no, i) for i in range(reports)]
    deadline = time.monotonic() + settle_timeout
    while True:
        stored = _stored(db_path, round_no)
        done = len(set(stored)) == reports and _all_settled(db_path, round_no)
        if done or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    recovery = time.monotonic() - restarted
    stored_titles = Counter(stored)
    numbers = {title: number for number, title in _numbers(db_path, round_no)}
    ack_counts: Counter[int] = Counter()
    for user in set(contacts):
        for message in await client.messages(user):
            text = message.get("text") or ""
            if message["from_bot"] and (found := re.search(r"编号 (\d+)", text)):
                ack_counts[int(found.group(1))] += 1
    card_counts: Counter[int] = Counter()
    summarised: set[int] = set()
    for message in await client.messages(LIAISON_GROUP):
        text = message.get("text") or ""
        if not message["from_bot"]:
            continue
        if found := re.match(r"📋 问题 (\d+)｜", text):
            card_counts[int(found.group(1))] += 1
        summarised |= {int(n) for n in re.findall(r"^问题 (\d+)｜", text, re.M)}
    filed = [numbers[t] for t in titles if t in numbers]
    return RoundResult(
        sent=reports,
        lost=sum(1 for t in titles if t not in stored_titles),
        filed_twice=sum(n - 1 for n in stored_titles.values() if n > 1),
        unacknowledged=sum(1 for n in filed if ack_counts[n] == 0),
        not_in_group=sum(1 for n in filed if card_counts[n] == 0 and n not in summarised),
        acks_twice=sum(1 for n in filed if ack_counts[n] > 1),
        cards_twice=sum(1 for n in filed if card_counts[n] > 1),
        recovery_seconds=recovery,
    )


def _query(db_path: Path, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _stored(db_path: Path, round_no: int) -> list[str]:
    rows = _query(db_path, "SELECT title FROM reports WHERE title LIKE ?", (f"第{round_no}轮%",))
    return [row[0] for row in rows]


def _numbers(db_path: Path, round_no: int) -> list[tuple[int, str]]:
    rows = _query(
        db_path, "SELECT id, title FROM reports WHERE title LIKE ?", (f"第{round_no}轮%",)
    )
    return [(row[0], row[1]) for row in rows]


def _all_settled(db_path: Path, round_no: int) -> bool:
    rows = _query(
        db_path,
        "SELECT COUNT(*) FROM outbox o JOIN reports r ON r.id = o.report_id"
        " WHERE r.title LIKE ? AND o.state = 'pending'",
        (f"第{round_no}轮%",),
    )
    return rows[0][0] == 0
