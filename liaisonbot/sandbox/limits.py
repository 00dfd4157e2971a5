"""Flood limits and injected faults."""

from __future__ import annotations

import itertools
import math
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

FAULT_KINDS = ("retry_after", "blocked", "kicked", "timeout", "error")


@dataclass
class RateLimits:
    """Telegram's documented soft limits; ``None`` switches a limit off."""

    global_per_second: int | None = 30
    group_per_minute: int | None = 20
    chat_per_second: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RateLimiter:
    """Sliding windows over sent messages: overall per second, per group per minute, and per
    chat per second. ``check`` answers the seconds to wait (0 = go) and records the send."""

    def __init__(self, limits: RateLimits | None = None) -> None:
        self.limits = limits or RateLimits()
        self._all: deque[float] = deque()
        self._chat: dict[int, deque[float]] = {}

    def reset(self) -> None:
        self._all.clear()
        self._chat.clear()

    @staticmethod
    def _wait(window: deque[float], limit: int | None, span: float, t: float) -> float:
        while window and window[0] <= t - span:
            window.popleft()
        if limit is None or len(window) < limit:
            return 0.0
        return window[0] + span - t

    def check(self, chat_id: int, is_group: bool, t: float | None = None) -> int:
        t = time.monotonic() if t is None else t
        per_chat = self._chat.setdefault(chat_id, deque())
        lim = self.limits
        waits = [self._wait(self._all, lim.global_per_second, 1.0, t)]
        if is_group:
            waits.append(self._wait(per_chat, lim.group_per_minute, 60.0, t))
        if lim.chat_per_second is not None:
            recent = [x for x in per_chat if x > t - 1.0]
            if len(recent) >= lim.chat_per_second:
                waits.append(recent[0] + 1.0 - t)
        wait = max(waits)
        if wait > 0:
            return max(1, math.ceil(wait))
        self._all.append(t)
        per_chat.append(t)
        return 0


_ids = itertools.count(1)


@dataclass
class Fault:
    """Answer the next `count` matching calls (None: all, until cleared) with a failure.

    kind: ``retry_after`` (429 with `retry_after` seconds), ``blocked`` / ``kicked`` (403),
    ``timeout`` (hold the request `delay` seconds — longer than the client waits; with
    `execute` the call still takes effect afterwards, as when only the answer was lost),
    ``error`` (answer `error_code` / `description` as given).
    """

    kind: str
    method: str | None = None  # case-insensitive; None: any method except getUpdates
    chat_id: int | None = None
    count: int | None = 1
    retry_after: int = 5
    delay: float = 60.0
    execute: bool = False
    error_code: int = 500
    description: str = "Internal Server Error"
    id: int = field(default_factory=lambda: next(_ids))
    hits: int = 0

    def matches(self, method: str, chat_id: Any) -> bool:
        if self.count is not None and self.count <= 0:
            return False
        if self.method is None:
            if method.lower() == "getupdates":
                return False
        elif self.method.lower() != method.lower():
            return False
        if self.chat_id is not None:
            try:
                return int(chat_id) == self.chat_id
            except (TypeError, ValueError):
                return False
        return True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Faults:
    def __init__(self) -> None:
        self.rules: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; one of {FAULT_KINDS}")
        self.rules.append(fault)
        return fault

    def clear(self, fault_id: int | None = None) -> None:
        self.rules = [f for f in self.rules if fault_id is not None and f.id != fault_id]

    def take(self, method: str, chat_id: Any) -> Fault | None:
        for fault in self.rules:
            if fault.matches(method, chat_id):
                fault.hits += 1
                if fault.count is not None:
                    fault.count -= 1
                return fault
        return None
