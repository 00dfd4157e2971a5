"""Search fixtures: the triage world (officers, an official, an admin) on the shared harness."""

from __future__ import annotations

import pytest

from liaisonbot.store import Database
from tests.triage.helpers import seed_triage


@pytest.fixture
async def triage_world(db: Database, world: tuple[int, int]) -> tuple[int, int]:
    await seed_triage(db)
    return world
