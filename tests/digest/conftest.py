"""Generated ledgers (tests/support/digest_data.py: deterministic for a seed) and officials."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from liaisonbot.domain.models import LiaisonGroup, RoleGrant
from liaisonbot.domain.vocabulary import Role
from liaisonbot.read.digest import DigestScope, digest_period
from liaisonbot.services import people, subscriptions
from liaisonbot.store import Database
from tests.support.digest_data import generate
from tests.support.updates import Person

ZONE = ZoneInfo("Asia/Shanghai")
DIGEST_NOW = datetime(2026, 11, 26, 8, 30, tzinfo=ZONE).astimezone(UTC)  # a Thursday
DAY = DIGEST_NOW.astimezone(ZONE).date()
PERIOD = digest_period(DAY, ZONE)
OFFICIAL_GD = Person(7001, "广东负责同志", "gd_official")
OFFICIAL_SZ_AUTO = Person(7002, "深圳汽车专班", "sz_auto")
OFFICIAL_FJ = Person(7003, "福建负责同志", "fj_official")
ADMIN = Person(7009, "管理员", "admin")
ESCALATION_GROUP = -1009999


async def generated(db: Database, *, reports: int = 900, per_day: int = 45, seed: int = 7) -> None:
    generate(
        Path(db.path), reports=reports, enterprises=120, per_day=per_day, now=DIGEST_NOW, seed=seed
    )


@pytest.fixture
async def ledger_db(db: Database) -> Database:
    await generated(db)
    return db


async def grant_officials(db: Database) -> None:
    before = DIGEST_NOW - timedelta(days=30)
    for grant in (
        RoleGrant(user_id=OFFICIAL_GD.id, role=Role.OFFICIAL, region_prefix="44"),
        RoleGrant(
            user_id=OFFICIAL_SZ_AUTO.id, role=Role.OFFICIAL, region_prefix="4403", chain="汽车"
        ),
        RoleGrant(user_id=OFFICIAL_FJ.id, role=Role.OFFICIAL, region_prefix="35"),
        RoleGrant(user_id=ADMIN.id, role=Role.ADMIN),
    ):
        await people.grant_role(db, grant, before)
    await people.bind_group(
        db, LiaisonGroup(chat_id=ESCALATION_GROUP, title="专班", is_escalation=True), before
    )


async def subscribe_three(db: Database) -> list[subscriptions.Subscription]:
    """The three officials, each in their own chat, subscribed a day before at 08:30."""
    await grant_officials(db)
    before = DIGEST_NOW - timedelta(days=1)
    return [
        await subscriptions.subscribe(
            db, chat_id=OFFICIAL_GD.id, owner_id=OFFICIAL_GD.id, scope=DigestScope("44"), now=before
        ),
        await subscriptions.subscribe(
            db,
            chat_id=OFFICIAL_SZ_AUTO.id,
            owner_id=OFFICIAL_SZ_AUTO.id,
            scope=DigestScope("4403", ("汽车",)),
            now=before,
        ),
        await subscriptions.subscribe(
            db, chat_id=OFFICIAL_FJ.id, owner_id=OFFICIAL_FJ.id, scope=DigestScope("35"), now=before
        ),
    ]
