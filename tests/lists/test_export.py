"""Exports: the enterprise list (re-importable) and the ledger, as .xlsx and as .csv."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from liaisonbot.domain.models import ReportContent, ReportEvent
from liaisonbot.domain.vocabulary import Category, ReportState, Scope, Urgency
from liaisonbot.files.enterprise_workbook import ENTERPRISE_HEADERS, export_enterprises
from liaisonbot.files.ledger import LEDGER_HEADERS, export_ledger
from liaisonbot.services.enterprise_import.importer import import_enterprises
from liaisonbot.store import Database, UnitOfWork
from tests.lists.conftest import (
    LATER,
    LEADING_CODE,
    NOW,
    SUPPLIER_CODE,
    good_rows,
    snapshot,
    write_csv,
)


async def imported(db: Database, tmp_path: Path) -> None:
    result = await import_enterprises(db, write_csv(tmp_path / "in.csv", good_rows()), now=NOW)
    assert result.ok and result.applied


def sheet_rows(path: Path, title: str) -> list[tuple[Any, ...]]:
    book = load_workbook(path)
    return [tuple(r) for r in book[title].iter_rows(values_only=True)]


async def test_enterprises_xlsx(db: Database, tmp_path: Path) -> None:
    await imported(db, tmp_path)
    out = tmp_path / "企业.xlsx"
    assert await export_enterprises(db, out) == [out]

    book = load_workbook(out)
    assert book.sheetnames == ["企业名单", "配套关系"]
    ws = book["企业名单"]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == 32  # 企业名称
    assert ws["A1"].font.b
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ENTERPRISE_HEADERS
    assert len(rows) == 5
    by_code = {r[2]: dict(zip(ENTERPRISE_HEADERS, r, strict=True)) for r in rows[1:]}
    supplier = by_code[SUPPLIER_CODE]
    assert supplier["企业名称"] == "北京配套零部件有限公司"
    assert supplier["地区"] == "北京市"
    assert supplier["企业类型"] == "核心配套"
    assert supplier["配套龙头企业"] == LEADING_CODE
    assert supplier["上下游"] == "上游"
    assert supplier["专精特新"] == "是"
    assert supplier["联络员"] == 1001
    assert supplier["联系人"] == "2002;2003"
    # A real date, shown in Asia/Shanghai: 01:00 UTC is 09:00 in Beijing.
    assert supplier["登记时间"] == datetime(2020, 3, 2, 9, 0)
    assert ws.cell(row=2, column=ENTERPRISE_HEADERS.index("登记时间") + 1).number_format == (
        "yyyy-mm-dd hh:mm"
    )
    assert by_code[LEADING_CODE]["地区"] == "北京市海淀区"

    links = sheet_rows(out, "配套关系")
    assert links[0][0] == "序号" and len(links) == 4
    assert {(r[2], r[4], r[5]) for r in links[1:]} >= {(SUPPLIER_CODE, LEADING_CODE, "上游")}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
async def test_exported_list_imports_back_unchanged(
    db: Database, tmp_path: Path, suffix: str
) -> None:
    await imported(db, tmp_path)
    before = await snapshot(db)
    paths = await export_enterprises(db, tmp_path / f"out{suffix}")
    result = await import_enterprises(db, paths[0], now=LATER)
    assert result.ok and (result.unchanged, result.created, result.updated) == (4, 0, 0)
    assert result.warnings == []  # the export's extra columns are known, ignored columns
    assert await snapshot(db) == before


async def test_enterprises_csv_has_bom_and_one_file_per_table(db: Database, tmp_path: Path) -> None:
    await imported(db, tmp_path)
    paths = await export_enterprises(db, tmp_path / "e.csv", region="1101")
    assert [p.name for p in paths] == ["e.csv", "e-配套关系.csv"]
    assert paths[0].read_bytes().startswith(b"\xef\xbb\xbf")
    with paths[0].open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == ENTERPRISE_HEADERS
    assert [r[2] for r in rows[1:]] == [LEADING_CODE]  # only 110108 starts with 1101
    assert rows[1][ENTERPRISE_HEADERS.index("登记时间")] == "2020-03-02 09:00"


async def test_enterprise_filters(db: Database, tmp_path: Path) -> None:
    await imported(db, tmp_path)
    rows = sheet_rows(
        (await export_enterprises(db, tmp_path / "a.xlsx", region="11"))[0], "企业名单"
    )
    assert len(rows) == 1 + 3  # 110108, 110000 and 11; not 350100
    rows = sheet_rows(
        (await export_enterprises(db, tmp_path / "b.xlsx", chain="电子"))[0], "企业名单"
    )
    assert rows == [ENTERPRISE_HEADERS]
    with pytest.raises(ValueError):
        await export_enterprises(db, tmp_path / "c.xls")
    with pytest.raises(ValueError):
        await export_enterprises(db, tmp_path / "d.xlsx", region="11%")


async def add_report(
    db: Database, credit_code: str, title: str, created: datetime, *, state: ReportState,
    due: datetime | None = None, assignee: int | None = None,
    category: Category = Category.LOG,
) -> int:  # fmt: skip
    async with UnitOfWork(db) as uow:
        enterprise = await uow.enterprises.by_credit_code(credit_code)
        assert enterprise is not None and enterprise.id is not None
        content = ReportContent(
            category=category, title=title, description="货车无法进入园区", ask="协调通行证",
            urgency=Urgency.URGENT, scope=Scope.CROSS_REGION,
        )  # fmt: skip
        report_id = await uow.reports.add(
            enterprise_id=enterprise.id, reporter_id=2001, content=content,
            source_key=f"t-{title}", origin_chat_id=None, origin_message_id=None,
            group_chat_id=None, assignee_id=assignee, now=created,
        )  # fmt: skip
        await uow.reports.add_event(
            ReportEvent(report_id=report_id, actor_id=2001, at=created, action="submit",
                        from_state=None, to_state=ReportState.SUBMITTED)
        )  # fmt: skip
        if state is not ReportState.SUBMITTED:
            await uow.reports.add_event(
                ReportEvent(report_id=report_id, actor_id=assignee, at=created, action="accept",
                            from_state=ReportState.SUBMITTED, to_state=state, note="已联系交通局")
            )  # fmt: skip
        await uow.reports._run(
            "UPDATE reports SET state = ?, due_at = ? WHERE id = ?",
            (state.value, due.isoformat() if due else None, report_id),
        )
        return report_id


async def test_ledger(db: Database, tmp_path: Path) -> None:
    await imported(db, tmp_path)
    async with UnitOfWork(db) as uow:
        await uow.people.remember_user(1001, "wang", "王联络员", NOW)
    # 16:30 UTC on 1 March is 00:30 on 2 March in Beijing.
    late = datetime(2020, 3, 1, 16, 30, tzinfo=UTC)
    first = await add_report(
        db, SUPPLIER_CODE, "物流受阻", late, state=ReportState.ACCEPTED,
        due=datetime(2020, 3, 3, tzinfo=UTC), assignee=1001,
    )  # fmt: skip
    await add_report(
        db, LEADING_CODE, "缺少口罩", datetime(2020, 3, 1, 3, 0, tzinfo=UTC),
        state=ReportState.SUBMITTED, category=Category.PPE,
    )  # fmt: skip

    out = tmp_path / "台账.xlsx"
    await export_ledger(db, out, now=datetime(2020, 3, 5, tzinfo=UTC))
    book = load_workbook(out)
    assert book.sheetnames == ["问题台账", "办理记录", "分类汇总", "复工填报"]
    assert book["问题台账"].freeze_panes == "A2"
    rows = sheet_rows(out, "问题台账")
    assert rows[0] == LEDGER_HEADERS
    item = dict(zip(LEDGER_HEADERS, rows[1], strict=True))
    assert item["编号"] == first
    assert item["企业名称"] == "北京配套零部件有限公司"
    assert item["地区"] == "北京市"
    assert item["类别"] == Category.LOG.zh
    assert item["紧急程度"] == "紧急" and item["范围"] == "跨地区"
    assert item["状态"] == "已受理" and item["责任人"] == "王联络员"
    assert item["登记时间"] == datetime(2020, 3, 2, 0, 30)
    assert item["受理时间"] == datetime(2020, 3, 2, 0, 30)
    assert item["时限"] == datetime(2020, 3, 3, 8, 0)
    assert item["超期"] == "超期"
    assert item["最新进展"] == "已联系交通局"
    events = sheet_rows(out, "办理记录")
    assert [(e[1], e[4], e[7]) for e in events[1:]] == [
        (first, "登记", "已登记"),
        (first, "受理", "已受理"),
        (first + 1, "登记", "已登记"),
    ]
    summary = {r[0]: r[1:] for r in sheet_rows(out, "分类汇总")[1:]}
    assert summary["合计"] == (2, 2, 0, 1, 0)  # 办结率: a number with a percentage format
    assert summary[Category.LOG.zh] == (1, 1, 0, 1, 0)
    sheet = load_workbook(out)["分类汇总"]
    rate = next(row[5] for row in sheet.iter_rows(min_row=2) if row[0].value == "合计")
    assert rate.number_format == "0%" and isinstance(rate.value, (int, float))

    # Days are Beijing days: the late report belongs to 2 March, the other to 1 March.
    march_2 = tmp_path / "d2.csv"
    await export_ledger(db, march_2, date_from=date(2020, 3, 2), date_to=date(2020, 3, 2))
    with march_2.open(encoding="utf-8-sig") as f:
        rows_2 = list(csv.reader(f))
    assert [r[7] for r in rows_2[1:]] == ["物流受阻"]
    assert rows_2[1][17] == "2020-03-02 00:30"
    march_1 = tmp_path / "d1.xlsx"
    await export_ledger(db, march_1, date_to=date(2020, 3, 1), region="1101", chain="汽车")
    assert [r[7] for r in sheet_rows(march_1, "问题台账")[1:]] == ["缺少口罩"]


async def test_ledger_outcome_and_satisfaction(db: Database, tmp_path: Path) -> None:
    await imported(db, tmp_path)
    report_id = await add_report(
        db, LEADING_CODE, "资金周转", NOW, state=ReportState.CLOSED, category=Category.FIN
    )
    await db.conn.execute(
        "UPDATE reports SET outcome = 'PARTLY', satisfaction = 'BASIC', resolved_at = ?,"
        " closed_at = ? WHERE id = ?",
        ("2020-03-03T02:00:00.000000+00:00", "2020-03-04T02:00:00.000000+00:00", report_id),
    )
    out = tmp_path / "l.xlsx"
    await export_ledger(db, out)
    item = dict(zip(LEDGER_HEADERS, sheet_rows(out, "问题台账")[1], strict=True))
    assert item["状态"] == "已销号" and not item["超期"]
    assert item["办结时间"] == datetime(2020, 3, 3, 10, 0)
    assert item["销号时间"] == datetime(2020, 3, 4, 10, 0)
    assert (item["办理结果"], item["回访"]) == ("部分解决", "基本满意")
    summary = {r[0]: r[1:] for r in sheet_rows(out, "分类汇总")[1:]}
    assert summary[Category.FIN.zh] == (1, 0, 1, 0, 1)


@pytest.mark.parametrize(
    ("action", "note", "shown"),
    [
        (
            "resolve",
            "[PARTLY] 已协调 | 交通运输保障十条",
            "部分解决：已协调；适用政策：交通运输保障十条",
        ),
        ("resolve", "[SOLVED] 已开通绿色通道", "已解决：已开通绿色通道"),
        ("note", "[PARTLY] typed by an officer", "[PARTLY] typed by an officer"),
        ("reject", "不属于本地事项", "不属于本地事项"),
    ],
)
def test_a_resolution_note_is_shown_in_words(action: str, note: str, shown: str) -> None:
    from liaisonbot.read.notes import note_in_words
    from liaisonbot.services.triage import Outcome, resolution_note

    assert note_in_words(action, note) == shown
    assert resolution_note(Outcome.PARTLY, "已协调", "交通运输保障十条") == (
        "[PARTLY] 已协调 | 交通运输保障十条"
    )
