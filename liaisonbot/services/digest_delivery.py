"""Delivering the daily digest exactly once per subscription and day.

The delivery log (`digest_deliveries`, unique on subscription and digest day) is written as each
part of a digest is sent: a claim (`sending`) before anything goes, `message_sent` when the text
went, `sent` when the ledger did; the picture (a chart, when there is one) goes between the text
and the ledger and is recorded in `chart_sent_at`, so a rerun never sends a picture without its
text nor the text or the picture twice. A later run (a second `digest --send`, the bot's catch-up
after a restart, the periodic sweep) skips what is `sent` or `skipped`, sends only what is left
where the text went already, and leaves alone a fresh claim of another process. A claim older than
`STALE_CLAIM` is taken over: its process died between claiming and sending.

Transport-free: the caller supplies `Sender` (Telegram: handlers/digest_jobs.py) and `Renderer`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from liaisonbot.read.digest.model import Digest
from liaisonbot.read.digest.queries import build_digest
from liaisonbot.read.digest.scope import DigestScope, Period, digest_period, is_digest_working_day
from liaisonbot.services import subscriptions
from liaisonbot.services.subscriptions import Subscription
from liaisonbot.store import Database, UnitOfWork
from liaisonbot.store.deliveries import DeliveryRepository
from liaisonbot.store.process import is_gone, this_process

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=5)
DEFAULT_GRACE = timedelta(hours=6)


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # empty or non-working day, as the subscription asked
    ALREADY = "already"  # sent (or skipped) before
    BUSY = "busy"  # another running process is sending it right now
    BLOCKED = "blocked"  # the chat cannot be reached; the subscription is now inactive
    FAILED = "failed"  # a transient error outlasted the retries; the next run tries again


class Unreachable(Exception):
    """The chat will not take messages (the user blocked the bot, the bot left the group)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ChatMoved(Exception):
    """The group became a supergroup with a new id."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(new_chat_id)
        self.new_chat_id = new_chat_id


class Sender(Protocol):
    async def send_text(self, chat_id: int, text: str) -> int:
        """Send an HTML message; its message id. Raises Unreachable, ChatMoved or any error
        once its own retries are spent."""
        ...

    async def send_document(
        self, chat_id: int, filename: str, data: bytes, caption: str
    ) -> None: ...

    async def send_photo(self, chat_id: int, data: bytes, caption: str) -> None:
        """Send a PNG with its caption (≤ 1,024 characters)."""
        ...


@dataclass(frozen=True)
class Rendered:
    text: str
    attachment: tuple[str, bytes] | None = None  # (file name, .xlsx bytes)
    caption: str = ""
    picture: tuple[bytes, str] | None = None  # (PNG, caption), sent between text and ledger


# (subscription, digest) -> what to send; the caller renders in the subscriber's language.
Renderer = Callable[[Subscription, Digest], Awaitable[Rendered]]


@dataclass
class RunReport:
    outcomes: dict[int, Outcome] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for o in self.outcomes.values() if o is outcome)


# -- the log -------------------------------------------------------------------------------------


async def claim(db: Database, subscription_id: int, day: date, now: datetime) -> str | None:
    """Claim the day's delivery: 'sending' (send it all), 'message_sent' (send the ledger only),
    or None (done already, or another process holds a fresh claim)."""
    async with UnitOfWork(db) as uow:
        return await uow.deliveries.claim(
            subscription_id, day, now, now - STALE_CLAIM, this_process()
        )


async def take_over_dead_claims(db: Database, day: date) -> int:
    """Claims held by a process that no longer runs (killed mid-send) are free at once, rather
    than after STALE_CLAIM: a rerun right after a crash sends what the crash left unsent."""
    taken = 0
    async with UnitOfWork(db) as uow:
        for holder in await uow.deliveries.claim_holders(day):
            if holder != this_process() and is_gone(holder):
                taken += await uow.deliveries.expire_claims_of(holder)
    if taken:
        log.info("%d digest claim(s) of a stopped process taken over", taken)
    return taken


async def _not_claimed(db: Database, subscription_id: int, day: date) -> Outcome:
    status = await DeliveryRepository(db.conn).status(subscription_id, day)
    return Outcome.BUSY if status in ("sending", "message_sent") else Outcome.ALREADY


async def mark_message_sent(
    db: Database, subscription_id: int, day: date, message_id: int, now: datetime
) -> None:
    async with db.autocommit() as conn:
        await DeliveryRepository(conn).mark_message_sent(subscription_id, day, message_id, now)


async def mark_done(
    db: Database, subscription_id: int, day: date, now: datetime, status: str = "sent"
) -> None:
    async with db.autocommit() as conn:
        await DeliveryRepository(conn).mark_done(subscription_id, day, now, status)


async def mark_chart_sent(db: Database, subscription_id: int, day: date, now: datetime) -> None:
    async with db.autocommit() as conn:
        await DeliveryRepository(conn).mark_chart_sent(subscription_id, day, now)


async def chart_sent(db: Database, subscription_id: int, day: date) -> bool:
    return await DeliveryRepository(db.conn).chart_sent(subscription_id, day)


async def release(db: Database, subscription_id: int, day: date) -> None:
    """Nothing was sent: forget the claim so that the next run tries again."""
    async with db.autocommit() as conn:
        await DeliveryRepository(conn).release(subscription_id, day)


async def release_part(db: Database, subscription_id: int, day: date) -> None:
    """The text went, the ledger did not: leave it for the next run, unclaimed."""
    async with db.autocommit() as conn:
        await DeliveryRepository(conn).release_part(subscription_id, day)


async def delivered(db: Database, day: date) -> dict[int, str]:
    return await DeliveryRepository(db.conn).delivered(day)


# -- what is due ---------------------------------------------------------------------------------


def scheduled_at(sub: Subscription, day: date, zone: ZoneInfo) -> datetime:
    hour, minute = sub.hour_minute
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


async def due(
    db: Database,
    now: datetime,
    zone: ZoneInfo,
    *,
    grace: timedelta | None = DEFAULT_GRACE,
    at_time: str | None = None,
) -> list[Subscription]:
    """Active subscriptions whose digest for today is due and not yet done. With `grace`, only
    those whose time passed at most `grace` ago (a bot that was down sends the missed digest
    once, within the grace period); with None, every one not yet sent today (`digest --send`).
    Subscriptions made after today's time start tomorrow."""
    today = now.astimezone(zone).date()
    done = await delivered(db, today)
    out = []
    for sub in await subscriptions.active(db, at_time):
        if done.get(sub.id) in ("sent", "skipped"):
            continue
        moment = scheduled_at(sub, today, zone)
        if grace is not None:
            if now < moment or now - moment > grace:
                continue
            if sub.created_at is not None and sub.created_at > moment:
                continue
        out.append(sub)
    return out


