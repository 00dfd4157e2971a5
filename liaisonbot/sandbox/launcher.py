"""`liaisonbot sandbox` (and `make run` without a token): seed the scene, start the local server,
then run the real bot as a separate process against it, as it would run against Telegram."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import fcntl
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

from liaisonbot.clock import utcnow
from liaisonbot.config import Settings
from liaisonbot.logsafe import hide_secrets, secrets_of_token
from liaisonbot.sandbox import scene
from liaisonbot.sandbox.base import DEFAULT_TOKEN
from liaisonbot.sandbox.server import Sandbox, running_sandbox
from liaisonbot.store import Database

DEFAULT_PORT = 8080
DATA_DIR = Path("sandbox-data")


def bot_environment(sandbox: Sandbox, db_path: Path, lang: str = "zh") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISONBOT_")}
    env.update(
        LIAISONBOT_TOKEN=sandbox.token,
        LIAISONBOT_API_BASE=sandbox.api_base,
        LIAISONBOT_DB=str(db_path),
        LIAISONBOT_LANG=lang,
        LIAISONBOT_CONFIG=os.devnull,
        PYTHONUNBUFFERED="1",
    )
    return env


async def start_bot_process(
    sandbox: Sandbox,
    db_path: Path,
    *,
    log_path: Path | None = None,
    lang: str = "zh",
    settings: dict[str, str] | None = None,
) -> asyncio.subprocess.Process:
    """`liaisonbot run` in its own process, talking to the sandbox only through its base URL;
    `settings` are more LIAISONBOT_* variables for it."""
    output = log_path.open("ab") if log_path else None
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "liaisonbot.cli",
            "run",
            env={**bot_environment(sandbox, db_path, lang), **(settings or {})},
            stdout=output,
            stderr=asyncio.subprocess.STDOUT if output else None,
            preexec_fn=_die_with_parent(os.getpid()) if sys.platform == "linux" else None,
        )
    finally:
        if output:
            output.close()


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> Callable[[], None]:
    """Run in the child before exec (Linux): the kernel sends it SIGTERM when the launcher dies,
    even of SIGKILL, so no bot outlives its sandbox."""

    def arrange() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent_pid:  # the launcher died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return arrange


STOP_GRACE_SECONDS = 10.0


async def stop_bot_process(process: asyncio.subprocess.Process) -> None:
    """SIGTERM, as a service manager would; the bot finishes the update in hand and stops."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        async with asyncio.timeout(STOP_GRACE_SECONDS):
            await process.wait()
    except TimeoutError:
        process.kill()
        await process.wait()


async def seed(db_path: Path, *, with_reports: bool = True) -> None:
    db = await Database(db_path).open()
    try:
        await scene.seed_database(db, utcnow(), with_reports=with_reports)
    finally:
        await db.close()


@contextlib.asynccontextmanager
async def sandbox_with_bot(
    db_path: Path,
    port: int = 0,
    *,
    log_path: Path | None = None,
    lang: str = "zh",
    with_reports: bool = True,
    strict: bool | None = None,
    time_zone: str | None = None,
) -> AsyncIterator[tuple[Sandbox, asyncio.subprocess.Process]]:
    """The scene seeded, the server running and the bot started against it. End-to-end stories
    start from the scene without its demo reports (`with_reports=False`) on a strict server
    (`strict=True`; None: LIAISONBOT_SANDBOX_STRICT decides)."""
    await seed(db_path, with_reports=with_reports)
    async with running_sandbox(
        port=port, seed=scene.seed_world, strict=strict, time_zone=time_zone
    ) as sandbox:
        process = await start_bot_process(sandbox, db_path, log_path=log_path, lang=lang)
        try:
            yield sandbox, process
        finally:
            await stop_bot_process(process)


def _free_or_default(port: int) -> int:
    if port:
        return port
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", DEFAULT_PORT))
        except OSError:
            return 0
    return DEFAULT_PORT


class AlreadyRunning(Exception):
    """Another sandbox runs from this folder: its database is not deleted under it."""


@contextlib.contextmanager
def _only_sandbox_here() -> Iterator[None]:
    """Hold sandbox-data/sandbox.lock for the run; a second run from the same folder stops
    with AlreadyRunning instead of deleting the first one's database."""
    lock = (DATA_DIR / "sandbox.lock").open("a+")
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            raise AlreadyRunning(lock.read().strip() or "?") from None
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        yield
    finally:
        lock.close()


def _fresh_database() -> Path:
    """The sandbox's Telegram side lives in memory and starts anew each time, so its database
    does too (cards of an earlier run would point at messages that no longer exist)."""
    path = DATA_DIR / "sandbox.db"
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    return path


async def _run(port: int, settings: Settings) -> None:
    # SIGTERM (a service manager, `kill`) stops the bot process too, as Ctrl-C does.
    main_task = asyncio.current_task()
    assert main_task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    chosen = os.environ.get("LIAISONBOT_DB")
    with contextlib.ExitStack() as stack:
        if not chosen:
            stack.enter_context(_only_sandbox_here())
        db_path = Path(chosen) if chosen else _fresh_database()
        await _run_with(db_path, port, settings)


async def _run_with(db_path: Path, port: int, settings: Settings) -> None:
    hide_secrets(secrets_of_token(DEFAULT_TOKEN))  # the sandbox's token, in its server's logs
    async with sandbox_with_bot(
        db_path, _free_or_default(port), lang=settings.lang, time_zone=settings.tz
    ) as (sb, bot):
        print(
            f"\nLiaisonBot sandbox is running: open {sb.base_url}/ in a browser.\n"
            f"  database: {db_path}    bot: @{sb.bot_username} (pid {bot.pid})\n\n"
            "Try first:\n"
            f"  1. act as {scene.CONTACT.first_name} (enterprise contact) and send /report in the\n"
            "     private chat with the bot, or /report LOG 紧急 原材料运不进厂 in one line;\n"
            f"  2. act as {scene.OFFICER.first_name} (liaison officer): the cards in\n"
            "     福州汽车产业链联络群 carry the buttons (受理, 签收, 办结 …);\n"
            "     two reports are already under way;\n"
            f"  3. act as {scene.OFFICIAL.first_name} (official): /start the bot, then /digest\n"
            "     for the daily review (日调度) with its ledger;\n"
            "  4. send /help to the bot for everything else.\n"
            "Stop with Ctrl-C.\n",
            flush=True,
        )
        await bot.wait()
        print(f"the bot process ended with code {bot.returncode}", file=sys.stderr)


def main(port: int, settings: Settings) -> int:
    DATA_DIR.mkdir(exist_ok=True)
    try:
        with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
            asyncio.run(_run(port, settings))
    except AlreadyRunning as running:
        print(
            f"a sandbox is already running from this folder (pid {running}); its database "
            f"{DATA_DIR / 'sandbox.db'} is left alone. Stop it first (Ctrl-C there), or start "
            "another on its own database: LIAISONBOT_DB=other.db liaisonbot sandbox",
            file=sys.stderr,
        )
        return 1
    return 0
