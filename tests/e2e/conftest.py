"""End-to-end fixtures: the sandbox server in this process and the real bot (`python -m
liaisonbot.cli run`) in another, talking over HTTP; the test acts as the people of the seeded
scene through the control API and reads the bot's database file with sqlite3.

Every wait is bounded; a failed wait shows what the chat holds and the tail of the bot's log.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from liaisonbot.sandbox import Sandbox, SandboxClient
from liaisonbot.sandbox.launcher import sandbox_with_bot, start_bot_process, stop_bot_process
from liaisonbot.sandbox.scene import LIAISON_GROUP

READY_TIMEOUT = 15.0  # the bot process imports, migrates, registers commands and starts polling
WAIT = 10.0  # one step of a story: an update handled and answered

Message = dict[str, Any]
Predicate = Callable[[Message], bool]


def has(*words: str) -> Predicate:
    """A message whose text (or caption) contains every word."""

    def predicate(message: Message) -> bool:
        text = message.get("text") or message.get("caption") or ""
        return all(word in text for word in words)

    predicate.__doc__ = " + ".join(repr(w) for w in words)
    return predicate


def with_button(text: str) -> Predicate:
    def predicate(message: Message) -> bool:
        return text in button_texts(message)

    predicate.__doc__ = f"a button {text!r}"
    return predicate


def button_texts(message: Message) -> list[str]:
    return [b["text"] for row in message.get("keyboard") or [] for b in row]


def button_data(message: Message, prefix: str) -> str:
    """The callback_data of the message's first button whose data starts with `prefix`."""
    for row in message.get("keyboard") or []:
        for b in row:
            if (b.get("callback_data") or "").startswith(prefix):
                return str(b["callback_data"])
    raise AssertionError(f"no button {prefix!r}* on message {message['message_id']}: {message}")


