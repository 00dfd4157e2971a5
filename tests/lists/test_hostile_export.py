"""The nastiest stored texts written to every file the bot hands out: each file opens, no cell is
a formula, no CSV cell starts with a character a spreadsheet reads as a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.files.enterprise_workbook import export_enterprises
from liaisonbot.files.ledger import export_ledger, ledger_xlsx
from liaisonbot.read.digest import DigestScope, build_digest
from liaisonbot.read.digest.scope import digest_period
from liaisonbot.store import Database
from tests.lists.conftest import LEADING_CODE, SUPPLIER_CODE
from tests.lists.test_export import add_report, imported

ZONE = ZoneInfo("Asia/Shanghai")
FORMULA = '=HYPERLINK("http://x.example","点我")'
NASTY_NAME = "+cmd|' /C calc'!A0\x01企业"
NASTY_NOTE = "@SUM(1+1)\x0b已联系"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


async def nasty_world(db: Database, tmp_path: Path) -> None:
    await imported(db, tmp_path)
    created = datetime(2020, 3, 1, 3, 0, tzinfo=UTC)
    report = await add_report(
        db, SUPPLIER_CODE, "title", created, state=ReportState.ACCEPTED, assignee=1001
    )
    await add_report(db, LEADING_CODE, "other", created, state=ReportState.SUBMITTED)
    # Stored before any input rule existed, or written straight into the database.
    await db.conn.execute(
        "UPDATE reports SET title = ?, description = ?, ask = ? WHERE id = ?",
        (FORMULA, "-2+3\x00", "#N/A", report),
    )
    await db.conn.execute(
        "UPDATE enterprises SET name = ? WHERE credit_code = ?", (NASTY_NAME, SUPPLIER_CODE)
    )
    await db.conn.execute(
        "UPDATE report_events SET note = ? WHERE report_id = ? AND action = 'accept'",
        (NASTY_NOTE, report),
    )
    await db.conn.commit()


def xlsx_texts(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def csv_texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        cells = [c for row in csv.reader(f) for c in row]
    for cell in cells:
        assert not cell.startswith(FORMULA_START), (path.name, cell)
    return cells


def assert_shown(texts: list[str]) -> None:
    joined = "\n".join(texts)
    assert "\x01" not in joined and "\x00" not in joined and "\x0b" not in joined
    assert any("HYPERLINK" in t for t in texts)
    assert any(t.endswith("calc'!A0企业") for t in texts)


async def test_every_export_holds_the_nastiest_texts_as_text(db: Database, tmp_path: Path) -> None:
    await nasty_world(db, tmp_path)

    # The digest's ledger (sent in chat).
    period = digest_period(date(2020, 3, 2), ZONE)
    digest = await build_digest(
        db, DigestScope(), period, now=datetime(2020, 3, 2, tzinfo=UTC), zone=ZONE
    )
    assert digest.rows
    texts = xlsx_texts(await ledger_xlsx(db, digest, ZONE))
    assert_shown(texts)
    assert FORMULA in texts  # kept as the user typed it, shown as text

    # `export ledger` and `export enterprises`, .xlsx and .csv.
    for suffix in (".xlsx", ".csv"):
        ledger = await export_ledger(db, tmp_path / f"ledger{suffix}")
        enterprises = await export_enterprises(db, tmp_path / f"enterprises{suffix}")
        for paths in (ledger, enterprises):
            if suffix == ".xlsx":
                texts = xlsx_texts(paths[0].read_bytes())
            else:
                texts = [t for p in paths for t in csv_texts(p)]
            if paths is ledger:
                assert_shown(texts)
                assert any("SUM(1+1)已联系" in t for t in texts)
            else:
                assert any(t.endswith("calc'!A0企业") for t in texts)
    assert "'" + FORMULA in csv_texts(tmp_path / "ledger.csv")
