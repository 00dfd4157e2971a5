"""Every event kind (workflow Action and Activity), with the notes the log keeps in codes, is
rendered into the digest text, the digest's ledger and the export (.xlsx and .csv) in words: no
category code, no English event name or vocabulary code, no bare user id where a name is known."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from handlers.digest.render import render_digest
from liaisonbot.clock import to_db
from liaisonbot.domain.workflow import Action, Activity
from liaisonbot.files.ledger import export_ledger, ledger_xlsx
from liaisonbot.i18n import template
from liaisonbot.read.digest import DigestScope, build_digest
from liaisonbot.read.event_words import action_words, note_words
from liaisonbot.store import Database
from tests.digest.conftest import DIGEST_NOW, PERIOD, ZONE, generated

# Notes as the services store them (liaisonbot/services/triage, services/enterprises.py).
CODED_NOTES = {
    "accept": "HIGH CROSS_REGION",
    "recategorize": "LAB → CTL",
    "confirm": "SATISFIED",
    "auto_close": "TIMEOUT",
    "take": "6001",
    "assign": "6002",
    "extend": "+3 等待检测报告",
    "blocked_by": "海峡橡胶制品有限公司 91350104MA33EF6GXX",
    "assist_request": "440300",
    "assist_accept": "440300",
    "assist_done": "440300",
    "assist_note": "440300 已联系当地物流企业",
    "units": "市工信局；市交通局、市商务局",
    "resolve": "[PARTLY] 已协调部分货源 | 稳岗补贴",
    "link": "#1",
    "merge": "#1",
}
KINDS = [a.value for a in Action] + [a.value for a in Activity] + ["blocked_by"]
ENGLISH_KINDS = r"\b(?:" + "|".join(KINDS) + r")\b"
CODES = re.compile(
    r"\b[A-Z]{3}\b|SATISFIED|TIMEOUT|CROSS_REGION|HIGH|URGENT|NORMAL|PARTLY|SOLVED|" + ENGLISH_KINDS
)
USER_TEXT = {"企业名称", "问题标题", "问题描述", "诉求", "影响", "统一社会信用代码", "编号", "序号"}


def test_every_event_kind_has_words_in_both_languages() -> None:
    for kind in KINDS:
        zh = action_words(kind, "zh")
        assert not re.search(r"[A-Za-z]", zh), (kind, zh)
        assert template("en", f"action.{kind}") is not None, kind
    for kind, note in CODED_NOTES.items():
        worded = note_words(kind, note, "zh", {6001: "联络员1号", 6002: "联络员2号"})
        assert not CODES.search(worded.replace("91350104MA33EF6GXX", "")), (kind, worded)
        assert worded not in ("6001", "6002")


async def every_kind_on_one_report(db: Database) -> int:
    await generated(db, reports=300, per_day=30, seed=4)
    row = await db.fetch_one("SELECT id FROM reports WHERE state = 'in_progress' LIMIT 1")
    assert row is not None
    at = PERIOD.start + timedelta(hours=1)
    for n, kind in enumerate(KINDS):
        await db.write(
            "INSERT INTO report_events (report_id, actor_id, at, action, from_state, to_state,"
            " note) VALUES (?, 6001, ?, ?, 'in_progress', 'in_progress', ?)",
            (row["id"], to_db(at + timedelta(minutes=n)), kind, CODED_NOTES.get(kind, "进展说明")),
        )
    # the latest note names a person by id: 最新进展 must name them
    await db.write(
        "INSERT INTO report_events (report_id, actor_id, at, action, from_state, to_state, note)"
        " VALUES (?, 6001, ?, 'assign', 'in_progress', 'in_progress', '6002')",
        (row["id"], to_db(at + timedelta(hours=2))),
    )
    return int(row["id"])


def scan(rows: list[dict[str, Any]], where: str) -> None:
    for row in rows:
        for header, value in row.items():
            if header in USER_TEXT or not isinstance(value, str):
                continue
            text = value.replace("91350104MA33EF6GXX", "")
            assert not CODES.search(text), (where, header, value)
            assert text not in ("6001", "6002"), (where, header, value)


def sheets_of(book: Any) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for ws in book.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        out[ws.title] = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    return out


async def test_the_digest_and_its_ledger_speak_in_words(db: Database) -> None:
    report = await every_kind_on_one_report(db)
    digest = await build_digest(db, DigestScope(), PERIOD, now=DIGEST_NOW, zone=ZONE)
    book = openpyxl.load_workbook(io.BytesIO(await ledger_xlsx(db, digest, ZONE)))
    sheets = sheets_of(book)
    for name, rows in sheets.items():
        scan(rows, name)
    mine = next(r for r in sheets["问题台账"] if r["编号"] == report)
    assert mine["最新进展"] == "联络员2号"
    for lang in ("zh", "en"):
        text = render_digest(digest, lang, ZONE, "LiaisonTestBot")
        plain = re.sub(r"<[^>]+>", "", text)
        assert not re.search(r"\b[A-Z]{3}\b", plain), lang


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
async def test_the_export_speaks_in_words(db: Database, tmp_path: Path, suffix: str) -> None:
    report = await every_kind_on_one_report(db)
    paths = await export_ledger(db, tmp_path / f"ledger{suffix}", tz=ZONE, now=DIGEST_NOW)
    tables: dict[str, list[dict[str, Any]]] = {}
    if suffix == ".xlsx":
        tables = sheets_of(openpyxl.load_workbook(paths[0]))
    else:
        for path in paths:
            with path.open(encoding="utf-8-sig") as handle:
                tables[path.name] = list(csv.DictReader(handle))
    for name, rows in tables.items():
        scan(rows, name)
    ledger = next(iter(tables.values()))
    mine = next(r for r in ledger if str(r["编号"]) == str(report))
    assert mine["最新进展"] == "联络员2号"
