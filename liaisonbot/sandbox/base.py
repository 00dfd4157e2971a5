"""The world's state and its heartbeat: construction, reset, the change counter and waiting.

Everything runs on one event loop, so the world needs no locks. Every change bumps ``seq`` and
wakes the waiters (long-polling bots, ``/control/wait``, the page). The concerns built on this
base (updates, messages, chats, acting as users, files, views) are mixins; `world.SandboxWorld`
combines them.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypedDict

from liaisonbot.sandbox.limits import Faults, RateLimiter, RateLimits
from liaisonbot.sandbox.models import CallbackQuery, Chat, StoredFile, Update, User


class LoggedUpdate(TypedDict):
    """One entry of the world's update log (the control API's /updates)."""

    update_id: int
    type: str
    queued: bool
    update: Update


DEFAULT_TOKEN = "1234567890:SANDBOX-token-for-local-use-only"
DEFAULT_BOT_USERNAME = "liaison_sandbox_bot"
CALL_LOG_SIZE = 5000


class ControlError(ValueError):
    """A bad control-API request (answered 400 with ``{"ok": false, "error": ...}``)."""


def bot_id_from_token(token: str) -> int:
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else 1234567890


STRICT_VARIABLE = "LIAISONBOT_SANDBOX_STRICT"


def strict_from_environment() -> bool:
    """LIAISONBOT_SANDBOX_STRICT=1 makes new worlds strict; Telegram's leniency otherwise."""
    return os.environ.get(STRICT_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on")


class WorldBase:
    """The world's state, reset, change notification and the two lookups every concern uses."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_name: str = "LiaisonBot (sandbox)",
        *,
        privacy: bool = True,
        rate_limits: RateLimits | None = None,
        strict: bool | None = None,
        strict_html: bool | None = None,
        time_zone: str | None = None,
        callback_answer_timeout: float | None = 15.0,
    ) -> None:
        self.token = token
        self.bot = User(bot_id_from_token(token), bot_name, username=bot_username, is_bot=True)
        self.privacy = privacy
        # strict: unknown parameters and fields are refused (the project's own tests); else
        # ignored as Telegram ignores them, each noted as a warning in the call log
        self.strict = strict_from_environment() if strict is None else strict
        self.strict_html = self.strict if strict_html is None else strict_html
        # the page shows times in the bot's zone (LIAISONBOT_TZ), whatever the browser's
        self.time_zone = time_zone or os.environ.get("LIAISONBOT_TZ") or "Asia/Shanghai"
        self.callback_answer_timeout = callback_answer_timeout
        self.limiter = RateLimiter(rate_limits)
        self.faults = Faults()
        self.closing = asyncio.Event()
        self._changed = asyncio.Event()
        # These survive reset(): a bot that keeps polling across a reset must neither see a
        # Conflict nor confirm new updates with its old offset, and waiters rely on seq growing.
        self.seq = 0
        self.call_seq = 0
        self.poll_generation = 0
        self._update_ids = itertools.count(secrets.randbelow(10**6) + 10**6)
        self._clear()

    def _clear(self) -> None:
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.file_paths: dict[str, str] = {}
        self.queue: list[Update] = []
        self.update_log: list[LoggedUpdate] = []
        self.redeliver: list[Update] = []
        self.allowed_updates: list[str] | None = None
        self.webhook_url = ""
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.bot_texts: dict[str, str] = {}
        self.callbacks: dict[str, CallbackQuery] = {}
        self.calls: deque[dict[str, Any]] = deque(maxlen=CALL_LOG_SIZE)
        self._user_ids = itertools.count(200001)
        self._group_ids = itertools.count(1)
        self._file_seq = itertools.count(1)
        self.faults.clear()
        self.limiter.reset()

    def reset(self) -> None:
        """Forget everything (users, chats, files, updates, calls, faults); keep the bot
        identity, privacy and limits."""
        self._clear()
        self.touch()

    # --- change notification ----------------------------------------------------------------

    def touch(self) -> int:
        self.seq += 1
        self._changed.set()
        self._changed = asyncio.Event()
        return self.seq

    async def wait_change(self, seconds: float) -> bool:
        """Wait until the world changes (True) or `seconds` pass / the server closes."""
        if seconds <= 0 or self.closing.is_set():
            return False
        changed = asyncio.ensure_future(self._changed.wait())
        closing = asyncio.ensure_future(self.closing.wait())
        try:
            done, _ = await asyncio.wait(
                {changed, closing}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            changed.cancel()
            closing.cancel()
        return changed in done

    async def wait_for(self, predicate: Callable[[], Any], seconds: float) -> Any:
        """Wait until `predicate()` is truthy; return its value (or the last falsy one)."""
        deadline = time.monotonic() + seconds
        while True:
            value = predicate()
            left = deadline - time.monotonic()
            if value or left <= 0 or self.closing.is_set():
                return value
            await self.wait_change(left)

    def user(self, user_id: int) -> User:
        if user_id == self.bot.id:
            return self.bot
        try:
            return self.users[int(user_id)]
        except (KeyError, ValueError, TypeError):
            raise ControlError(f"no user {user_id}") from None

    def chat(self, chat_id: int) -> Chat:
        try:
            return self.chats[int(chat_id)]
        except (KeyError, ValueError, TypeError):
            raise ControlError(f"no chat {chat_id}") from None
