"""Policy fixtures: the triage world with the starter library imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaisonbot.services.policy_import import import_policies
from liaisonbot.store import Database
from tests.support.world import NOW
from tests.triage.helpers import seed_triage

STARTER = Path(__file__).resolve().parents[2] / "liaisonbot" / "data" / "policies_starter.yaml"


@pytest.fixture
async def policy_world(db: Database, world: tuple[int, int]) -> tuple[int, int]:
    await seed_triage(db)
    result = await import_policies(db, STARTER, now=NOW)
    assert result.applied
    return world
