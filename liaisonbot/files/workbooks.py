"""What officials hand to a superior: the enterprise list and the problem ledger (问题台账).

.xlsx: one sheet per table, Chinese headers in bold on a frozen first row, column widths that fit,
times as real Excel dates in the officials' zone (Asia/Shanghai by default). .csv: UTF-8 with a
BOM (so Excel opens it as Chinese text) and one file per table: the first table at the path given,
each further one beside it as `<stem>-<table>.csv`. Both functions return the paths written.

The enterprise sheet uses the import's headers, so an exported list imports back unchanged.
Rows are streamed from the database into a write-only workbook: 10^5 rows stay within memory.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from liaisonbot.clock import from_db, to_db, utcnow
from liaisonbot.domain.codes import region_name
from liaisonbot.domain.vocabulary import Category, Channel, Mode, ReportState, Scope, Tier, Urgency
from liaisonbot.domain.workflow import WORKING_STATES
from liaisonbot.read.reports import person_label
from liaisonbot.services.triage import parse_resolution_note
from liaisonbot.store import Database

SHANGHAI = ZoneInfo("Asia/Shanghai")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
CSV_DATETIME = "%Y-%m-%d %H:%M"

RELATION_LABELS = {"UPSTREAM": "上游", "DOWNSTREAM": "下游"}
OPEN_STATES = WORKING_STATES  # the ledger's 办理中: resolved items count as done
DONE_STATES = frozenset({ReportState.RESOLVED, ReportState.CLOSED})
# The workflow's actions as the ledger's 办理记录 names them (unknown actions print as stored).
ACTION_LABELS = {
    "submit": "登记",
    "accept": "受理",
    "reject": "不予受理",
    "merge": "合并",
    "sign": "签收",
    "return": "退回补充",
    "info_given": "已补充",
    "escalate": "上报",
    "send_back": "退回办理",
    "resolve": "办结",
    "reopen": "重办",
    "confirm": "确认销号",
    "auto_close": "超时销号",
}

# Outcome and 回访 answers of the triage workflow (liaisonbot.services.triage), as labelled.
OUTCOME_LABELS = {"SOLVED": "已解决", "PARTLY": "部分解决", "CANNOT": "无法解决"}


def note_in_words(action: str, note: str) -> str:
    """An event's note as a ledger shows it: a resolution's outcome and policies in words."""
    resolution = parse_resolution_note(note) if action == "resolve" else None
    if resolution is None:
        return note
    outcome, text, policies = resolution
    words = f"{OUTCOME_LABELS[outcome.value]}：{text}"
    return words + (f"；适用政策：{policies}" if policies else "")


SATISFACTION_LABELS = {
    "SATISFIED": "满意",
    "BASIC": "基本满意",
    "UNSATISFIED": "不满意",
    "TIMEOUT": "超时未答",
}

# Column widths in Excel's character units, by header; others get DEFAULT_WIDTH.
WIDTHS = {
    "序号": 6,
    "编号": 8,
    "企业名称": 32,
    "统一社会信用代码": 22,
    "地区代码": 10,
    "地区": 20,
    "产业链": 12,
    "企业类型": 10,
    "配套龙头企业": 24,
    "上下游": 8,
    "专精特新": 8,
    "企业规模": 8,
    "联络员": 14,
    "联络员姓名": 14,
    "联系人": 18,
    "复工状态": 12,
    "登记时间": 17,
    "更新时间": 17,
    "配套企业名称": 32,
    "配套企业统一社会信用代码": 24,
    "龙头企业名称": 32,
    "龙头企业统一社会信用代码": 24,
    "类别": 24,
    "问题标题": 30,
    "问题描述": 50,
    "诉求": 36,
    "影响": 24,
    "紧急程度": 9,
    "范围": 14,
    "办理方式": 10,
    "渠道": 8,
    "状态": 9,
    "责任人": 14,
    "受理时间": 17,
    "时限": 17,
    "办结时间": 17,
    "超期": 6,
    "最新进展": 40,
    "时间": 17,
    "操作": 10,
    "操作人": 14,
    "原状态": 9,
    "新状态": 9,
    "销号时间": 17,
    "办理结果": 10,
    "回访": 9,
    "备注": 40,
    "问题总数": 9,
    "办理中": 8,
    "已办结": 8,
    "办结率": 8,
}
DEFAULT_WIDTH = 12

ENTERPRISE_HEADERS = (
    "序号",
    "企业名称",
    "统一社会信用代码",
    "地区代码",
    "地区",
    "产业链",
    "企业类型",
    "配套龙头企业",
    "上下游",
    "专精特新",
    "企业规模",
    "联络员",
    "联络员姓名",
    "联系人",
    "复工状态",
    "登记时间",
    "更新时间",
)
LINK_HEADERS = (
    "序号",
    "配套企业名称",
    "配套企业统一社会信用代码",
    "龙头企业名称",
    "龙头企业统一社会信用代码",
    "上下游",
)
LEDGER_HEADERS = (
    "序号",
    "编号",
    "企业名称",
    "统一社会信用代码",
    "地区",
    "产业链",
    "类别",
    "问题标题",
    "问题描述",
    "诉求",
    "影响",
    "紧急程度",
    "范围",
    "办理方式",
    "渠道",
    "状态",
    "责任人",
    "登记时间",
    "受理时间",
    "时限",
    "办结时间",
    "销号时间",
    "超期",
    "办理结果",
    "回访",
    "最新进展",
)
EVENT_HEADERS = ("序号", "编号", "企业名称", "时间", "操作", "操作人", "原状态", "新状态", "备注")
SUMMARY_HEADERS = ("类别", "问题总数", "办理中", "已办结", "超期", "办结率")


@lru_cache(maxsize=4096)
def _region(code: str) -> str:
    return region_name(code) or ""


def zh_label(kind: type, value: str | None) -> str:
    """The Chinese label of a vocabulary value; an unknown value as stored, none as ""."""
    """The Chinese label of a vocabulary `value`; an unknown one as stored, none as ""."""
    if not value:
        return ""
    try:
        return kind(value).zh
    except ValueError:
        return value


# -- sinks ---------------------------------------------------------------------------------------


class _Sink:
    """Tables written one row at a time, to an .xlsx workbook or to .csv files."""

    def __init__(self, path: Path, tz: ZoneInfo) -> None:
        suffix = path.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise ValueError(f"export to .xlsx or .csv, not {suffix or path.name!r}")
        self.path = path
        self.tz = tz
        self.xlsx = suffix == ".xlsx"
        self.paths: list[Path] = []
        self._csv: TextIO | None = None
        self._writer: Any = None
        self._sheet: Any = None
        if self.xlsx:
            from openpyxl import Workbook

            self._book = Workbook(write_only=True)

    def table(self, title: str, headers: Sequence[str]) -> None:
        if self.xlsx:
            self._sheet = xlsx_sheet(self._book, title, headers)
            return
        self._close_csv()
        path = self.path if not self.paths else self.path.with_name(f"{self.path.stem}-{title}.csv")
        self._csv = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._csv)
        self._writer.writerow(headers)
        self.paths.append(path)

    def row(self, values: Sequence[Any]) -> None:
        if self.xlsx:
            xlsx_row(self._sheet, values, self.tz)
            return
        self._writer.writerow(
            [
                local_time(v, self.tz).strftime(CSV_DATETIME) if isinstance(v, datetime) else v
                for v in values
            ]
        )

    def _close_csv(self) -> None:
        if self._csv is not None:
            self._csv.close()
            self._csv = None

    def close(self) -> list[Path]:
        if self.xlsx:
            self._book.save(self.path)
            return [self.path]
        self._close_csv()
        return self.paths


def local_time(moment: datetime, tz: ZoneInfo) -> datetime:
    """Excel has no time zones: the wall-clock time in `tz`, without tzinfo."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).replace(tzinfo=None, microsecond=0)


