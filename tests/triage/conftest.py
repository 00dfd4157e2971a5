"""Triage fixtures: the shared `bot` over a transport that, like Telegram, returns only inline
keyboards in sent messages (a ForceReply markup is not echoed back), and the triage world."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from handlers.app import build_application
from handlers.common import Deps
from liaisonbot.store import Database
from tests.conftest import NOW, Bot, Clock, make_settings
from tests.support.fake_telegram import RecordingRequest
from tests.support.updates import UpdateFactory
from tests.triage.helpers import seed_triage


class TelegramLikeRequest(RecordingRequest):
    def _message(self, params: dict[str, Any], message_id: int) -> dict[str, Any]:
        message = super()._message(params, message_id)
        if "inline_keyboard" not in (message.get("reply_markup") or {}):
            message.pop("reply_markup", None)
        return message


async def start_triage_bot(tmp_path: Path, db: Database, clock: Clock) -> Bot:
    settings = make_settings(tmp_path)
    request = TelegramLikeRequest()
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
