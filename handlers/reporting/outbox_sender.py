"""The job that sends what the outbox owes, while the bot runs, at each group's pace.

Every second it takes what is due: acknowledgements go at once; cards go at most
`CARDS_PER_MINUTE` a minute into one group (Telegram allows about 20; the rest is left for the
replies to officers' buttons). When a group's backlog is longer than a minute's worth, one summary
message lists the waiting reports (number, enterprise, category, title) with a button each that
posts that report's card, so the group is current within a minute whatever the burst. Failed
sends wait as `liaisonbot.services.outbox` decides (Telegram's retry_after, or backoff).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable
from html import escape

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from handlers.buttons_layout import rows
from handlers.common import Deps, deps, language
from handlers.i18n import t
from handlers.rendering import fit, label
from handlers.reporting.delivery import send_owed
from handlers.scheduling import run_every
from liaisonbot.domain.access import covers
from liaisonbot.domain.numbers import parse_id
from liaisonbot.domain.vocabulary import Role
from liaisonbot.read import reports as views
from liaisonbot.services import outbox
from liaisonbot.store.outbox import Owed, OwedMessage

log = logging.getLogger(__name__)

CARDS_PER_MINUTE = 15
SUMMARY_MAX_REPORTS = 40  # buttons under one summary message
INTERVAL_SECONDS = 1.0
JOB_NAME = "outbox"
SUMMARY_BUTTON = "oc"  # callback data: oc|<report id>


class GroupPace:
    """How many more messages a group may get in the sliding minute, and a hold while Telegram
    asks the bot to wait (a 429 for that group)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._sent: dict[int, deque[float]] = defaultdict(deque)
        self._held_until: dict[int, float] = {}

    def room(self, chat_id: int) -> int:
        now = self.clock()
        if self._held_until.get(chat_id, 0.0) > now:
            return 0
        sent = self._sent[chat_id]
        while sent and now - sent[0] >= 60.0:
            sent.popleft()
        return max(0, self.per_minute - len(sent))

    def spend(self, chat_id: int, seconds_ago: float = 0.0) -> None:
        self._sent[chat_id].append(self.clock() - seconds_ago)

    def hold(self, chat_id: int, seconds: float) -> None:
        self._held_until[chat_id] = self.clock() + seconds


