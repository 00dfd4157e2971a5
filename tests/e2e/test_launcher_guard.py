"""`liaisonbot sandbox` killed outright takes its bot with it; a second one from the same folder
leaves the running one's database alone."""

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
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


def sandbox_command(tmp_path: Path, sink: object) -> tuple[list[str], dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISONBOT_")}
    args = [sys.executable, "-m", "liaisonbot.cli", "sandbox", "--port", "0"]
    return args, {"cwd": tmp_path, "env": env, "stdout": sink, "stderr": asyncio.subprocess.STDOUT}


async def started(tmp_path: Path) -> tuple[asyncio.subprocess.Process, int, Path]:
    output = tmp_path / "sandbox.out"
    with output.open("wb") as sink:
        args, options = sandbox_command(tmp_path, sink)
        process = await asyncio.create_subprocess_exec(*args, **options)  # type: ignore[arg-type]
    printed = ""
    async with asyncio.timeout(20):
        while "(pid " not in printed:
            assert process.returncode is None, f"the sandbox ended early:\n{printed}"
            await asyncio.sleep(0.05)
            printed = output.read_text(encoding="utf-8", errors="replace")
    bot_pid = int(re.search(r"\(pid (\d+)\)", printed).group(1))  # type: ignore[union-attr]
    return process, bot_pid, output


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
async def test_killing_the_sandbox_outright_ends_its_bot(tmp_path: Path) -> None:
    process, bot_pid, _ = await started(tmp_path)
    assert alive(bot_pid)
    process.kill()  # SIGKILL: no handler runs in the launcher
    await process.wait()
    try:
        async with asyncio.timeout(20):
            while alive(bot_pid):  # noqa: ASYNC110 - the bot is not our child: poll it
                await asyncio.sleep(0.05)
    finally:
        if alive(bot_pid):
            os.kill(bot_pid, signal.SIGKILL)


async def test_a_second_sandbox_leaves_the_running_ones_database(tmp_path: Path) -> None:
    process, bot_pid, _ = await started(tmp_path)
    database = tmp_path / "sandbox-data" / "sandbox.db"
    inode = database.stat().st_ino
    try:
        second_output = tmp_path / "second.out"
        with second_output.open("wb") as sink:
            args, options = sandbox_command(tmp_path, sink)
            second = await asyncio.create_subprocess_exec(*args, **options)  # type: ignore[arg-type]
        async with asyncio.timeout(20):
            assert await second.wait() == 1
        said = second_output.read_text(encoding="utf-8")
        assert "already running" in said and "LIAISONBOT_DB" in said
        assert database.stat().st_ino == inode
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(20):
            await process.wait()
        if alive(bot_pid):
            os.kill(bot_pid, signal.SIGKILL)