@dataclass
class E2E:
    """One sandbox and one running bot process, with the helpers the stories use."""

    sandbox: Sandbox
    client: SandboxClient
    db_path: Path
    log_path: Path
    process: asyncio.subprocess.Process
    timings: dict[str, float] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)  # LIAISONBOT_* for (re)starts

    # --- the bot process ------------------------------------------------------------------------

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no bot log)"
        return "\n".join(text.splitlines()[-lines:])

    def fail(self, what: str) -> AssertionError:
        return AssertionError(f"{what}\n--- bot log (tail) ---\n{self.log_tail()}")

    async def seq(self) -> int:
        """The world's change counter now (a zero-timeout wait answers at once)."""
        result = await self.client.wait(since_seq=2**62, timeout=0)
        return int(result["seq"])

    async def wait_ready(self, since_call: int = 0, timeout: float = READY_TIMEOUT) -> None:  # noqa: ASYNC109
        """Until the bot process has deleted the webhook, the step right before its first
        getUpdates (a getUpdates call enters the call log only when its long poll returns)."""
        deadline = time.monotonic() + timeout
        while True:
            if await self.client.calls(method="deleteWebhook", since=since_call):
                return
            if self.process.returncode is not None:
                raise self.fail(f"the bot process exited with code {self.process.returncode}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise self.fail(f"the bot was not polling within {timeout}s")
            seq = await self.seq()
            await self.client.request(
                "GET", "poll", params={"since": seq, "timeout": min(left, 1.0)}
            )

    async def last_call_seq(self) -> int:
        calls = await self.client.calls(include_polling=True)
        return int(calls[-1]["seq"]) if calls else 0

    async def stop(self) -> None:
        await stop_bot_process(self.process)

    async def start(self) -> None:
        since = await self.last_call_seq()
        self.process = await start_bot_process(
            self.sandbox, self.db_path, log_path=self.log_path, settings=self.settings
        )
        await self.wait_ready(since)

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    # --- acting as people -----------------------------------------------------------------------

    async def say(
        self, user_id: int, chat_id: int | None, text: str, reply_to: int | None = None
    ) -> Message:
        return await self.client.send_text(user_id, chat_id, text, reply_to=reply_to)

    async def press(
        self,
        user_id: int,
        chat_id: int | None,
        message: Message,
        *,
        text: str | None = None,
        data: str | None = None,
    ) -> dict[str, Any]:
        """Press a button of `message` (by its text or callback_data)."""
        if text is not None and text not in button_texts(message):
            raise AssertionError(f"no button {text!r} on {message}")
        return await self.client.press(
            user_id, chat_id, message["message_id"], callback_data=data, text=text
        )

    async def answer_of(self, pressed: dict[str, Any]) -> dict[str, Any]:
        """The bot's answerCallbackQuery to a press."""
        result = await self.client.callback_answer(pressed["callback_query_id"], timeout=WAIT)
        if not result["answered"]:
            raise self.fail(f"the press {result['data']!r} was not answered within {WAIT}s")
        return dict(result["answer"])

    # --- reading chats --------------------------------------------------------------------------

    async def transcript(self, chat_id: int) -> str:
        lines = []
        for m in await self.client.messages(chat_id):
            who = "bot" if m["from_bot"] else m["sender_name"]
            text = (m.get("text") or m.get("caption") or m.get("service") or "").replace(
                "\n", " ⏎ "
            )
            lines.append(f"  #{m['message_id']} {who}: {text[:160]} {button_texts(m) or ''}")
        return "\n".join(lines[-15:])

    async def bot_message(
        self,
        chat_id: int,
        predicate: Predicate = lambda m: True,
        *,
        after: int = 0,
        timeout: float = WAIT,  # noqa: ASYNC109
    ) -> Message:
        """The first bot message in the chat, with id > `after`, that `predicate` accepts,
        waiting for it (edits count: a message is judged as it reads now)."""
        deadline = time.monotonic() + timeout
        while True:
            seq = await self.seq()
            for m in await self.client.messages(chat_id, after=after):
                if m["from_bot"] and predicate(m):
                    return m
            left = deadline - time.monotonic()
            if left <= 0:
                what = predicate.__doc__ or "the expected message"
                raise self.fail(
                    f"no bot message in chat {chat_id} after #{after} with {what} within "
                    f"{timeout}s; the chat shows:\n{await self.transcript(chat_id)}"
                )
            await self.client.wait(chat_id, since_seq=seq, timeout=left)

    async def message(self, chat_id: int, message_id: int) -> Message:
        for m in await self.client.messages(chat_id, after=message_id - 1):
            if m["message_id"] == message_id:
                return m
        raise AssertionError(f"no message {message_id} in chat {chat_id}")

    async def card_shows(
        self,
        report_id: int,
        *words: str,
        chat_id: int = LIAISON_GROUP,
        timeout: float = WAIT,  # noqa: ASYNC109
    ) -> Message:
        """Wait until the report's card in `chat_id` reads `words`."""
        head = f"问题 {report_id}｜"
        return await self.bot_message(chat_id, _and(has(head), has(*words)), timeout=timeout)

    # --- the bot's database -----------------------------------------------------------------------

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Read the bot's database file (read-only; WAL lets the bot keep writing)."""
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=5)
        try:
            conn.row_factory = sqlite3.Row
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def report(self, report_id: int) -> sqlite3.Row:
        rows = self.query("SELECT * FROM reports WHERE id = ?", (report_id,))
        assert rows, f"no report {report_id} in the database"
        return rows[0]

    def events(self, report_id: int) -> list[tuple[str, str | None, str]]:
        rows = self.query(
            "SELECT action, from_state, to_state FROM report_events WHERE report_id = ?"
            " ORDER BY id",
            (report_id,),
        )
        return [(r["action"], r["from_state"], r["to_state"]) for r in rows]

    def report_count(self) -> int:
        return int(self.query("SELECT count(*) AS n FROM reports")[0]["n"])

    async def db_until(
        self,
        sql: str,
        params: tuple[Any, ...] = (),
        predicate: Callable[[list[sqlite3.Row]], bool] = bool,
        timeout: float = WAIT,  # noqa: ASYNC109
    ) -> list[sqlite3.Row]:
        """Poll the database until the query's rows satisfy `predicate`. The bot records what it
        sent right after sending it, so a message can be seen a moment before its row."""
        deadline = time.monotonic() + timeout
        while True:
            rows = self.query(sql, params)
            if predicate(rows):
                return rows
            if time.monotonic() > deadline:
                raise self.fail(f"{sql} {params} still gives {[dict(r) for r in rows]}")
            await asyncio.sleep(0.05)

    async def report_when(self, report_id: int, **expected: Any) -> sqlite3.Row:
        """The report's row once its columns hold `expected`."""
        rows = await self.db_until(
            "SELECT * FROM reports WHERE id = ?",
            (report_id,),
            lambda rows: bool(rows) and all(rows[0][k] == v for k, v in expected.items()),
        )
        return rows[0]


def _and(*predicates: Predicate) -> Predicate:
    def predicate(message: Message) -> bool:
        return all(p(message) for p in predicates)

    predicate.__doc__ = " and ".join(p.__doc__ or "?" for p in predicates)
    return predicate


@asynccontextmanager
async def running_e2e(tmp_path: Path, *, with_reports: bool = False) -> AsyncIterator[E2E]:
    """The sandbox and the bot process on a database in `tmp_path`, ready for a story."""
    db_path, log_path = tmp_path / "e2e.db", tmp_path / "bot.log"
    async with (
        sandbox_with_bot(db_path, log_path=log_path, with_reports=with_reports, strict=True) as (
            sandbox,
            process,
        ),
        SandboxClient(sandbox.base_url) as client,
    ):
        harness = E2E(sandbox, client, db_path, log_path, process)
        try:
            await harness.wait_ready()
            yield harness
        finally:
            await harness.stop()  # the process of the latest (re)start


@pytest.fixture
async def e2e(tmp_path: Path) -> AsyncIterator[E2E]:
    started = time.monotonic()
    async with running_e2e(tmp_path) as harness:
        harness.timings["ready"] = time.monotonic() - started
        yield harness
