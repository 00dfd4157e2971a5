"""One-line report filing through the real Application and store on disk, against a bare
python-telegram-bot echo handler in the same run, over the same recording transport.

Target (Report intake): the ratio is at least 0.5, so the bot is never the bottleneck in front of
Telegram's ~30 messages a second.

What bounds it: filing sends two messages (the acknowledgement and the group card), and an echo
handler that sends two messages and stores nothing already runs at about half the plain echo's
rate, which this bench prints as the floor. The report must be committed before it is
acknowledged, and every aiosqlite call is a round trip to its thread (about 0.1 ms here), so the
ratio stays well under that floor; the absolute rate is what the target protects.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from handlers.app import build_application
from handlers.common import Deps
from handlers.update_order import PerChatUpdateProcessor
from liaisonbot.config import Settings
from liaisonbot.services.people import bind_contact
from liaisonbot.store import Database
from tests.support.fake_telegram import RecordingRequest
from tests.support.updates import Person, UpdateFactory
from tests.support.world import CONTACT, NOW, SUPPLIER, Clock, seed_world

UPDATES = 1500
CHATS = 50


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


async def _echo_twice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The floor for filing: two messages (acknowledgement and card), no storage at all."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")
    await update.effective_message.reply_text(update.effective_message.text or "")


def _bare_app(callback: object) -> Application:  # type: ignore[type-arg]
    app = (
        ApplicationBuilder()
        .token("1:BENCH")
        .request(RecordingRequest())
        .get_updates_request(RecordingRequest())
        .concurrent_updates(PerChatUpdateProcessor())  # as the bot, for the concurrent run
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, callback))  # type: ignore[arg-type]
    return app


def _factory(app: Application) -> UpdateFactory:  # type: ignore[type-arg]
    """One per application, so update ids keep growing across runs, as Telegram's do."""
    factory: UpdateFactory = app.bot_data.setdefault("bench_updates", UpdateFactory(app.bot))
    return factory


async def _rate(app: Application, texts: list[str]) -> float:  # type: ignore[type-arg]
    factory = _factory(app)
    updates = [factory.text(CONTACT, text) for text in texts]
    started = time.perf_counter()
    for update in updates:
        await app.process_update(update)
    return len(updates) / (time.perf_counter() - started)


async def _rate_many_chats(
    app: Application,  # type: ignore[type-arg]
    texts: list[str],
    people: list[Person],
) -> float:
    """The same through the update processor, from many contacts at once, as in production."""
    factory = _factory(app)
    updates = [factory.text(people[i % len(people)], text) for i, text in enumerate(texts)]
    processor = app.update_processor
    started = time.perf_counter()
    await asyncio.gather(*(processor.process_update(u, app.process_update(u)) for u in updates))
    return len(updates) / (time.perf_counter() - started)


async def _bind_contacts(db: Database, count: int) -> list[Person]:
    people = [Person(700_000 + i, f"联络人{i}") for i in range(count)]
    for person in people:
        await bind_contact(db, SUPPLIER.credit_code, person.id, NOW)
    return people


async def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(token="1:BENCH", db=Path(tmp) / "bench.db")
        db = await Database(settings.db).open()
        await seed_world(db)
        bot_app = build_application(
            settings,
            db,
            request=RecordingRequest(),
            get_updates_request=RecordingRequest(),
            rate_limit=False,
            deps=Deps(db=db, settings=settings, clock=Clock(NOW)),
        )
        echo_app = _bare_app(_echo)
        floor_app = _bare_app(_echo_twice)
        for app in (bot_app, echo_app, floor_app):
            await app.initialize()
        texts = [f"/report LOG urgent 原材料运不进厂 第{i}批" for i in range(UPDATES)]
        await _rate(echo_app, texts[:100])  # warm up
        await _rate(bot_app, [f"/report OTH warm-up {i}" for i in range(100)])
        echo = await _rate(echo_app, texts)
        floor = await _rate(floor_app, texts)
        bot = await _rate(bot_app, texts)
        people = await _bind_contacts(db, CHATS)
        many_texts = [f"/report LOG 并发 第{i}批" for i in range(UPDATES)]
        echo_many = await _rate_many_chats(echo_app, many_texts, people)
        bot_many = await _rate_many_chats(bot_app, many_texts, people)
        stored = await db.fetch_one("SELECT COUNT(*) FROM reports")
        expected = 100 + 2 * UPDATES
        assert stored is not None and stored[0] == expected, (stored and stored[0], expected)
        for app in (bot_app, echo_app, floor_app):
            await app.shutdown()
        await db.close()
    print(f"   echo handler:           {echo:8.0f} updates/s")
    print(
        f"   echo sending twice:     {floor:8.0f} updates/s (ratio {floor / echo:.2f}: the floor "
        "for any bot that acknowledges and posts a card)"
    )
    print(f"   one-line report filing: {bot:8.0f} updates/s ({UPDATES} stored)")
    print(f"   ratio:                  {bot / echo:8.2f}  (target >= 0.5)")
    print(f"   from {CHATS} chats at once (per-chat ordering, the bot's update processor):")
    print(f"   echo handler:           {echo_many:8.0f} updates/s")
    print(f"   one-line report filing: {bot_many:8.0f} updates/s, ratio {bot_many / echo_many:.2f}")
    print(f"   Telegram's ceiling:           30 messages/s; headroom x{bot / 30:.0f} in one chat")


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
