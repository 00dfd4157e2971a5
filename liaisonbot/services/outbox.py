"""Use cases of the outbox: what is owed and due, and what became of each attempt to send it.

The sending itself is the Telegram side's (handlers/reporting/outbox_sender.py); here each outcome
is recorded in one unit of work, together with what it means for the report (its acknowledgement
time, its card's message id).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from liaisonbot.store import Database, UnitOfWork
from liaisonbot.store.outbox import Final, OutboxRepository, Owed, OwedMessage

# After this many failed attempts a message is given up (state 'failed') and shown to the admin.
MAX_ATTEMPTS = 10
MAX_BACKOFF = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s … at most five minutes between attempts."""
    return min(timedelta(seconds=2 ** max(1, attempts + 1)), MAX_BACKOFF)


async def due(db: Database, now: datetime, limit: int = 200) -> list[OwedMessage]:
    return await OutboxRepository(db.conn).due(now, limit)


async def pending(db: Database, kind: Owed, report_id: int) -> OwedMessage | None:
    return await OutboxRepository(db.conn).pending(kind, report_id)


async def ack_sent(db: Database, report_id: int, now: datetime) -> None:
    async with UnitOfWork(db) as uow:
        owed = await uow.outbox.pending(Owed.ACK, report_id)
        if owed is not None:
            await uow.outbox.finish(owed.id, Final.SENT, now)
        await uow.reports.record_acknowledged(report_id, now)


async def notice_sent(db: Database, report_id: int, now: datetime) -> None:
    async with UnitOfWork(db) as uow:
        owed = await uow.outbox.pending(Owed.NOTICE, report_id)
        if owed is not None:
            await uow.outbox.finish(owed.id, Final.SENT, now)


async def card_sent(
    db: Database, report_id: int, chat_id: int, message_id: int, now: datetime, *, is_ack: bool
) -> None:
    """The card is in the group; when it is the reply in the chat the report came from, it is
    the acknowledgement too."""
    async with UnitOfWork(db) as uow:
        owed = await uow.outbox.pending(Owed.CARD, report_id)
        if owed is not None:
            await uow.outbox.finish(owed.id, Final.SENT, now)
        await uow.reports.record_card(
            report_id, chat_id, message_id, acked_at=now if is_ack else None
        )


async def summarised(db: Database, owed_ids: list[int], now: datetime) -> None:
    """These cards were listed in one summary message instead of being posted one by one."""
    async with UnitOfWork(db) as uow:
        for owed_id in owed_ids:
            await uow.outbox.finish(owed_id, Final.SUMMARISED, now)


async def card_asked_for(db: Database, report_id: int, now: datetime) -> bool:
    """Someone pressed the report's button under a summary: its card is owed again."""
    async with UnitOfWork(db) as uow:
        return await uow.outbox.owe_again(Owed.CARD, report_id, now)


async def failed_attempt(
    db: Database, owed: OwedMessage, now: datetime, error: str, *, retry_after: float | None = None
) -> bool:
    """Record a failed attempt; True when the message was given up (too many attempts)."""
    async with UnitOfWork(db) as uow:
        if owed.attempts + 1 >= MAX_ATTEMPTS:
            await uow.outbox.finish(owed.id, Final.FAILED, now, error)
            return True
        wait = timedelta(seconds=retry_after) if retry_after else backoff(owed.attempts)
        await uow.outbox.postpone(owed.id, now + wait, error)
        return False


async def give_up(db: Database, owed: OwedMessage, now: datetime, error: str) -> None:
    """Nothing will change by trying again (the group removed the bot, the message is refused)."""
    async with UnitOfWork(db) as uow:
        await uow.outbox.finish(owed.id, Final.FAILED, now, error)


async def drop(db: Database, owed: OwedMessage, now: datetime, reason: str) -> None:
    """Nothing to send any more (the reporter blocked the bot)."""
    async with UnitOfWork(db) as uow:
        await uow.outbox.finish(owed.id, Final.DROPPED, now, reason)


async def recent_group_posts(db: Database, now: datetime) -> list[tuple[int, datetime]]:
    """Messages the outbox posted into groups in the last minute: (group, when)."""
    return await OutboxRepository(db.conn).group_posts_since(now - timedelta(minutes=1))


async def unfinished(db: Database) -> list[OwedMessage]:
    return await OutboxRepository(db.conn).unfinished()


async def counts(db: Database) -> dict[str, int]:
    return await OutboxRepository(db.conn).counts()
