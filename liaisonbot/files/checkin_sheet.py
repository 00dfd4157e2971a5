"""The check-in sheet (复工填报): one row per enterprise and round, Chinese headers, real dates.
Written on its own (`liaisonbot export checkins FILE.xlsx`) and as a sheet of the exported
ledger."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from liaisonbot.domain.checkins import RoundStatus
from liaisonbot.files.sheets import SHANGHAI, TableSink, region_label
from liaisonbot.read import checkins as views
from liaisonbot.store import Database

CHECKIN_SHEET = "复工填报"
CHECKIN_HEADERS = (
    "填报轮次",
    "企业名称",
    "统一社会信用代码",
    "地区",
    "产业链",
    "企业类型",
    "填报情况",
    "复工状态",
    "在册职工",
    "今日在岗",
    "返岗率(%)",
    "产能利用率(%)",
    "预计全面复工日期",
    "主要瓶颈",
    "填报时间",
    "版本",
    "填报方式",
)
_TIERS = {"LEADING": "龙头", "CORE_SUPPLIER": "核心配套", "OTHER": "其他"}


def safe_text(value: str) -> str:
    """A cell never starts a formula: text beginning with = + - @ gets a leading apostrophe."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _row(entry: views.Entry, day: date) -> list[Any]:
    a = entry.answer
    return [
        day,
        safe_text(entry.name),
        entry.credit_code,
        region_label(entry.region_code),
        safe_text(entry.chain),
        _TIERS.get(entry.tier, entry.tier),
        entry.status.zh,
        a.status.zh if a else "",
        a.registered if a else None,
        a.on_duty if a else None,
        round(a.staff_rate, 1) if a and a.staff_rate is not None else None,
        a.capacity if a else None,
        a.expected if a else None,
        a.bottleneck.zh if a and a.bottleneck else "",
        entry.answered_at,
        entry.version or None,
        ("联络员代填" if entry.on_behalf else "企业填报") if a else "",
    ]


async def write_checkins(
    db: Database,
    sink: TableSink,
    *,
    region: str | None = None,
    chain: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> int:
    """The sheet into `sink`; the number of rows."""
    sink.table(CHECKIN_SHEET, CHECKIN_HEADERS)
    count = 0
    for day in await views.rounds(db, date_from, date_to):
        items = await views.entries(db, day, region_prefix=region or "", chain=chain or "")
        for entry in sorted(items, key=lambda e: (e.status is RoundStatus.EXEMPT, e.name)):
            sink.row(_row(entry, day))
            count += 1
    return count


async def export_checkins(
    db: Database,
    path: Path,
    *,
    region: str | None = None,
    chain: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    tz: ZoneInfo = SHANGHAI,
) -> list[Path]:
    sink = TableSink(Path(path), tz)
    await write_checkins(db, sink, region=region, chain=chain, date_from=date_from, date_to=date_to)
    return sink.close()
