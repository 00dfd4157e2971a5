"""Triage fixtures: the shared harness (`bot`, from tests/conftest.py) and the triage world."""

from __future__ import annotations

import pytest

from liaisonbot.store import Database
from tests.triage.helpers import seed_triage


@pytest.fixture
async def triage_world(db: Database, world: tuple[int, int]) -> tuple[int, int]:
    await seed_triage(db)
    return world
