"""Shared fixtures: a fresh database, the real Application over a recording transport, and a
small seeded world (tests/support/world.py: an enterprise, its contact, an officer and the
liaison group)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import Application

from handlers.app import build_application
from handlers.common import Deps
from handlers.reporting.outbox_sender import sender_of
from liaisonbot.config import Settings
from liaisonbot.store import Database
from tests.support.fake_telegram import RecordingRequest
from tests.support.updates import Person, UpdateFactory
from tests.support.world import NOW, Clock, seed_world

# The project's own tests run the sandbox strict: an unknown parameter or field is refused, not
# ignored as Telegram ignores it, so that this bot never relies on a field Telegram drops.
os.environ["LIAISONBOT_SANDBOX_STRICT"] = "1"


@dataclass
class Bot:
    """The application under test and what it needs around it."""

    app: Application  # type: ignore[type-arg]
    db: Database
    request: RecordingRequest
    updates: UpdateFactory
    clock: Clock

    async def send(self, update: Update) -> None:
        """Handle the update, then let the outbox job send what is due (as its next tick would)."""
        await self.app.process_update(update)
        await self.deliver_owed()

    async def deliver_owed(self) -> int:
        return await sender_of(self.app).run_once(self.app.bot, self.app.bot_data["deps"])

    async def say(self, person: Person, text: str, chat_id: int | None = None) -> Update:
        update = self.updates.text(person, text, chat_id)
        await self.send(update)
        return update


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database(tmp_path / "test.db").open()
    yield database
    await database.close()


def make_settings(tmp_path: Path) -> Settings:
    return Settings(token="123456:TEST-TOKEN", db=tmp_path / "test.db", lang="zh")


async def start_bot(settings: Settings, db: Database, clock: Clock) -> Bot:
    request = RecordingRequest()
    app = build_application(
        settings,
        db,
        request=request,
        get_updates_request=RecordingRequest(),
        rate_limit=False,
        deps=Deps(db=db, settings=settings, clock=clock),
    )
    await app.initialize()
    return Bot(app=app, db=db, request=request, updates=UpdateFactory(app.bot), clock=clock)


@pytest.fixture
async def bot(tmp_path: Path, db: Database) -> AsyncIterator[Bot]:
    harness = await start_bot(make_settings(tmp_path), db, Clock(NOW))
    yield harness
    await harness.app.shutdown()
    assert not harness.request.violations, harness.request.violations


@pytest.fixture
async def world(db: Database) -> tuple[int, int]:
    return await seed_world(db)
