"""The digest's figures agree with the attached ledger (recounted from the .xlsx), with
`liaisonbot export`, and with the scope; the message fits 4,096 characters and escapes user text."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from handlers.digest.render import MESSAGE_LIMIT, render_digest
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.files.ledger import (
    EVENTS_SHEET,
    LEDGER_SHEET,
    SUMMARY_SHEET,
    export_ledger,
    ledger_xlsx,
)
from liaisonbot.read.digest import DigestScope, build_digest, digest_period
from liaisonbot.read.digest.model import WORKING_STATES, Flags
from liaisonbot.read.digest.scope import is_digest_working_day
from liaisonbot.store import Database
from tests.digest.conftest import DAY, DIGEST_NOW, PERIOD, ZONE, generated


def sheet(book: Any, name: str) -> list[dict[str, Any]]:
    rows = list(book[name].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


async def digest_and_book(db: Database, scope: DigestScope) -> tuple[Any, Any]:
    digest = await build_digest(db, scope, PERIOD, now=DIGEST_NOW, zone=ZONE)
    data = await ledger_xlsx(db, digest, ZONE)
    return digest, openpyxl.load_workbook(io.BytesIO(data))


def local(moment: datetime) -> datetime:
    return moment.astimezone(ZONE).replace(tzinfo=None)


@pytest.mark.parametrize(
    "scope", [DigestScope(), DigestScope("44"), DigestScope("4403", ("汽车",)), DigestScope("35")]
)
async def test_every_figure_agrees_with_the_ledger(ledger_db: Database, scope: DigestScope) -> None:
    digest, book = await digest_and_book(ledger_db, scope)
    rows, events = sheet(book, LEDGER_SHEET), sheet(book, EVENTS_SHEET)
    total = digest.total
    assert rows and events, "the generated day has activity"
    assert len(rows) == len(digest.rows)

    start, end = local(PERIOD.start), local(PERIOD.end)
    assert total.new == sum(1 for r in rows if start <= r["登记时间"] < end)
    states = Counter(r["状态"] for r in rows)
    for state in WORKING_STATES:
        assert digest.by_state.counts[state] == states[state.zh]
    assert total.open == sum(states[s.zh] for s in WORKING_STATES)
    assert total.awaiting_confirmation == states[ReportState.RESOLVED.zh]
    warnings = Counter(r["预警"] for r in rows)
    assert total.due_soon == warnings["临期"]
    assert total.overdue == warnings["超期"] + warnings["督办"]
    assert total.supervise == warnings["督办"]
    assert total.escalated_unacked == sum(1 for r in rows if r["已上报未阅"] == "是")
    assert total.done == states["已办结"] + states["已销号"]
    assert total.counted == len(rows) - states["不予受理"] - states["已合并"]

    # counts of reports, not of events (docs/domain.md#digest-figures)
    def reports_with(*actions: str) -> set[int]:
        return {e["编号"] for e in events if e["操作"] in actions}

    assert total.accepted == len(reports_with("受理"))
    assert total.resolved == len(reports_with("办结"))
    assert total.closed == len(reports_with("企业评价", "到期自动销号"))
    assert total.reopened == len(reports_with("重办"))
    assert total.escalated == len(reports_with("上报"))
    assert all(start <= e["时间"] < end for e in events)

    registered = {r["编号"]: r["登记时间"] for r in rows}
    for action, average, pick in (
        ("受理", total.avg_accept_hours, min),
        ("办结", total.avg_resolve_hours, max),
    ):
        times: dict[int, list[datetime]] = {}
        for e in events:
            if e["操作"] == action:
                times.setdefault(e["编号"], []).append(e["时间"])
        spans = [(pick(ts) - registered[n]).total_seconds() / 3600 for n, ts in times.items()]
        if spans:
            assert average == pytest.approx(sum(spans) / len(spans), abs=0.01)
        else:
            assert average is None
    latest: dict[int, str] = {}
    for e in events:  # in time order: each report's latest answer
        if e["操作"] in ("企业评价", "重办", "到期自动销号"):
            latest[e["编号"]] = "重办" if e["操作"] == "重办" else e["备注"]
    answers = Counter(
        {"满意": "SATISFIED", "基本满意": "BASIC", "重办": "UNSATISFIED"}.get(a, "TIMEOUT")
        for a in latest.values()
    )
    assert total.satisfaction == {k: answers[k] for k in total.satisfaction}

    summary = sheet(book, SUMMARY_SHEET)
    head = summary[0]
    assert head["维度"] == "合计"
    assert (head["新增"], head["受理"], head["办结"], head["销号"], head["在办"], head["超期"]) == (
        total.new,
        total.accepted,
        total.resolved,
        total.closed,
        total.open,
        total.overdue,
    )
    for dimension in ("类别", "地区", "产业链"):
        part = [s for s in summary if s["维度"] == dimension]
        for column in ("新增", "办结", "在办", "超期", "满意", "不满意"):
            assert sum(s[column] for s in part) == head[column], (dimension, column)

    text = render_digest(digest, "zh", ZONE, "LiaisonTestBot")
    assert f"新增 {total.new}｜受理 {total.accepted}｜办结 {total.resolved}" in text
    assert f"在办（截至 {DIGEST_NOW.astimezone(ZONE):%m-%d %H:%M}）{total.open}：" in text
    assert f"超期 {total.overdue}（督办 {total.supervise}）" in text
    assert f"（{total.done}/{total.counted}）" in text


async def test_the_ledger_is_a_proper_sheet(ledger_db: Database) -> None:
    _, book = await digest_and_book(ledger_db, DigestScope("44"))
    ledger = book[LEDGER_SHEET]
    assert ledger.freeze_panes == "A2"
    assert [c.value for c in ledger[1]][:4] == ["序号", "编号", "企业名称", "统一社会信用代码"]
    assert ledger.column_dimensions["C"].width >= 20
    first = ledger[2]
    registered = first[11]
    assert isinstance(registered.value, datetime) and registered.is_date
    timeline = first[[c.value for c in ledger[1]].index("办理经过")]
    assert "→" in str(timeline.value) or timeline.value  # 办理经过: the timeline in brief


async def test_new_items_agree_with_liaisonbot_export(ledger_db: Database, tmp_path: Path) -> None:
    digest = await build_digest(ledger_db, DigestScope("44"), PERIOD, now=DIGEST_NOW, zone=ZONE)
    path = tmp_path / "export.xlsx"
    yesterday = DAY - timedelta(days=1)
    await export_ledger(
        ledger_db, path, region="44", date_from=yesterday, date_to=yesterday, tz=ZONE
    )
    exported = sheet(openpyxl.load_workbook(path), "问题台账")
    assert len(exported) == digest.total.new > 0
    assert {r["编号"] for r in exported} == {
        r.id for r in digest.rows if PERIOD.contains(r.created_at)
    }


async def test_scope_filters_rows_and_includes_every_pending_item(ledger_db: Database) -> None:
    national = await build_digest(ledger_db, DigestScope(), PERIOD, now=DIGEST_NOW, zone=ZONE)
    city_auto = await build_digest(
        ledger_db, DigestScope("4403", ("汽车",)), PERIOD, now=DIGEST_NOW, zone=ZONE
    )
    assert city_auto.rows
    assert all(r.region_code.startswith("4403") and r.chain == "汽车" for r in city_auto.rows)
    assert {r.id for r in city_auto.rows} <= {r.id for r in national.rows}
    expected = {
        r.id for r in national.rows if r.region_code.startswith("4403") and r.chain == "汽车"
    }
    assert {r.id for r in city_auto.rows} == expected
    pending = await ledger_db.fetch_one(
        "SELECT COUNT(*) FROM reports r JOIN enterprises e ON e.id = r.enterprise_id"
        " WHERE r.state IN ('submitted', 'accepted', 'in_progress', 'need_info', 'escalated',"
        " 'resolved') AND e.region_code LIKE '4403%' AND e.chain = '汽车'"
    )
    assert pending is not None
    assert sum(city_auto.by_state.counts.values()) == pending[0]


async def test_many_items_fit_4096_characters_and_the_rest_is_counted(db: Database) -> None:
    await generated(db, reports=3000, per_day=300, seed=3)
    digest = await build_digest(db, DigestScope(), PERIOD, now=DIGEST_NOW, zone=ZONE)
    assert len(digest.key_items) > 60
    for lang in ("zh", "en"):
        text = render_digest(digest, lang, ZONE, "LiaisonTestBot")
        assert len(text) <= MESSAGE_LIMIT
        shown = len(re.findall(r'<a href="https://t\.me/LiaisonTestBot\?start=show_\d+">', text))
        more = re.search(r"(?:及其他|and) (\d+) (?:项|more)", text.split("\n")[-1])
        assert more is not None
        assert shown + int(more.group(1)) == len(digest.key_items)


async def test_user_text_is_escaped(db: Database) -> None:
    await generated(db, reports=3000, per_day=300, seed=3)
    digest = await build_digest(db, DigestScope(), PERIOD, now=DIGEST_NOW, zone=ZONE)
    tricky = [r for r in digest.key_items if "<" in r.title or "<" in r.enterprise_name]
    assert tricky, "the generator writes <b>A&B</b> names and <script> titles"
    for row in tricky[:5]:  # the most pressing, so that they are in the message
        row.flags = Flags(overdue=True, supervise=True)
        row.progress = "<i>进展</i> & <b>"
    text = render_digest(digest, "zh", ZONE, "LiaisonTestBot")
    bare = re.sub(r'</?b>|<a href="[^"<>]*">|</a>', "", text)
    assert "<" not in bare and ">" not in bare
    assert "&lt;script&gt;" in text or "&lt;b&gt;A&amp;B&lt;/b&gt;" in text
    assert "&lt;i&gt;进展&lt;/i&gt; &amp; &lt;b&gt;" in text


async def test_empty_day_is_one_line(db: Database) -> None:
    digest = await build_digest(db, DigestScope("44"), PERIOD, now=DIGEST_NOW, zone=ZONE)
    assert digest.empty
    text = render_digest(digest, "zh", ZONE, "LiaisonTestBot")
    assert "\n" not in text and "本期无新增问题" in text


def test_a_digest_after_a_holiday_covers_it() -> None:
    monday = datetime(2026, 11, 30).date()
    assert is_digest_working_day(monday)
    period = digest_period(monday, ZONE, since_last_working_day=True)
    assert local(period.start) == datetime(2026, 11, 27)  # Friday 00:00
    assert local(period.end) == datetime(2026, 11, 30)
    plain = digest_period(monday, ZONE)
    assert plain.end - plain.start == timedelta(days=1)


async def test_key_items_say_how_many_enterprises_share_the_problem(db: Database) -> None:
    await generated(db, reports=600, per_day=60, seed=5)
    digest = await build_digest(db, DigestScope(), PERIOD, now=DIGEST_NOW, zone=ZONE)
    first, second = digest.key_items[0], digest.key_items[1]
    other = await db.fetch_one(
        "SELECT r.id FROM reports r JOIN enterprises e ON e.id = r.enterprise_id"
        " WHERE e.credit_code NOT IN (?, ?) LIMIT 1",
        (first.credit_code, second.credit_code),
    )
    assert other is not None
    ids = sorted((first.id, other["id"]))
    await db.write(
        "INSERT INTO report_links (report_id, other_id, linked_at) VALUES (?, ?, '2026-01-01')",
        ids,
    )
    digest = await build_digest(db, DigestScope(), PERIOD, now=DIGEST_NOW, zone=ZONE)
    rows = {r.id: r for r in digest.key_items}
    assert rows[first.id].affected == 2 and rows[second.id].affected == 1
    text = render_digest(digest, "zh", ZONE, "LiaisonTestBot")
    line = next(part for part in text.split("\n") if f'start=show_{first.id}"' in part)
    assert "2 家企业" in line


async def test_the_ledger_says_what_needs_coordinating(ledger_db: Database) -> None:
    first = await build_digest(ledger_db, DigestScope(), PERIOD, now=DIGEST_NOW, zone=ZONE)
    escalated = next(r for r in first.rows if r.state is ReportState.ESCALATED)
    plain = next(r for r in first.rows if r.state is ReportState.IN_PROGRESS)
    await ledger_db.write("UPDATE reports SET ask = '协调开通绿色通道' WHERE id = ?", (plain.id,))
    await ledger_db.write(
        "UPDATE report_events SET note = '跨省运输需部里协调'"
        " WHERE report_id = ? AND action = 'escalate'",
        (escalated.id,),
    )
    _, book = await digest_and_book(ledger_db, DigestScope())
    rows = {r["编号"]: r for r in sheet(book, LEDGER_SHEET)}
    assert rows[plain.id]["需协调事项"] == "协调开通绿色通道"
    assert rows[escalated.id]["需协调事项"] == "跨省运输需部里协调"
