"""Fixtures for the enterprise list tests: a database on disk and writers of list files."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from liaisonbot.files.list_headers import ZH_HEADERS
from liaisonbot.store import Database

# Real enterprises' public credit codes (checked as docs/domain.md#enterprise-lists says) and one
# with a wrong check character.
LEADING_CODE = "91110108551385082Q"  # region 110108 (北京市海淀区)
SUPPLIER_CODE = "91110000600037341L"
INSTITUTION_CODE = "12100000400000624D"
FUZHOU_CODE = "91350100M000100Y43"
BAD_CODE = "91350100M000100Y4Z"

NOW = datetime(2020, 3, 2, 1, 0, tzinfo=UTC)
LATER = datetime(2020, 3, 9, 1, 0, tzinfo=UTC)

HEADER = list(ZH_HEADERS)


def good_rows() -> list[list[Any]]:
    """Four real enterprises: one leading, three linked to it (one downstream)."""
    return [
        ["北京龙头科技有限公司", LEADING_CODE, "110108", "汽车", "龙头", "", "", "否", "大型",
         "1001", "2001"],
        ["北京配套零部件有限公司", SUPPLIER_CODE, "110000", "汽车", "核心配套", LEADING_CODE,
         "上游", "是", "中型", "1001", "2002；2003"],
        ["某事业单位", INSTITUTION_CODE, "11", "汽车", "其他", LEADING_CODE, "下游", "", "",
         "1002", ""],
        ["福州配套有限公司", FUZHOU_CODE, "350100", "汽车", "核心配套", LEADING_CODE, "", "是",
         "小型", "1003", ""],
    ]  # fmt: skip


def write_csv(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    encoding: str = "utf-8-sig",
    header: Sequence[str] = HEADER,
    delimiter: str = ",",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    header: Sequence[str] = HEADER,
    title_rows: Sequence[Sequence[Any]] = (),
    sheet: str = "名单",
) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in title_rows:
        ws.append(list(row))
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database(tmp_path / "t.db").open()
    try:
        yield database
    finally:
        await database.close()


async def table(db: Database, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in await db.fetch_all(sql, params)]


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Everything an import may write (the import log aside)."""
    return {
        name: await table(db, f"SELECT * FROM {name} ORDER BY 1, 2")
        for name in ("enterprises", "enterprise_links", "contacts", "roles", "enterprise_changes")
    }


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every list test applies (and undoes) in many short transactions, as a big list does."""
    from liaisonbot.services.enterprise_import import apply
    from liaisonbot.store import import_undo

    monkeypatch.setattr(apply, "BATCH_ROWS", 2)
    monkeypatch.setattr(apply, "PAUSE_MIN_S", 0.0)
    monkeypatch.setattr(import_undo, "UNDO_BATCH", 3)
    monkeypatch.setattr(import_undo, "CHANGES_BATCH", 2)
    monkeypatch.setattr(import_undo, "PAUSE_S", 0.0)
