"""Triage fixtures: the shared harness and the triage world."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from handlers.app import build_application
from handlers.common import Deps
from liaisonbot.store import Database
from tests.conftest import NOW, Bot, Clock, make_settings
from tests.support.fake_telegram import RecordingRequest
from tests.support.updates import UpdateFactory
from tests.triage.helpers import seed_triage


async def start_triage_bot(tmp_path: Path, db: Database, clock: Clock) -> Bot:
    settings = make_settings(tmp_path)
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
    harness = await start_triage_bot(tmp_path, db, Clock(NOW))
    yield harness
    await harness.app.shutdown()


@pytest.fixture
async def triage_world(db: Database, world: tuple[int, int]) -> tuple[int, int]:
    await seed_triage(db)
    return world
