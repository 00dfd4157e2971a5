"""The seeded scene as the page shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaisonbot.sandbox import SandboxClient, running_sandbox
from liaisonbot.sandbox.scene import PEOPLE, seed_world
from tests.e2e.conftest import running_e2e

pytestmark = pytest.mark.e2e


async def test_the_person_picker_shows_each_persons_role() -> None:
    async with running_sandbox(seed=seed_world) as sandbox, SandboxClient(sandbox.base_url) as c:
        users = {u["id"]: u for u in (await c.state())["users"]}
    assert {p.id: users[p.id]["label"] for p in PEOPLE} == {p.id: p.role for p in PEOPLE}


async def test_the_demo_reports_are_carded_when_the_bot_starts(tmp_path: Path) -> None:
    async with running_e2e(tmp_path, with_reports=True) as e2e:
        in_progress = await e2e.card_shows(1, "办理中", "上游铸件厂未复工")
        assert "承办人：李联络员" in in_progress["text"]
        await e2e.card_shows(2, "已登记", "外省返岗员工")
        rows = await e2e.db_until(
            "SELECT id FROM reports WHERE card_message_id IS NOT NULL", (), lambda r: len(r) == 2
        )
        assert len(rows) == 2
