"""Sending the daily digest from JobQueue jobs (never from handlers: a wait on the rate limiter
there would stall every chat), and from the command line (`liaisonbot digest --send`).

At start (`on_startup`, called from the Application's post_init): one daily job per distinct
subscription time, in the configured zone, with a misfire grace time and coalescing; a catch-up
run that sends a digest missed while the bot was down (within the grace period, default 6 h);
and a periodic sweep that retries what failed, within the same grace period. The delivery log
(liaisonbot/services/digest_delivery.py) makes each subscription get each day's digest once.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from telegram import Bot, InputFile, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter, Application, ContextTypes, ExtBot
from telegram.request import BaseRequest

from handlers.digest import chart as digest_chart
from handlers.digest import render as digest_render
from handlers.rate_lanes import bulk
from liaisonbot.charts import runner as chart_runner
from liaisonbot.clock import utcnow
from liaisonbot.config import Settings
from liaisonbot.files.ledger import ledger_filename, ledger_xlsx
from liaisonbot.read.digest.model import Digest
from liaisonbot.services import digest_delivery as delivery
from liaisonbot.services import subscriptions
from liaisonbot.services.digest_delivery import (
    ChatMoved,
    DigestCache,
    Rendered,
    RunReport,
    Unreachable,
)
from liaisonbot.services.subscriptions import Subscription
from liaisonbot.store import Database

log = logging.getLogger(__name__)

JOB_PREFIX = "digest@"
CATCH_UP_JOB = "digest-catch-up"
SWEEP_JOB = "digest-sweep"
MAX_ATTEMPTS = 5
BASE_DELAY = 0.5  # seconds; doubled after each transient failure


def _retry_after_seconds(exc: RetryAfter) -> float:
    """Seconds either way: PTB 22 gives an int, or a timedelta with PTB_TIMEDELTA set."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """Sends through a bot (whose AIORateLimiter paces all requests), honours RetryAfter, retries
    transient network errors with exponential backoff, and turns "blocked" and "chat gone" into
    `Unreachable`."""

    def __init__(
        self,
        bot: Bot,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        attempts: int = MAX_ATTEMPTS,
        base_delay: float = BASE_DELAY,
    ) -> None:
        self.bot, self.sleep, self.attempts, self.base_delay = bot, sleep, attempts, base_delay

    async def _call(self, make: Callable[[], Awaitable[Any]]) -> Any:
        delay = self.base_delay
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                return await make()
            except RetryAfter as exc:
                if last:
                    raise
                await self.sleep(_retry_after_seconds(exc))
            except Forbidden as exc:
                raise Unreachable("blocked") from exc
            except ChatMigrated as exc:
                raise ChatMoved(exc.new_chat_id) from exc
            except BadRequest as exc:
                text = str(exc).lower()
                if "chat not found" in text or "bot was kicked" in text:
                    raise Unreachable("chat_gone") from exc
                raise
            except NetworkError:  # TimedOut included; BadRequest is handled above
                if last:
                    raise
                await self.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    async def send_text(self, chat_id: int, text: str) -> int:
        message = await self._call(
            lambda: self.bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                **bulk(self.bot),
            )
        )
        return int(message.message_id)

    async def send_photo(self, chat_id: int, data: bytes, caption: str) -> None:
        await self._call(
            lambda: self.bot.send_photo(
                chat_id,
                InputFile(io.BytesIO(data), filename="chart.png"),
                caption=caption,
                **bulk(self.bot),
            )
        )

    async def send_document(self, chat_id: int, filename: str, data: bytes, caption: str) -> None:
        await self._call(
            lambda: self.bot.send_document(
                chat_id,
                InputFile(io.BytesIO(data), filename=filename),
                caption=caption,
                **bulk(self.bot),
            )
        )


def make_renderer(
    db: Database,
    settings: Settings,
    cache: DigestCache,
    bot_username: str,
    language_of: Callable[[int | None], Awaitable[str]],
) -> delivery.Renderer:
    """Renders in the subscriber's language (a group: the bot's default); the ledger of one scope
    and period is written once per run, however many get it."""

    async def render(sub: Subscription, digest: Digest) -> Rendered:
        lang = await language_of(sub.chat_id if sub.chat_id > 0 else None)
        text = digest_render.render_digest(digest, lang, settings.zone, bot_username)
        if digest.empty:
            return Rendered(text)
        key = ("ledger", digest.scope, digest.period)
        data = cast("bytes | None", cache.extra.get(key))  # the ledger cached below
        if data is None:
            data = await ledger_xlsx(db, digest, settings.zone)
            cache.extra[key] = data
        return Rendered(
            text,
            (ledger_filename(digest), data),
            digest_render.caption(digest, lang),
            picture=await _picture(digest, lang),
        )

    async def _picture(digest: Digest, lang: str) -> tuple[bytes, str] | None:
        """The chart of the digest's scope, drawn once per run and language; None when charts
        are off or drawing failed (logged: the digest goes without it)."""
        if not settings.digest_chart:
            return None
        key = ("chart", digest.scope, digest.period.day, lang)
        if key not in cache.extra:
            try:
                cache.extra[key] = await digest_chart.chart_picture(
                    db,
                    digest.scope,
                    digest.period.day,
                    lang,
                    settings.zone,
                    settings.digest_chart_days,
                )
            except Exception:
                log.warning("digest chart for %s not drawn", digest.scope, exc_info=True)
                cache.extra[key] = None
        return cast("tuple[bytes, str] | None", cache.extra[key])

    return render


def _languages(db: Database, settings: Settings) -> Callable[[int | None], Awaitable[str]]:
    from liaisonbot.read import reports as views

    async def language_of(user_id: int | None) -> str:
        if user_id is None:
            return settings.lang
        return await views.user_language(db, user_id) or settings.lang

    return language_of


async def run_deliveries(
    db: Database,
    settings: Settings,
    bot: Bot,
    subs: list[Subscription],
    day: date,
    *,
    now: datetime,
    clock: Callable[[], datetime] = utcnow,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    language_of: Callable[[int | None], Awaitable[str]] | None = None,
    concurrency: int = 8,
) -> RunReport:
    cache = DigestCache(db, now, settings.zone)
    render = make_renderer(
        db, settings, cache, bot.username, language_of or _languages(db, settings)
    )
    return await delivery.deliver_all(
        db,
        subs,
        day,
        cache=cache,
        render=render,
        sender=TelegramSender(bot, sleep=sleep),
        clock=clock,
        concurrency=concurrency,
    )


# -- inside the bot ------------------------------------------------------------------------------


def _deps(application: Application) -> Any:
    return application.bot_data["deps"]


def _grace(settings: Settings) -> timedelta:
    return timedelta(hours=settings.digest_grace_hours)


async def deliver_due(
    application: Application,
    *,
    at_time: str | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> RunReport:
    """Send every digest due now (within the grace period) that has not gone yet."""
    deps = _deps(application)
    lock: asyncio.Lock = application.bot_data.setdefault("digest_lock", asyncio.Lock())
    async with lock:
        now = deps.now()
        zone = deps.settings.zone
        subs = await delivery.due(deps.db, now, zone, grace=_grace(deps.settings), at_time=at_time)
        if not subs:
            return RunReport()
        report = await run_deliveries(
            deps.db,
            deps.settings,
            application.bot,
            subs,
            now.astimezone(zone).date(),
            now=now,
            clock=deps.now,
            sleep=sleep,
            language_of=deps.language_of,
        )
        log.info("digest run: %s", {o.value: report.count(o) for o in delivery.Outcome})
        return report


async def _job(context: ContextTypes.DEFAULT_TYPE) -> None:
    job = context.job
    at_time = job.data if job is not None and isinstance(job.data, str) else None
    await deliver_due(context.application, at_time=at_time)


def ensure_daily_job(application: Application, at_time: str) -> bool:
    """One daily job per subscription time; True if it was added now."""
    queue = application.job_queue
    if queue is None:
        log.warning("no JobQueue (install python-telegram-bot[job-queue]): no scheduled digests")
        return False
    name = JOB_PREFIX + at_time
    if queue.get_jobs_by_name(name):
        return False
    settings: Settings = _deps(application).settings
    hour, minute = (int(x) for x in at_time.split(":"))
    queue.run_daily(
        _job,
        time=time(hour, minute, tzinfo=settings.zone),
        name=name,
        data=at_time,
        job_kwargs={
            "misfire_grace_time": int(_grace(settings).total_seconds()),
            "coalesce": True,
        },
    )
    return True


async def on_startup(application: Application) -> None:
    """Jobs are not persisted: re-create them from the database, then catch up once."""
    queue = application.job_queue
    if queue is None:
        log.warning("no JobQueue: digests are not scheduled")
        return
    db: Database = _deps(application).db
    settings: Settings = _deps(application).settings
    if settings.digest_chart:
        # fails loudly (FontMissing) when Chinese would draw as empty boxes
        log.info("chart font: %s", await chart_runner.check_font())
    for at_time in await subscriptions.active_times(db):
        ensure_daily_job(application, at_time)
    queue.run_once(_job, when=1, name=CATCH_UP_JOB)
    sweep = timedelta(minutes=settings.digest_sweep_minutes)
    queue.run_repeating(_job, interval=sweep, first=sweep, name=SWEEP_JOB)


# -- outside the bot: `liaisonbot digest --send` ---------------------------------------------------


def cli_bot(settings: Settings, request: BaseRequest | None = None) -> ExtBot:
    assert settings.token is not None
    return ExtBot(
        settings.token.get_secret_value(),
        base_url=settings.api_base,
        base_file_url=settings.file_base,
        request=request,
        rate_limiter=smooth_rate_limiter(),
    )


def smooth_rate_limiter(per_second: int = 28) -> AIORateLimiter:
    """One message every 1/per_second s: the default bucket lets a burst of 30 through at once,
    which Telegram's (and the bench stub's) sliding window answers with 429."""
    return AIORateLimiter(overall_max_rate=1, overall_time_period=1 / per_second, max_retries=3)


async def send_now(
    db: Database,
    settings: Settings,
    *,
    bot: Bot | None = None,
    now: datetime | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    concurrency: int = 8,
) -> RunReport:
    """Today's digest, now, to every active subscription that has not had it today."""
    now = now or utcnow()
    bot = bot or cli_bot(settings)
    async with bot:
        subs = await delivery.due(db, now, settings.zone, grace=None)
        return await run_deliveries(
            db,
            settings,
            bot,
            subs,
            now.astimezone(settings.zone).date(),
            now=now,
            sleep=sleep,
            concurrency=concurrency,
        )
