"""Each digest figure against a direct count in the database on generated data (the 口径 of
liaisonbot/read/digest/definitions.py): counts of reports, not events; 满意率 from each report's
latest answer. The definitions are in the ledger's 说明 sheet and in docs/domain.md."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from liaisonbot.clock import to_db
from liaisonbot.files.ledger import ledger_xlsx
from liaisonbot.read.digest import DigestScope, build_digest
from liaisonbot.read.digest.definitions import FIGURE_DEFINITIONS
from liaisonbot.store import Database
from tests.digest.conftest import DIGEST_NOW, PERIOD, ZONE, generated

DOCS = Path(__file__).parents[2] / "docs" / "domain.md"


async def count(db: Database, sql: str, *params: object) -> int:
    row = await db.fetch_one(sql, (PERIOD.start_db, PERIOD.end_db, *params))
    assert row is not None
    return int(row[0])


async def reports_with(db: Database, *actions: str) -> int:
    marks = ",".join("?" * len(actions))
    return await count(
        db,
        "SELECT COUNT(DISTINCT report_id) FROM report_events"
        f" WHERE at >= ? AND at < ? AND action IN ({marks})",
        *actions,
    )


async def test_each_figure_is_a_direct_count_of_reports(db: Database) -> None:
    await generated(db, reports=3000, per_day=300, seed=11)
    digest = await build_digest(db, DigestScope(), PERIOD, now=DIGEST_NOW, zone=ZONE)
    total = digest.total
    events = await count(
        db, "SELECT COUNT(*) FROM report_events WHERE at >= ? AND at < ? AND action = 'resolve'"
    )
    assert events > total.resolved, "the generated day has a report resolved twice"

    assert total.new == await count(
        db, "SELECT COUNT(*) FROM reports WHERE created_at >= ? AND created_at < ?"
    )
    assert total.accepted == await reports_with(db, "accept")
    assert total.resolved == await reports_with(db, "resolve")
    assert total.closed == await reports_with(db, "confirm", "auto_close")
    assert total.reopened == await reports_with(db, "reopen")
    assert total.escalated == await reports_with(db, "escalate")

    # each report's latest answer in the period
    latest = await db.fetch_all(
        "SELECT action, note FROM report_events ev WHERE id = (SELECT MAX(id) FROM report_events x"
        " WHERE x.report_id = ev.report_id AND x.at >= ? AND x.at < ?"
        " AND x.action IN ('confirm', 'reopen', 'auto_close'))",
        (PERIOD.start_db, PERIOD.end_db),
    )
    answers = {"SATISFIED": 0, "BASIC": 0, "UNSATISFIED": 0, "TIMEOUT": 0}
    for r in latest:
        answers[
            "UNSATISFIED"
            if r["action"] == "reopen"
            else "TIMEOUT"
            if r["action"] == "auto_close"
            else r["note"]
        ] += 1
    assert total.satisfaction == answers
    answered = answers["SATISFIED"] + answers["BASIC"] + answers["UNSATISFIED"]
    assert total.satisfaction_rate == pytest.approx(
        (answers["SATISFIED"] + answers["BASIC"]) / answered
    )

    working = "('submitted', 'accepted', 'in_progress', 'need_info', 'escalated')"
    open_now = await db.fetch_one(f"SELECT COUNT(*) FROM reports WHERE state IN {working}")
    assert open_now is not None and total.open == open_now[0]
    waiting = await db.fetch_one("SELECT COUNT(*) FROM reports WHERE state = 'resolved'")
    assert waiting is not None and total.awaiting_confirmation == waiting[0]


async def test_one_report_resolved_and_rated_twice_counts_once(db: Database) -> None:
    """The issue's case: 不满意 then 满意 on one day is one 办结 and 满意率 100 %."""
    await generated(db, reports=300, per_day=30, seed=2)
    row = await db.fetch_one("SELECT id FROM reports WHERE state = 'in_progress' LIMIT 1")
    assert row is not None
    report = row["id"]
    await db.write(
        "DELETE FROM report_events WHERE at >= ? AND at < ?", (PERIOD.start_db, PERIOD.end_db)
    )
    start = PERIOD.start + timedelta(hours=2)
    steps = [
        ("resolve", "in_progress", "resolved", "[SOLVED] 已解决"),
        ("reopen", "resolved", "in_progress", "仍未解决"),
        ("resolve", "in_progress", "resolved", "[SOLVED] 再次解决"),
        ("confirm", "resolved", "closed", "SATISFIED"),
    ]
    for n, (action, before, after, note) in enumerate(steps):
        await db.write(
            "INSERT INTO report_events (report_id, actor_id, at, action, from_state, to_state,"
            " note) VALUES (?, 6001, ?, ?, ?, ?, ?)",
            (report, to_db(start + timedelta(minutes=10 * n)), action, before, after, note),
        )
    digest = await build_digest(db, DigestScope(), PERIOD, now=DIGEST_NOW, zone=ZONE)
    assert (digest.total.resolved, digest.total.reopened, digest.total.closed) == (1, 1, 1)
    assert digest.total.satisfaction["SATISFIED"] == 1
    assert digest.total.satisfaction["UNSATISFIED"] == 0
    assert digest.total.satisfaction_rate == 1.0


async def test_the_definitions_are_in_the_ledger_and_the_docs(db: Database) -> None:
    await generated(db, reports=300, per_day=30, seed=2)
    digest = await build_digest(db, DigestScope(), PERIOD, now=DIGEST_NOW, zone=ZONE)
    book = openpyxl.load_workbook(io.BytesIO(await ledger_xlsx(db, digest, ZONE)))
    notes = [tuple(r) for r in book["说明"].iter_rows(min_row=2, values_only=True)]
    assert notes == list(FIGURE_DEFINITIONS)
    summary = book["汇总"]
    rate = next(c for c in summary[2] if summary.cell(1, c.column).value == "办结率")
    assert isinstance(rate.value, float) and rate.number_format == "0%"
    docs = DOCS.read_text(encoding="utf-8").split("## Digest figures", 1)[1]
    for figure, _ in FIGURE_DEFINITIONS:
        assert f"| {figure} |" in docs, figure
