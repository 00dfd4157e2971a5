"""`liaisonbot sandbox` as a person runs it: it prints where to go, and stopping it (Ctrl-C or
SIGTERM) stops the bot process it started, before the server it talks to goes away."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
async def test_stopping_the_sandbox_stops_its_bot(tmp_path: Path, stop: signal.Signals) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISONBOT_")}
    output = tmp_path / "sandbox.out"
    # A file, not a pipe: a pipe closed with the parent would end the bot by itself (SIGPIPE).
    with output.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "liaisonbot.cli", "sandbox", "--port", "0"),
            cwd=tmp_path,
            env=env,
            stdout=sink,
            stderr=asyncio.subprocess.STDOUT,
        )
    printed = ""
    async with asyncio.timeout(20):
        while "(pid " not in printed:  # another process writes the file
            assert process.returncode is None, f"the sandbox ended early:\n{printed}"
            await asyncio.sleep(0.05)
            printed = output.read_text(encoding="utf-8", errors="replace")
    assert re.search(r"open http://127\.0\.0\.1:\d+/ in a browser", printed), printed
    bot_pid = int(re.search(r"\(pid (\d+)\)", printed).group(1))  # type: ignore[union-attr]
    assert alive(bot_pid)

    process.send_signal(stop)
    try:
        async with asyncio.timeout(20):
            await process.wait()
            while alive(bot_pid):  # noqa: ASYNC110 - the bot is not our child: poll it
                await asyncio.sleep(0.05)
    finally:
        if alive(bot_pid):
            os.kill(bot_pid, signal.SIGKILL)
    assert (tmp_path / "sandbox-data" / "sandbox.db").exists()
    # The bot was stopped first, cleanly, not left to fail against a server that went away.
    log = output.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log, log[-3000:]
