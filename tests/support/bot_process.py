"""The real bot process against a running sandbox, for benchmarks: start it, know when it polls,
kill it (SIGKILL) or stop it (SIGTERM)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path

from liaisonbot.sandbox import Sandbox, SandboxClient
from liaisonbot.sandbox.launcher import start_bot_process, stop_bot_process


@dataclass
class BotProcess:
    sandbox: Sandbox
    client: SandboxClient
    db_path: Path
    log_path: Path
    settings: dict[str, str] = field(default_factory=dict)
    process: asyncio.subprocess.Process | None = None

    async def start(self, timeout: float = 30.0) -> float:  # noqa: ASYNC109
        """Start and wait until it polls; the seconds from the start until its first poll."""
        calls = await self.client.calls(include_polling=True)
        since = int(calls[-1]["seq"]) if calls else 0
        started = time.monotonic()
        self.process = await start_bot_process(
            self.sandbox, self.db_path, log_path=self.log_path, settings=self.settings
        )
        # deleteWebhook is the step right before the first getUpdates (a getUpdates call enters
        # the log only when its long poll returns).
        while not await self.client.calls(method="deleteWebhook", since=since):
            if self.process.returncode is not None:
                raise RuntimeError(f"the bot exited with {self.process.returncode}")
            if time.monotonic() - started > timeout:
                raise TimeoutError("the bot did not poll")
            await asyncio.sleep(0.05)
        return time.monotonic() - started

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()

    async def restart_after_kill(self) -> None:
        assert self.process is not None
        await self.process.wait()
        await self.start()

    async def stop(self) -> None:
        if self.process is not None:
            await stop_bot_process(self.process)
