"""A rate limiter with two lanes: interactive (the default: acknowledgements, card edits, answers
to a contact's check-in) and bulk (`rate_limit_args={"lane": "bulk"}`: check-in rounds, digests).

Telegram allows about 30 messages a second overall and 20 a minute in one group. Requests that
name a chat are paced: at most `per_second` in any second, spread evenly (a burst of 30 at once
is answered with 429 by a sliding window), and `group_per_minute` in any minute per group.
A bulk request waits while an interactive one is ready to go, so replies overtake a round of
10,000 questions instead of queuing behind it. On RetryAfter every lane pauses for the time
Telegram asks, and the request is retried (up to `max_retries` times).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

BULK = "bulk"
INTERACTIVE = "interactive"
YIELD_SECONDS = 0.002  # how long a bulk request steps back for a ready interactive one
MAX_SLEEP_SECONDS = 0.5  # a long wait is re-checked, so a pause or a freed slot is seen


class LaneRateLimiter(BaseRateLimiter[dict[str, Any]]):
    def __init__(
        self,
        *,
        per_second: float = 29.0,
        group_per_minute: int = 20,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = 1.0 / per_second
        self.group_per_minute = group_per_minute
        self.max_retries = max_retries
        self._clock = clock
        self._next_slot = 0.0  # the earliest moment the next message may go
        self._groups: dict[int | str, deque[float]] = {}
        self._paused_until = 0.0
        self._ready_interactive = 0  # interactive requests whose only wait is the overall pace
        self.sent_by_lane: dict[str, int] = {INTERACTIVE: 0, BULK: 0}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _group_wait(self, chat_id: int | str | None, now: float) -> float:
        if chat_id is None or not _is_group(chat_id):
            return 0.0
        window = self._groups.setdefault(chat_id, deque())
        while window and window[0] <= now - 60.0:
            window.popleft()
        if len(window) < self.group_per_minute:
            return 0.0
        return window[0] + 60.0 - now

    async def _acquire(self, lane: str, chat_id: int | str | None) -> None:
        ready = False
        try:
            while True:
                now = self._clock()
                group_wait = self._group_wait(chat_id, now)
                if lane != BULK and not ready and group_wait <= 0:
                    ready = True
                    self._ready_interactive += 1
                wait = max(self._next_slot - now, self._paused_until - now, group_wait)
                if lane == BULK and self._ready_interactive and wait <= 0:
                    wait = YIELD_SECONDS  # an interactive request is ready: it goes first
                if wait <= 0:
                    self._next_slot = max(now, self._next_slot) + self.interval
                    if chat_id is not None and _is_group(chat_id):
                        self._groups[chat_id].append(now)
                    self.sent_by_lane[lane if lane == BULK else INTERACTIVE] += 1
                    return
                await asyncio.sleep(min(wait, MAX_SLEEP_SECONDS))  # then look again
        finally:
            if ready:
                self._ready_interactive -= 1

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        lane = (rate_limit_args or {}).get("lane", INTERACTIVE)
        chat_id = data.get("chat_id")
        paced = chat_id is not None and endpoint != "answerCallbackQuery"
        for attempt in range(self.max_retries + 1):
            if paced:
                await self._acquire(lane, chat_id)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt >= self.max_retries:
                    raise
                seconds = _seconds(exc.retry_after)
                log.info(
                    "RetryAfter %.1f s on %s (%s lane); pausing every lane", seconds, endpoint, lane
                )
                self._paused_until = max(self._paused_until, self._clock() + seconds)
                await asyncio.sleep(seconds)
        raise AssertionError("unreachable")  # pragma: no cover


def bulk(bot: Any) -> dict[str, Any]:
    """Keyword arguments that put a request in the bulk lane; none when the bot has no rate
    limiter (PTB refuses `rate_limit_args` then)."""
    if getattr(bot, "rate_limiter", None) is None:
        return {}
    return {"rate_limit_args": {"lane": BULK}}


def _is_group(chat_id: int | str) -> bool:
    if isinstance(chat_id, str):
        with contextlib.suppress(ValueError):
            return int(chat_id) < 0
        return chat_id.startswith("@")
    return chat_id < 0


def _seconds(retry_after: Any) -> float:
    return (
        float(retry_after.total_seconds())
        if hasattr(retry_after, "total_seconds")
        else float(retry_after)
    )
