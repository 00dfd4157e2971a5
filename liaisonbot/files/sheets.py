"""Tables written to .xlsx or .csv, the way every file the bot hands out looks.

.xlsx: one sheet per table, Chinese headers in bold on a frozen first row, column widths by
header, times as real Excel dates in the officials' zone (Asia/Shanghai by default). .csv: UTF-8
with a BOM (so Excel opens it as Chinese text) and one file per table: the first table at the path
given, each further one beside it as `<stem>-<table>.csv`. Rows are streamed into a write-only
workbook, so 10^5 rows stay within memory.

Every text a user typed may end up in a cell, so text is made harmless here, at the one place
every file is written: characters openpyxl refuses (control characters) are removed, a text that
looks like a formula or an error code is written as a text cell with Excel's quote prefix (Excel
and WPS show it, never evaluate it), and a CSV cell starting with = + - @, tab or carriage return
gets a leading single quote (OWASP's rule for CSV injection).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from liaisonbot.domain.codes import region_name
from liaisonbot.domain.vocabulary import Labelled

SHANGHAI = ZoneInfo("Asia/Shanghai")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0%"


class Share(float):
    """A share (0.42) written as a number with a percentage format (42%); in a .csv as 42%."""

    def __str__(self) -> str:
        return f"{self:.0%}"


CSV_DATETIME = "%Y-%m-%d %H:%M"

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
    "指标": 22,
    "口径": 90,
}
DEFAULT_WIDTH = 12

# What openpyxl refuses in a cell (its ILLEGAL_CHARACTERS_RE: C0 controls but tab and newlines).
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f]")
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_LIMIT = 32767  # characters in one cell


def cell_safe(text: str) -> str:
    """`text` without the characters a spreadsheet cannot hold, within one cell's length."""
    return ILLEGAL_CHARACTERS.sub("", text)[:XLSX_LIMIT]


def csv_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet reads as a formula (a leading ' where OWASP asks for it)."""
    if not isinstance(value, str):
        return value
    value = cell_safe(value)
    return "'" + value if value.startswith(CSV_FORMULA_START) else value


def _text_cell(sheet: Any, text: str) -> Any:
    """A write-only cell holding `text` as text, even when it starts with = or is #N/A."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=None)
    cell._value = text  # type: ignore[attr-defined]  # the value, not parsed as a formula
    cell.data_type = "s"
    cell.quotePrefix = True  # Excel and WPS keep it text when the cell is edited
    return cell


def _formula_like(text: str) -> bool:
    from openpyxl.cell.cell import ERROR_CODES

    return text.startswith(CSV_FORMULA_START) or text in ERROR_CODES


def zh_label(kind: type[Labelled], value: str | None) -> str:
    """The Chinese label of a vocabulary `value`; an unknown one as stored, none as ""."""
    if not value:
        return ""
    try:
        return kind(value).zh
    except ValueError:
        return value


@lru_cache(maxsize=4096)
def region_label(code: str) -> str:
    """The region's name ("" if the code is unknown); cached, as a list repeats a few codes."""
    return region_name(code) or ""


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
        elif isinstance(value, Share):
            cell = WriteOnlyCell(sheet, value=float(value))
            cell.number_format = PERCENT_FORMAT
            out.append(cell)
        elif isinstance(value, str):
            text = cell_safe(value)
            out.append(_text_cell(sheet, text) if _formula_like(text) else text)
        else:
            out.append(value)
    sheet.append(out)


class TableSink:
    """Tables written one row at a time: to an .xlsx workbook or .csv files at `path`, or (no
    path) to an .xlsx workbook in memory, read back with `bytes()`."""

    def __init__(self, path: Path | None, tz: ZoneInfo, widths: Mapping[str, int] = WIDTHS) -> None:
        suffix = path.suffix.lower() if path is not None else ".xlsx"
        if suffix not in (".xlsx", ".csv"):
            name = path.name if path is not None else ""
            raise ValueError(f"export to .xlsx or .csv, not {suffix or name!r}")
        self.path = path
        self.tz = tz
        self.widths = widths
        self.xlsx = suffix == ".xlsx"
        self.paths: list[Path] = []
        self._csv: TextIO | None = None
        self._writer: Any = None
        self._sheet: Any = None
        if self.xlsx:
            from openpyxl import Workbook

            self.book = Workbook(write_only=True)

    def table(self, title: str, headers: Sequence[str]) -> None:
        if self.xlsx:
            self._sheet = xlsx_sheet(self.book, title, headers, self.widths)
            return
        assert self.path is not None
        self._close_csv()
        path = self.path if not self.paths else self.path.with_name(f"{self.path.stem}-{title}.csv")
        self._csv = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._csv)
        self._writer.writerow([csv_safe(h) for h in headers])
        self.paths.append(path)

    def row(self, values: Sequence[Any]) -> None:
        if self.xlsx:
            xlsx_row(self._sheet, values, self.tz)
            return
        self._writer.writerow(
            [
                local_time(v, self.tz).strftime(CSV_DATETIME)
                if isinstance(v, datetime)
                else str(v)
                if isinstance(v, Share)
                else csv_safe(v)
                for v in values
            ]
        )

    def _close_csv(self) -> None:
        if self._csv is not None:
            self._csv.close()
            self._csv = None

    def close(self) -> list[Path]:
        """Save to `path`; the paths written."""
        assert self.path is not None
        if self.xlsx:
            self.book.save(self.path)
            return [self.path]
        self._close_csv()
        return self.paths

    def bytes(self) -> bytes:
        """The in-memory workbook's bytes."""
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()
