"""Updates of one chat in order, different chats at the same time.

With PTB's default (one update at a time), a handler that waits, for a group's rate-limit bucket
(about 20 messages a minute) or a slow Telegram answer, holds up every other chat. Processing
concurrently keeps the others moving; a lock per chat keeps each chat's own updates (a dialog's
answers, the presses on one group's cards) in the order Telegram sent them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 64


def order_key(update: object) -> int | None:
    """The chat an update belongs to (the user, for updates without a chat)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._users: dict[int | None, int] = {}  # tasks holding or waiting for each lock

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        key = order_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:  # asyncio.Lock wakes its waiters first in, first out
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
