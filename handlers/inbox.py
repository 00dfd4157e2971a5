"""Keeping every fetched update before Telegram may forget it (the transport side of the inbox).

`InboxRequest` wraps the transport used for `getUpdates`: the batch Telegram answers is written to
the inbox before the fetch returns, so before the poller can ask for the next offset (which
confirms the batch). If the write fails because the database is busy, the fetch fails too and the
poller asks again with the same offset: Telegram sends the batch again. Only on a full disk is
the batch handed on unsaved, so that its senders are told the truth (nothing was saved).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes
from telegram.request import BaseRequest, RequestData

from handlers.common import Deps
from handlers.i18n import t
from handlers.scheduling import run_every
from liaisonbot.read.admins import admin_ids
from liaisonbot.store.errors import is_busy, is_disk_full
from liaisonbot.store.inbox import Inbox

log = logging.getLogger(__name__)

BUSY_RETRY_SECONDS = 1.0
PRUNE_EVERY_SECONDS = 6 * 3600


class InboxRequest(BaseRequest):
    def __init__(self, inner: BaseRequest, inbox: Inbox, clock: Callable[[], datetime]) -> None:
        self.inner = inner
        self.inbox = inbox
        self.clock = clock

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        code, payload = await self.inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if url.endswith("/getUpdates") and code == 200:
            await self._keep(payload)
        return code, payload

    async def _keep(self, payload: bytes) -> None:
        try:
            updates = json.loads(payload).get("result") or []
        except (ValueError, AttributeError):
            return  # not Telegram's answer; PTB reports it
        try:
            await self.inbox.keep(updates, self.clock())
        except sqlite3.OperationalError as exc:
            if not is_disk_full(exc):
                raise  # busy: the poller asks again with the same offset
            log.error("disk full: %d update(s) handled without being kept", len(updates))


class LiaisonApplication(Application):
    """Handles each update once, retries it while the store is busy, tells the truth when full.

    An update id already handled is skipped (Telegram can deliver one twice after a restart);
    update ids grow, so only an id at or below the highest one handled needs a look. An update
    whose handler found the database busy (an admin's import holding the write lock) is not marked
    handled: it is handled again after a pause, and its sender sees no error.
    """

    _high_water: int | None = None
    _full_disk_told: bool = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._retry: set[int] = set()  # updates that met a busy database
        self._hit_full: set[int] = set()  # updates that met a full disk

    async def process_update(self, update: object) -> None:
        deps: Deps | None = self.bot_data.get("deps")
        if not isinstance(update, Update) or deps is None:
            await super().process_update(update)
            return
        inbox = Inbox(deps.db)
        if self._high_water is None:
            self._high_water = await inbox.highest_handled()
        if update.update_id <= self._high_water and await inbox.is_handled(update.update_id):
            log.info("update %s was handled before; skipped", update.update_id)
            return
        await super().process_update(update)
        if update.update_id in self._retry:
            self._retry.discard(update.update_id)
            self.create_task(self._again(update), update=update)
            return
        try:
            await inbox.mark_handled(update.update_id, deps.now())
        except sqlite3.OperationalError as exc:
            if not (is_busy(exc) or is_disk_full(exc)):
                raise
            log.warning("update %s handled but not marked: %s", update.update_id, exc)
        else:
            if update.update_id not in self._hit_full:
                self._full_disk_told = False  # writes work again: a new episode is told anew
            self._hit_full.discard(update.update_id)
        self._high_water = max(self._high_water, update.update_id)

    async def process_error(
        self,
        update: object | None,
        error: Exception,
        job: Any = None,
        coroutine: Any = None,
    ) -> bool:
        """A busy or full store stops the update's other handlers (returns True)."""
        if isinstance(update, Update) and is_busy(error):
            log.warning("update %s: database busy; handled again shortly", update.update_id)
            self._retry.add(update.update_id)
            return True
        if isinstance(update, Update) and is_disk_full(error):
            await self._tell_disk_full(update)
            return True
        return await super().process_error(update, error, job, coroutine)

    async def _again(self, update: Update) -> None:
        await asyncio.sleep(BUSY_RETRY_SECONDS)
        await self.update_queue.put(update)

    async def _tell_disk_full(self, update: Update) -> None:
        """The sender is told nothing was saved; the admins once, until a write succeeds again."""
        deps: Deps = self.bot_data["deps"]
        log.error("update %s: disk full; nothing saved", update.update_id)
        self._hit_full.add(update.update_id)
        message = update.effective_message
        lang = await _language_without_writes(deps, update)
        if message is not None:
            with contextlib.suppress(TelegramError):
                await message.reply_text(t(lang, "error.storage_full"))
        if self._full_disk_told:
            return
        self._full_disk_told = True
        for admin_id in await admin_ids(deps.db):
            with contextlib.suppress(TelegramError):
                await self.bot.send_message(admin_id, t(deps.settings.lang, "admin.storage_full"))


async def _language_without_writes(deps: Deps, update: Update) -> str:
    user = update.effective_user
    try:
        return await deps.language_of(user.id if user else None)
    except sqlite3.Error:
        return deps.settings.lang


async def replay_unhandled(application: Application) -> int:
    """At start: what a stop left fetched but not handled goes first, in Telegram's order."""
    deps: Deps = application.bot_data["deps"]
    kept = await Inbox(deps.db).unhandled()
    for raw in kept:
        await application.update_queue.put(Update.de_json(raw, application.bot))
    if kept:
        log.info("%d update(s) kept from before the stop are handled first", len(kept))
    return len(kept)


async def _prune(context: ContextTypes.DEFAULT_TYPE) -> None:
    d: Deps = context.bot_data["deps"]
    removed = await Inbox(d.db).prune(d.now())
    if removed:
        log.info("inbox: %d handled update(s) forgotten", removed)


def schedule_pruning(application: Application) -> None:
    """Handled updates are forgotten after a few days, at start and every six hours."""
    run_every(
        application,
        _prune,
        seconds=PRUNE_EVERY_SECONDS,
        first=5,
        name="inbox-prune",
        grace_seconds=3600,
    )
