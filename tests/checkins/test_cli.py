"""`liaisonbot checkin --schedule | --dry-run | --status` and `export checkins`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from openpyxl import load_workbook

from liaisonbot.cli import main
from liaisonbot.domain.checkins import Answer, ResumptionStatus
from liaisonbot.services import checkins
from liaisonbot.store import Database
from tests.support.world import NOW, seed_world


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "test.db"
    monkeypatch.setenv("LIAISONBOT_DB", str(path))
    monkeypatch.delenv("LIAISONBOT_TOKEN", raising=False)
    return path


async def _seed(path: Path) -> int:
    async with Database(path) as db:
        _, supplier = await seed_world(db)
        answer = Answer(ResumptionStatus.PARTIAL, 200, 150, 60.0)
        await checkins.record_answer(db, supplier, NOW.date(), answer, recorded_by=None, now=NOW)
        return supplier


def test_schedule_dry_run_status_and_export(
    env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    asyncio.run(_seed(env))
    assert main(["checkin", "--schedule", "weekly:9"]) == 2
    assert main(["checkin", "--schedule", "daily", "--region", "35", "--at", "09:00"]) == 0
    assert "daily at 09:00" in capsys.readouterr().out
    assert main(["checkin", "--dry-run"]) == 0  # 16:00 is not here yet: nobody is asked
    assert main(["checkin", "--status"]) == 0
    out = capsys.readouterr().out
    assert "未复工达产名单" in out and "闽江精密部件有限公司" in out
    file = tmp_path / "ck.xlsx"
    assert main(["export", "checkins", str(file)]) == 0
    sheet = load_workbook(file)["复工填报"]
    rows = list(sheet.values)
    assert rows[0][:3] == ("填报轮次", "企业名称", "统一社会信用代码")
    assert rows[1][1] == "闽江精密部件有限公司" and rows[1][7] == "部分复工"
    assert rows[1][10] == 75.0 and rows[1][0].year == 2026  # a real date
