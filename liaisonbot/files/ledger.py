"""The ledger (问题台账) attached to the digest, as .xlsx bytes.

It shares the export's column names, widths, date format and action names
(`liaisonbot.lists.export`), but not its row set: the export lists reports registered in a date
range; the digest's ledger lists every report in scope that is pending now or changed in the
period, which is what the digest's figures are computed from. Sheets:

- 问题台账: one row per report, with its timeline in brief (办理经过);
- 本期办理记录: the period's events, one row each (the figures' source);
- 汇总: the digest's figures overall and by category, region and chain.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from liaisonbot.clock import from_db
from liaisonbot.domain.codes import region_name
from liaisonbot.domain.vocabulary import Category, ReportState
from liaisonbot.files.workbooks import (
    ACTION_LABELS,
    SATISFACTION_LABELS,
    WIDTHS,
    local_time,
    note_in_words,
    xlsx_row,
    xlsx_sheet,
    zh_label,
)
from liaisonbot.read.digest.model import SATISFACTION_LEVELS, Digest, LedgerRow, Tally, progress_of
from liaisonbot.store import Database

LEDGER_SHEET = "问题台账"
EVENTS_SHEET = "本期办理记录"
SUMMARY_SHEET = "汇总"

LEDGER_HEADERS = (
    "序号",
    "编号",
    "企业名称",
    "统一社会信用代码",
    "地区",
    "产业链",
    "类别",
    "问题标题",
    "紧急程度",
    "状态",
    "责任人",
    "登记时间",
    "受理时间",
    "时限",
    "办结时间",
    "销号时间",
    "预警",
    "已上报未阅",
    "回访",
    "本期动态",
    "最新进展",
    "需协调事项",
    "办理经过",
)
EVENT_HEADERS = ("序号", "编号", "企业名称", "时间", "操作", "原状态", "新状态", "备注")
SUMMARY_HEADERS = (
    "维度",
    "名称",
    "新增",
    "受理",
    "办结",
    "销号",
    "重办",
    "上报",
    "在办",
    "待回访",
    "临期",
    "超期",
    "督办",
    "已上报未阅",
    "办结率",
    "平均受理时长(小时)",
    "平均办结时长(小时)",
    "满意",
    "基本满意",
    "不满意",
    "超时未答",
    "满意率",
)
# The export's widths, and those of the columns only the digest's ledger has.
LEDGER_WIDTHS = {
    **WIDTHS,
    "销号时间": 17,
    "预警": 8,
    "已上报未阅": 10,
    "回访": 9,
    "本期动态": 24,
    "办理经过": 60,
    "维度": 8,
    "名称": 24,
    "待回访": 8,
    "平均受理时长(小时)": 12,
    "平均办结时长(小时)": 12,
    "满意率": 8,
}
TIMELINE_MAX = 12  # events in 办理经过; earlier ones are elided


WARNING_LABELS = {"supervise": "督办", "overdue": "超期", "due_soon": "临期"}


def warning_key(row: LedgerRow) -> str | None:
    """The row's strongest deadline mark: supervise (督办), overdue (超期), due_soon (临期)."""
    return next((key for key in WARNING_LABELS if getattr(row.flags, key)), None)


def warning_label(row: LedgerRow) -> str:
    key = warning_key(row)
    return WARNING_LABELS[key] if key else ""


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, {"acknowledge": "已阅", "note": "进展"}.get(action, action))


def _state(value: str | None) -> str:
    return zh_label(ReportState, value)


def _category(code: str) -> str:
    return zh_label(Category, code)


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def _hours(value: float | None) -> float | str:
    return "" if value is None else round(value, 1)


class _Book:
    def __init__(self, tz: ZoneInfo) -> None:
        from openpyxl import Workbook

        self.tz = tz
        self.book = Workbook(write_only=True)
        self.sheet: Any = None

    def table(self, title: str, headers: Sequence[str]) -> None:
        self.sheet = xlsx_sheet(self.book, title, headers, LEDGER_WIDTHS)

    def row(self, values: Sequence[Any]) -> None:
        xlsx_row(self.sheet, values, self.tz)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


