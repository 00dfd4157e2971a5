"""The seeded scene as the page shows it."""

from __future__ import annotations

import pytest

from liaisonbot.sandbox import SandboxClient, running_sandbox
from liaisonbot.sandbox.scene import PEOPLE, seed_world

pytestmark = pytest.mark.e2e


async def test_the_person_picker_shows_each_persons_role() -> None:
    async with running_sandbox(seed=seed_world) as sandbox, SandboxClient(sandbox.base_url) as c:
        users = {u["id"]: u for u in (await c.state())["users"]}
    assert {p.id: users[p.id]["label"] for p in PEOPLE} == {p.id: p.role for p in PEOPLE}
