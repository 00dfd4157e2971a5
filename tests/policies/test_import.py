"""Importing a policy library: validation with row numbers (nothing applied), versions, export
round trip, the starter library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

from liaisonbot.files.policy_writer import write_policies
from liaisonbot.services import policies
from liaisonbot.services.policy_import import import_policies
from liaisonbot.store import Database

NOW = datetime(2020, 3, 2, 2, 0, tzinfo=UTC)
STARTER = Path(__file__).resolve().parents[2] / "liaisonbot" / "data" / "policies_starter.yaml"


def csv_file(tmp_path: Path, text: str, name: str = "p.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def count(db: Database, table: str) -> int:
    row = await db.fetch_one(f"SELECT count(*) AS n FROM {table}")
    assert row is not None
    return int(row["n"])


async def test_bad_rows_are_named_and_nothing_is_applied(db: Database, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "政策名称,适用困难类别,失效日期\n"
        "稳岗返还,用工返岗,2020-12-31\n"
        "贷款贴息,不存在的类别,2020-12-31\n"
        ",资金融资,2020-12-31\n"
        "缓缴公积金,FIN,2020年13月1日\n",
    )
    result = await import_policies(db, path, now=NOW)
    assert not result.applied
    lines = [p.line("zh") for p in result.problems]
    assert [p.row for p in result.problems] == [3, 4, 5]
    assert "不存在的类别" in lines[0] and "第 3 行" in lines[0]
    assert "政策名称" in lines[1]
    assert "2020年13月1日" in lines[2]
    assert "row 3" in result.problems[0].line("en")
    assert await count(db, "policies") == 0
    assert await count(db, "policy_versions") == 0


async def test_english_headers_and_xlsx(db: Database, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Policy library"])  # a title row above the header
    sheet.append(["title", "categories", "benefit", "valid_to", "sizes"])
    sheet.append(["Loan deferral", "FIN, Labour", "deferral", datetime(2020, 6, 30), "小型/微型"])
    path = tmp_path / "p.xlsx"
    workbook.save(path)
    result = await import_policies(db, path, now=NOW)
    assert result.applied, [p.line("en") for p in result.problems]
    [v] = await policies.library(db)
    assert v.content.valid_to is not None and v.content.valid_to.isoformat() == "2020-06-30"
    assert [c.value for c in v.content.categories] == ["FIN", "LAB"]
    assert v.content.criteria.sizes == ("小型", "微型")


async def test_a_change_makes_a_new_version(db: Database, tmp_path: Path) -> None:
    first = csv_file(tmp_path, "政策编号,政策名称,失效日期\nP1,稳岗返还,2020-06-30\n")
    await import_policies(db, first, now=NOW)
    [v1] = await policies.library(db)
    again = await import_policies(db, first, now=NOW)
    assert again.unchanged == 1 and not again.new_version_ids
    changed = csv_file(tmp_path, "政策编号,政策名称,失效日期\nP1,稳岗返还,2020-12-31\n", "b.csv")
    result = await import_policies(db, changed, now=NOW + timedelta(days=1))
    assert result.changed == ["稳岗返还"]
    [v2] = await policies.library(db)
    assert (v1.version, v2.version) == (1, 2) and v2.policy_id == v1.policy_id
    old = await policies.version(db, v1.id)
    assert old is not None and not old.current
    assert old.content.valid_to is not None and old.content.valid_to.month == 6


async def test_starter_library_and_export_round_trip(db: Database, tmp_path: Path) -> None:
    result = await import_policies(db, STARTER, now=NOW)
    assert result.applied and len(result.created) == 7, [p.line() for p in result.problems]
    titles = {v.content.title for v in await policies.library(db)}
    assert "失业保险稳岗返还" in titles and "防疫物资保障" in titles
    for suffix in (".xlsx", ".csv", ".yaml"):
        out = write_policies(tmp_path / f"export{suffix}", await policies.library(db))
        again = await import_policies(db, out, now=NOW)
        assert again.ok and again.unchanged == 7, (suffix, [p.line() for p in again.problems])


async def test_formula_cells_stay_text(db: Database, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "政策名称,申报条件\n=HYPERLINK(1),=1+1\n")
    assert (await import_policies(db, path, now=NOW)).applied
    out = write_policies(tmp_path / "out.csv", await policies.library(db))
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8-sig")