def period_for(sub: Subscription, day: date, zone: ZoneInfo) -> Period:
    return digest_period(day, zone, since_last_working_day=sub.skip_non_working)


class DigestCache:
    """Digests by scope and period, built once per run however many subscribe to them."""

    def __init__(self, db: Database, now: datetime, zone: ZoneInfo) -> None:
        self.db, self.now, self.zone = db, now, zone
        self._digests: dict[tuple[DigestScope, Period], Digest] = {}
        self._locks: dict[tuple[DigestScope, Period], asyncio.Lock] = {}
        self.extra: dict[object, object] = {}  # for the renderer's own caching

    async def get(self, scope: DigestScope, period: Period) -> Digest:
        key = (scope, period)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._digests:
                self._digests[key] = await build_digest(
                    self.db, scope, period, now=self.now, zone=self.zone
                )
            return self._digests[key]


async def digest_for(cache: DigestCache, sub: Subscription, day: date) -> Digest | None:
    """The digest `sub` gets on `day`, or None when the subscription skips this day."""
    if sub.skip_non_working and not is_digest_working_day(day):
        return None
    digest = await cache.get(sub.scope, period_for(sub, day, cache.zone))
    if sub.skip_empty and digest.empty:
        return None
    return digest


# -- sending -------------------------------------------------------------------------------------


async def deliver_one(
    db: Database,
    sub: Subscription,
    day: date,
    *,
    cache: DigestCache,
    render: Renderer,
    sender: Sender,
    clock: Callable[[], datetime],
) -> Outcome:
    status = await claim(db, sub.id, day, clock())
    if status is None:
        return await _not_claimed(db, sub.id, day)
    chat_id = sub.chat_id
    message_id: int | None = None
    try:
        digest = await digest_for(cache, sub, day)
        if digest is None:
            await mark_done(db, sub.id, day, clock(), status="skipped")
            return Outcome.SKIPPED
        rendered = await render(sub, digest)
        if status == "sending":
            try:
                message_id = await sender.send_text(chat_id, rendered.text)
            except ChatMoved as moved:
                await subscriptions.move_chat(db, chat_id, moved.new_chat_id, clock())
                chat_id = moved.new_chat_id
                message_id = await sender.send_text(chat_id, rendered.text)
            if rendered.attachment is None and rendered.picture is None:
                await mark_done(db, sub.id, day, clock())
                return Outcome.SENT
            await mark_message_sent(db, sub.id, day, message_id, clock())
        if rendered.picture is not None and not await chart_sent(db, sub.id, day):
            png, picture_caption = rendered.picture
            await sender.send_photo(chat_id, png, picture_caption)
            await mark_chart_sent(db, sub.id, day, clock())
        if rendered.attachment is not None:
            filename, data = rendered.attachment
            await sender.send_document(chat_id, filename, data, rendered.caption)
        await mark_done(db, sub.id, day, clock())
        return Outcome.SENT
    except Unreachable as exc:
        log.info("subscription %s: chat %s unreachable (%s); deactivated", sub.id, chat_id, exc)
        await subscriptions.deactivate(db, sub.id, exc.reason, clock())
        await release(db, sub.id, day)
        return Outcome.BLOCKED
    except Exception:
        log.warning("subscription %s: digest not delivered; will retry", sub.id, exc_info=True)
        if status == "sending" and message_id is None:
            await release(db, sub.id, day)
        else:
            await release_part(db, sub.id, day)
        return Outcome.FAILED


async def deliver_all(
    db: Database,
    subs: list[Subscription],
    day: date,
    *,
    cache: DigestCache,
    render: Renderer,
    sender: Sender,
    clock: Callable[[], datetime],
    concurrency: int = 8,
) -> RunReport:
    """Deliver to each subscription, a few at a time: one that fails or is blocked holds up no
    other (the rate limiter paces them all)."""
    report = RunReport()
    gate = asyncio.Semaphore(concurrency)
    await take_over_dead_claims(db, day)

    async def one(sub: Subscription) -> None:
        async with gate:
            report.outcomes[sub.id] = await deliver_one(
                db, sub, day, cache=cache, render=render, sender=sender, clock=clock
            )

    await asyncio.gather(*(one(s) for s in subs))
    return report
