"""Shared fixtures: a fresh database, the real Application over a recording transport, and a
small seeded world (an enterprise, its contact, an officer and the liaison group)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import Application

from handlers.app import build_application
from handlers.common import Deps
from liaisonbot.config import Settings
from liaisonbot.domain.models import Enterprise, LiaisonGroup, RoleGrant
from liaisonbot.domain.vocabulary import Role, Tier
from liaisonbot.services import people
from liaisonbot.store import Database, UnitOfWork
from tests.support.fake_telegram import RecordingRequest
from tests.support.updates import Person, UpdateFactory

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai

CONTACT = Person(5001, "王经理", "wang_mgr")
OFFICER = Person(6001, "李联络员", "li_officer")
STRANGER = Person(9001, "路人")
GROUP_ID = -1001234567890
LEADING = Enterprise(
    credit_code="91110108551385082Q",
    name="京北汽车股份有限公司",
    region_code="110108",
    chain="汽车",
    tier=Tier.LEADING,
)
SUPPLIER = Enterprise(
    credit_code="91350100M000100Y43",
    name="闽江精密部件有限公司",
    region_code="350100",
    chain="汽车",
    tier=Tier.CORE_SUPPLIER,
)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Bot:
    """The application under test and what it needs around it."""

    app: Application  # type: ignore[type-arg]
    db: Database
    request: RecordingRequest
    updates: UpdateFactory
    clock: Clock

    async def send(self, update: Update) -> None:
        await self.app.process_update(update)

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


async def seed_world(db: Database) -> tuple[int, int]:
    """Two enterprises, the supplier's contact, an officer for Fujian and the Fuzhou group."""
    async with UnitOfWork(db) as uow:
        leading, _ = await uow.enterprises.upsert(LEADING, NOW)
        supplier, _ = await uow.enterprises.upsert(
            SUPPLIER.model_copy(update={"liaison_officer_id": OFFICER.id}), NOW
        )
        assert leading.id and supplier.id
        await uow.enterprises.link(supplier.id, leading.id)
    await people.bind_contact(db, SUPPLIER.credit_code, CONTACT.id, NOW)
    await people.grant_role(
        db, RoleGrant(user_id=OFFICER.id, role=Role.OFFICER, region_prefix="35"), NOW
    )
    await people.bind_group(
        db,
        LiaisonGroup(
            chat_id=GROUP_ID, title="福州汽车产业链联络群", region_prefix="3501", chain="汽车"
        ),
        NOW,
    )
    return leading.id, supplier.id


@pytest.fixture
async def world(db: Database) -> tuple[int, int]:
    return await seed_world(db)