class OutboxSender:
    def __init__(self, pace: GroupPace | None = None) -> None:
        self.pace = pace or GroupPace(CARDS_PER_MINUTE)
        self._lock = asyncio.Lock()
        self._seeded = False

    async def _seed(self, d: Deps) -> None:
        """After a restart: what this bot posted into each group in the last minute still counts
        against the group's limit."""
        self._seeded = True
        self.pace.per_minute = d.settings.group_posts_per_minute
        now = d.now()
        for chat_id, at in await outbox.recent_group_posts(d.db, now):
            self.pace.spend(chat_id, seconds_ago=(now - at).total_seconds())

    async def run_once(self, bot: Bot, d: Deps) -> int:
        """Send what is due now; the number of messages settled (a summary counts one)."""
        async with self._lock:
            if not self._seeded:
                await self._seed(d)
            due = await outbox.due(d.db, d.now())
            sent = 0
            cards: dict[int, list[OwedMessage]] = defaultdict(list)
            for owed in due:
                if owed.kind in (Owed.ACK, Owed.NOTICE):
                    sent += (await send_owed(bot, d, owed)).settled
                elif owed.group_chat_id is not None:
                    cards[owed.group_chat_id].append(owed)
            for chat_id, waiting in cards.items():
                sent += await self._cards_for_group(bot, d, chat_id, waiting)
            return sent

    async def _cards_for_group(
        self, bot: Bot, d: Deps, chat_id: int, waiting: list[OwedMessage]
    ) -> int:
        room = self.pace.room(chat_id)
        if not room:
            return 0
        # One place in the minute is kept for a summary: a backlog longer than the rest of the
        # minute's room is listed in one message rather than left to wait.
        if len(waiting) > room - 1 and (len(waiting) > 1 or room == 1):
            self.pace.spend(chat_id)
            return await self._summarise(bot, d, chat_id, waiting[:SUMMARY_MAX_REPORTS])
        sent = 0
        for owed in waiting[: room - 1]:
            self.pace.spend(chat_id)
            attempt = await send_owed(bot, d, owed)
            sent += attempt.settled
            if attempt.retry_after:  # the group is over its limit: nothing more into it for now
                self.pace.hold(chat_id, attempt.retry_after)
                break
        return sent

    async def _summarise(self, bot: Bot, d: Deps, chat_id: int, waiting: list[OwedMessage]) -> int:
        lang = d.settings.lang
        lines = [t(lang, "outbox.summary_head", count=len(waiting)), ""]
        for owed in waiting:
            report = await views.report(d.db, owed.report_id)
            enterprise = await views.enterprise(d.db, report.enterprise_id) if report else None
            if report is None or enterprise is None:
                continue
            lines.append(
                t(
                    lang,
                    "outbox.summary_line",
                    number=report.id,
                    enterprise=escape(enterprise.name),
                    category=label(report.content.category, lang),
                    title=escape(report.content.title),
                )
            )
        buttons = [
            InlineKeyboardButton(
                t(lang, "outbox.summary_button", number=owed.report_id),
                callback_data=f"{SUMMARY_BUTTON}|{owed.report_id}",
            )
            for owed in waiting
        ]
        try:
            await bot.send_message(
                chat_id,
                fit("\n".join(lines), lang),
                parse_mode=ParseMode.HTML,
                reply_markup=InlineKeyboardMarkup(rows(buttons, 4)),
            )
        except RetryAfter as exc:
            self.pace.hold(chat_id, _seconds(exc.retry_after))
            log.warning("group %s: summary waits %s s (429)", chat_id, exc.retry_after)
            return 0
        except TelegramError as exc:
            log.warning("group %s: summary of %d cards not sent: %s", chat_id, len(waiting), exc)
            return 0
        await outbox.summarised(d.db, [owed.id for owed in waiting], d.now())
        log.info("group %s: %d waiting cards summarised in one message", chat_id, len(waiting))
        return 1

    async def job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.run_once(context.bot, deps(context))


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total() if callable(total) else value)  # type: ignore[arg-type]


def sender_of(application: Application) -> OutboxSender:
    found: OutboxSender | None = application.bot_data.get("outbox")
    if found is None:
        found = application.bot_data["outbox"] = OutboxSender()
    return found


def schedule(application: Application) -> None:
    """Re-created at every start: what a stop left owed goes out from the first tick on."""
    run_every(
        application,
        sender_of(application).job,
        seconds=INTERVAL_SECONDS,
        first=0.2,
        name=JOB_NAME,
        grace_seconds=30,
    )


async def on_summary_card_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button under a summary: that report's card is posted after all."""
    query = update.callback_query
    assert query is not None
    lang = await language(context, query.from_user)
    report_id = parse_id((query.data or "").partition("|")[2])
    d = deps(context)
    report = await views.report(d.db, report_id) if report_id else None
    chat = query.message.chat.id if query.message else None
    if report is None or report.group_chat_id != chat:
        await query.answer(t(lang, "outbox.card_stale"), show_alert=True)
        return
    # Only someone who works on the report may have its card posted in the group.
    viewer = await views.viewer(d.db, query.from_user.id)
    enterprise = await views.enterprise(d.db, report.enterprise_id)
    if enterprise is None or not covers(viewer.grants, enterprise, Role.OFFICER, Role.OFFICIAL):
        log.warning(
            "user %s pressed the summary button of report %s", query.from_user.id, report.id
        )
        await query.answer(t(lang, "error.not_allowed"), show_alert=True)
        return
    if await outbox.card_asked_for(d.db, report.id, d.now()):
        await query.answer(t(lang, "outbox.card_coming", number=report.id))
    else:
        await query.answer(t(lang, "outbox.card_already", number=report.id))