def xlsx_sheet(
    book: Any, title: str, headers: Sequence[str], widths: Mapping[str, int] = WIDTHS
) -> Any:
    """A sheet of the write-only `book`: bold, centred `headers` on a frozen first row and
    column widths by header (DEFAULT_WIDTH for those `widths` does not name)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = widths.get(header, DEFAULT_WIDTH)
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cells.append(cell)
    sheet.append(cells)
    return sheet


def xlsx_row(sheet: Any, values: Sequence[Any], tz: ZoneInfo) -> None:
    """One row of a write-only sheet; datetimes become Excel dates in `tz`."""
    from openpyxl.cell import WriteOnlyCell

    out: list[Any] = []
    for value in values:
        if isinstance(value, datetime):
            cell = WriteOnlyCell(sheet, value=local_time(value, tz))
            cell.number_format = DATETIME_FORMAT
            out.append(cell)
        else:
            out.append(value)
    sheet.append(out)


# -- filters -------------------------------------------------------------------------------------


@dataclass
class _Where:
    clauses: list[str]
    params: list[Any]

    @property
    def sql(self) -> str:
        return (" WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


def _scope(alias: str, region: str | None, chain: str | None) -> _Where:
    where = _Where([], [])
    if region:
        if not region.isdigit() or len(region) > 6:
            raise ValueError(f"region must be a division code prefix (digits), not {region!r}")
        where.clauses.append(f"substr({alias}.region_code, 1, ?) = ?")
        where.params += [len(region), region]
    if chain:
        where.clauses.append(f"{alias}.chain = ?")
        where.params.append(chain)
    return where


def _bound(value: date | datetime, tz: ZoneInfo, *, end: bool) -> str:
    """A day in `tz` → its UTC start (or the next day's start for the end of a range)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        return to_db(value)
    day = value + timedelta(days=1) if end else value
    return to_db(datetime.combine(day, time(0), tzinfo=tz))


# -- enterprises ---------------------------------------------------------------------------------


async def export_enterprises(
    db: Database,
    path: Path,
    *,
    region: str | None = None,
    chain: str | None = None,
    tz: ZoneInfo = SHANGHAI,
) -> list[Path]:
    """Sheets 企业名单 (importable) and 配套关系 (one row per supplier → leading link)."""
    path = Path(path)
    sink = _Sink(path, tz)
    where = _scope("e", region, chain)

    links: dict[int, list[tuple[str, str]]] = defaultdict(list)
    link_rows = await db.fetch_all(
        "SELECT l.supplier_id, d.credit_code, l.relation FROM enterprise_links l"
        " JOIN enterprises e ON e.id = l.supplier_id JOIN enterprises d ON d.id = l.leading_id"
        f"{where.sql} ORDER BY l.supplier_id, d.credit_code",
        where.params,
    )
    for r in link_rows:
        links[r["supplier_id"]].append((r["credit_code"], r["relation"]))
    del link_rows
    contacts: dict[int, list[str]] = defaultdict(list)
    for r in await db.fetch_all(
        "SELECT c.enterprise_id, c.user_id FROM contacts c"
        f" JOIN enterprises e ON e.id = c.enterprise_id{where.sql} ORDER BY c.user_id",
        where.params,
    ):
        contacts[r["enterprise_id"]].append(str(r["user_id"]))

    sink.table("企业名单", ENTERPRISE_HEADERS)
    n = 0
    async with db.conn.execute(
        "SELECT e.*, u.full_name, u.username FROM enterprises e"
        f" LEFT JOIN users u ON u.user_id = e.liaison_officer_id{where.sql}"
        " ORDER BY e.region_code, e.chain, e.id",
        where.params,
    ) as cursor:
        async for e in cursor:
            n += 1
            own = links.get(e["id"], [])
            relations = {rel for _, rel in own}
            sink.row(
                [
                    n,
                    e["name"],
                    e["credit_code"],
                    e["region_code"],
                    _region(e["region_code"]),
                    e["chain"],
                    zh_label(Tier, e["tier"]),
                    ";".join(code for code, _ in own),
                    RELATION_LABELS.get(relations.pop(), "") if len(relations) == 1 else "",
                    "是" if e["specialized"] else "否",
                    e["size"],
                    e["liaison_officer_id"] if e["liaison_officer_id"] is not None else "",
                    person_label(e["liaison_officer_id"], e["full_name"], e["username"])
                    if e["full_name"] or e["username"]
                    else "",
                    ";".join(contacts.get(e["id"], [])),
                    e["resumption_status"],
                    from_db(e["created_at"]),
                    from_db(e["updated_at"]),
                ]
            )

    sink.table("配套关系", LINK_HEADERS)
    n = 0
    async with db.conn.execute(
        "SELECT e.name AS s_name, e.credit_code AS s_code, d.name AS d_name,"
        " d.credit_code AS d_code, l.relation FROM enterprise_links l"
        " JOIN enterprises e ON e.id = l.supplier_id JOIN enterprises d ON d.id = l.leading_id"
        f"{where.sql} ORDER BY d.credit_code, e.credit_code",
        where.params,
    ) as cursor:
        async for r in cursor:
            n += 1
            sink.row(
                [
                    n,
                    r["s_name"],
                    r["s_code"],
                    r["d_name"],
                    r["d_code"],
                    RELATION_LABELS.get(r["relation"], r["relation"]),
                ]
            )
    return sink.close()


# -- the ledger ----------------------------------------------------------------------------------


async def export_ledger(
    db: Database,
    path: Path,
    *,
    region: str | None = None,
    chain: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    tz: ZoneInfo = SHANGHAI,
    now: datetime | None = None,
) -> list[Path]:
    """Sheets 问题台账 (one row per report registered in the period), 办理记录 (their events) and
    分类汇总 (by category). Dates are days in `tz`, both ends included. 超期 is marked for open
    items past their due time at `now`."""
    path = Path(path)
    now = now or utcnow()
    sink = _Sink(path, tz)
    where = _scope("e", region, chain)
    if date_from is not None:
        where.clauses.append("r.created_at >= ?")
        where.params.append(_bound(date_from, tz, end=False))
    if date_to is not None:
        where.clauses.append("r.created_at < ?")
        where.params.append(_bound(date_to, tz, end=True))
    summary = await _ledger_sheet(db, sink, where, now)
    await _events_sheet(db, sink, where)
    _summary_sheet(sink, summary)
    return sink.close()


async def _ledger_sheet(
    db: Database, sink: _Sink, where: _Where, now: datetime
) -> dict[str, list[int]]:
    """The 问题台账 sheet; returns per category [total, open, done, overdue] for 分类汇总."""
    summary: dict[str, list[int]] = {c.value: [0, 0, 0, 0] for c in Category}
    sink.table("问题台账", LEDGER_HEADERS)
    n = 0
    # Times the workflow keeps on the report (migration 0003) win; on a database without them,
    # or for a report they were not set on, the event log says when it was accepted or resolved.
    columns = {c["name"] for c in await db.fetch_all("PRAGMA table_info(reports)")}

    def stamp(column: str, to_state: str, pick: str) -> str:
        from_log = (
            f"(SELECT {pick}(ev.at) FROM report_events ev WHERE ev.report_id = r.id"
            f" AND ev.to_state = '{to_state}')"
        )
        if column in columns:
            return f"COALESCE(r.{column}, {from_log}) AS x_{column}"
        return f"{from_log} AS x_{column}"

    def optional(column: str) -> str:
        return f"r.{column} AS x_{column}" if column in columns else f"NULL AS x_{column}"

    async with db.conn.execute(
        "SELECT r.*, e.name AS enterprise_name, e.credit_code, e.region_code, e.chain,"
        " u.full_name AS assignee_name, u.username AS assignee_username,"
        f" {stamp('accepted_at', 'accepted', 'MIN')}, {stamp('resolved_at', 'resolved', 'MAX')},"
        f" {stamp('closed_at', 'closed', 'MAX')}, {optional('outcome')},"
        f" {optional('satisfaction')},"
        " (SELECT ev.action || ':' || ev.note FROM report_events ev"
        "   WHERE ev.report_id = r.id AND ev.note != '' ORDER BY ev.id DESC LIMIT 1) AS last_note"
        " FROM reports r JOIN enterprises e ON e.id = r.enterprise_id"
        f" LEFT JOIN users u ON u.user_id = r.assignee_id{where.sql} ORDER BY r.id",
        where.params,
    ) as cursor:
        async for r in cursor:
            n += 1
            state = ReportState(r["state"])
            due = from_db(r["due_at"])
            overdue = state in OPEN_STATES and due is not None and due < now
            counts = summary.setdefault(r["category"], [0, 0, 0, 0])
            counts[0] += 1
            counts[1] += state in OPEN_STATES
            counts[2] += state in DONE_STATES
            counts[3] += overdue
            sink.row(
                [
                    n,
                    r["id"],
                    r["enterprise_name"],
                    r["credit_code"],
                    _region(r["region_code"]),
                    r["chain"],
                    zh_label(Category, r["category"]),
                    r["title"],
                    r["description"],
                    r["ask"],
                    r["impact"],
                    zh_label(Urgency, r["urgency"]),
                    zh_label(Scope, r["scope"]),
                    zh_label(Mode, r["mode"]),
                    zh_label(Channel, r["channel"]),
                    state.zh,
                    person_label(r["assignee_id"], r["assignee_name"], r["assignee_username"]),
                    from_db(r["created_at"]),
                    from_db(r["x_accepted_at"]),
                    due,
                    from_db(r["x_resolved_at"]),
                    from_db(r["x_closed_at"]),
                    "超期" if overdue else "",
                    OUTCOME_LABELS.get(r["x_outcome"] or "", r["x_outcome"] or ""),
                    SATISFACTION_LABELS.get(r["x_satisfaction"] or "", r["x_satisfaction"] or ""),
                    note_in_words(*(r["last_note"] or ":").split(":", 1)),
                ]
            )
    return summary


async def _events_sheet(db: Database, sink: _Sink, where: _Where) -> None:
    sink.table("办理记录", EVENT_HEADERS)
    n = 0
    async with db.conn.execute(
        "SELECT ev.*, e.name AS enterprise_name, u.full_name, u.username FROM report_events ev"
        " JOIN reports r ON r.id = ev.report_id JOIN enterprises e ON e.id = r.enterprise_id"
        f" LEFT JOIN users u ON u.user_id = ev.actor_id{where.sql} ORDER BY ev.report_id, ev.id",
        where.params,
    ) as cursor:
        async for ev in cursor:
            n += 1
            sink.row(
                [
                    n,
                    ev["report_id"],
                    ev["enterprise_name"],
                    from_db(ev["at"]),
                    ACTION_LABELS.get(ev["action"], ev["action"]),
                    person_label(ev["actor_id"], ev["full_name"], ev["username"]),
                    zh_label(ReportState, ev["from_state"]),
                    zh_label(ReportState, ev["to_state"]),
                    note_in_words(ev["action"], ev["note"]),
                ]
            )


def _summary_sheet(sink: _Sink, summary: dict[str, list[int]]) -> None:
    sink.table("分类汇总", SUMMARY_HEADERS)
    totals = [0, 0, 0, 0]
    for code, counts in summary.items():
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        sink.row([zh_label(Category, code), *counts, _rate(counts[2], counts[0])])
    sink.row(["合计", *totals, _rate(totals[2], totals[0])])


def _rate(done: int, total: int) -> str:
    return f"{done / total:.0%}" if total else ""
