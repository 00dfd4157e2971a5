"""The bot token never reaches the output, and start-up failures are one line that says what to
check: the real `liaisonbot run` against the sandbox, which refuses a wrong token."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from liaisonbot.sandbox.server import running_sandbox

WRONG_TOKEN = "987654321:AAH-wrong-token-that-must-never-be-printed"


async def run_bot(
    tmp_path: Path, api_base: str, *args: str, token: str = WRONG_TOKEN
) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISONBOT_")}
    env.update(
        LIAISONBOT_TOKEN=token,
        LIAISONBOT_API_BASE=api_base,
        LIAISONBOT_DB=str(tmp_path / "bot.db"),
        LIAISONBOT_CONFIG=os.devnull,
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "liaisonbot.cli", *args,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    async with asyncio.timeout(60):
        out, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode()


@pytest.mark.parametrize(
    "args", [("--debug", "run"), ("run",), ("--debug", "digest", "--send")], ids=" ".join
)
async def test_a_refused_token_is_named_never_printed(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    async with running_sandbox() as sandbox:
        code, out = await run_bot(tmp_path, sandbox.api_base, *args)
    assert code != 0
    assert WRONG_TOKEN not in out
    assert WRONG_TOKEN.partition(":")[2] not in out
    last = out.strip().splitlines()[-1]
    assert last.startswith("liaisonbot: ") and "refused the bot token" in last
    assert "LIAISONBOT_TOKEN" in last
    if "--debug" in args:
        assert "Traceback" in out  # the details, for whoever asked for them
    else:
        assert "Traceback" not in out and len(out.strip().splitlines()) < 5


async def test_an_unreachable_api_is_one_line(tmp_path: Path) -> None:
    code, out = await run_bot(tmp_path, "http://127.0.0.1:9/bot", "run")
    assert code != 0
    assert "Traceback" not in out and WRONG_TOKEN not in out
    last = out.strip().splitlines()[-1]
    assert "cannot reach the Bot API" in last and "LIAISONBOT_API_BASE" in last