async def _timelines(db: Database, ids: list[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    if not ids:
        return out
    async with db.conn.execute(
        "SELECT report_id, at, action, note FROM report_events"
        " WHERE report_id IN (SELECT value FROM json_each(?)) ORDER BY report_id, id",
        (json.dumps(ids),),
    ) as cursor:
        async for r in cursor:
            out.setdefault(r["report_id"], []).append(r)
    return out


def _brief(events: list[Any], tz: ZoneInfo) -> str:
    parts = [
        f"{local_time(datetime.fromisoformat(ev['at']), tz):%m-%d} {action_label(ev['action'])}"
        for ev in events
        if ev["action"] != "acknowledge"
    ]
    if len(parts) > TIMELINE_MAX:
        parts = ["…", *parts[-TIMELINE_MAX:]]
    return " → ".join(parts)


def _summary_row(dimension: str, name: str, t: Tally) -> list[Any]:
    return [
        dimension,
        name,
        t.new,
        t.accepted,
        t.resolved,
        t.closed,
        t.reopened,
        t.escalated,
        t.open,
        t.awaiting_confirmation,
        t.due_soon,
        t.overdue,
        t.supervise,
        t.escalated_unacked,
        _rate(t.done_rate),
        _hours(t.avg_accept_hours),
        _hours(t.avg_resolve_hours),
        *(t.satisfaction[k] for k in SATISFACTION_LEVELS),
        _rate(t.satisfaction_rate),
    ]


def ledger_title(digest: Digest, tz: ZoneInfo) -> tuple[str, str]:
    """The workbook's title and description: the period of the flow, and the moment the open
    items were counted (as the message says)."""
    day = digest.period.day.isoformat()
    start = local_time(digest.period.start, tz)
    end = local_time(digest.period.end - timedelta(microseconds=1), tz)
    as_of = local_time(digest.as_of, tz)
    return (
        f"问题台账 {day}（在办截至 {as_of:%m-%d %H:%M}）",
        f"本期统计时段 {start:%m-%d %H:%M} 至 {end:%m-%d %H:%M}；"
        f"在办、预警与重点问题截至 {as_of:%m-%d %H:%M}",
    )


async def ledger_xlsx(db: Database, digest: Digest, tz: ZoneInfo) -> bytes:
    """The ledger of `digest` as an .xlsx file's bytes."""
    book = _Book(tz)
    book.book.properties.title, book.book.properties.description = ledger_title(digest, tz)
    timelines = await _timelines(db, [r.id for r in digest.rows])
    names = {r.id: r.enterprise_name for r in digest.rows}

    book.table(LEDGER_SHEET, LEDGER_HEADERS)
    for n, row in enumerate(digest.rows, start=1):
        book.row(_ledger_row(n, row, timelines.get(row.id, []), tz))

    book.table(EVENTS_SHEET, EVENT_HEADERS)
    for n, ev in enumerate(digest.events, start=1):
        book.row(
            [
                n,
                ev.report_id,
                names.get(ev.report_id, ""),
                ev.at,
                action_label(ev.action),
                _state(ev.from_state),
                _state(ev.to_state),
                note_in_words(ev.action, ev.note),
            ]
        )

    book.table(SUMMARY_SHEET, SUMMARY_HEADERS)
    book.row(_summary_row("合计", "", digest.total))
    for code, t in sorted(digest.by_category.items()):
        book.row(_summary_row("类别", _category(code), t))
    for code, t in sorted(digest.by_region.items()):
        book.row(_summary_row("地区", region_name(code) or code, t))
    for chain, t in sorted(digest.by_chain.items()):
        book.row(_summary_row("产业链", chain or "—", t))
    return book.bytes()


def _coordination(row: LedgerRow, events: list[Any]) -> str:
    """需协调事项: why an escalated item went up to the task force, else the enterprise's ask."""
    if row.state is ReportState.ESCALATED:
        reason = next((ev["note"] for ev in reversed(events) if ev["action"] == "escalate"), "")
        if reason:
            return str(reason)
    return row.ask


def _ledger_row(n: int, row: LedgerRow, events: list[Any], tz: ZoneInfo) -> list[Any]:
    """Row `n` of 问题台账: the report, with the times and the 回访 answer its events give."""
    accepted = next((ev["at"] for ev in events if ev["action"] == "accept"), None)
    resolved = next((ev["at"] for ev in reversed(events) if ev["action"] == "resolve"), None)
    closed = next(
        (ev["at"] for ev in reversed(events) if ev["action"] in ("confirm", "auto_close")),
        None,
    )
    answer = ""
    for ev in events:
        level = {"confirm": ev["note"] or "SATISFIED", "reopen": "UNSATISFIED"}.get(
            ev["action"], "TIMEOUT" if ev["action"] == "auto_close" else ""
        )
        answer = SATISFACTION_LABELS.get(level, answer)
    return [
        n,
        row.id,
        row.enterprise_name,
        row.credit_code,
        region_name(row.region_code) or row.region_code,
        row.chain,
        _category(row.category),
        row.title,
        row.urgency.zh,
        row.state.zh,
        row.assignee,
        row.created_at,
        from_db(accepted),
        row.due_at,
        from_db(resolved) if row.state in (ReportState.RESOLVED, ReportState.CLOSED) else None,
        from_db(closed) if row.state is ReportState.CLOSED else None,
        warning_label(row),
        "是" if row.escalated_unacked else "",
        answer,
        "、".join(action_label(a) for a in row.period_actions),
        progress_of([(ev["action"], ev["note"]) for ev in events]),
        _coordination(row, events),
        _brief(events, tz),
    ]


def ledger_filename(digest: Digest) -> str:
    scope = digest.scope.region_prefix or "全国"
    if digest.scope.chains:
        scope += "-" + "-".join(digest.scope.chains)
    return f"问题台账-{digest.period.day.isoformat()}-{scope}.xlsx"
