"""Read an enterprise list from .xlsx or .csv, row by row, with canonical column keys.

CSV comes as UTF-8 (with or without the BOM Excel writes), GB18030 (what Chinese Excel writes for
"CSV"), or UTF-16 with a BOM ("Unicode text", tab-separated). The encoding is decided line by line
(files/csv_encoding.py): GB18030 only where it gives plausible Chinese, one encoding per file.

The header row is the first of the first `HEADER_SCAN_ROWS` rows that names known columns, so a
title row above it (`XX市重点产业链企业名单`) is fine. Row numbers are the spreadsheet's: the first
line of the file is row 1. Rows with every cell empty are skipped.

.xlsx is read with python-calamine (Rust; ~1 s for 10^5 rows), openpyxl's read-only mode
when calamine is missing (~13 s). Numbers come back as floats from both: `cell_text` prints
integral ones as integers, so a user id or region code typed as a number reads as its digits.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from liaisonbot.files.archive_guard import (
    DEFAULT_LIMITS,
    ImportLimits,
    LimitExceeded,
    check_file_size,
    check_xlsx,
    limit_error,
)
from liaisonbot.files.csv_encoding import EncodingProblem, detect_csv_encoding
from liaisonbot.files.list_headers import HeaderMap, looks_like_header, map_headers
from liaisonbot.services.enterprise_import.row_error import RowError

HEADER_SCAN_ROWS = 10
CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})


class ListFileError(Exception):
    """The file as a whole cannot be read as a list; `errors` say why."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__("; ".join(e.message("en") for e in errors))
        self.errors = list(errors)


@dataclass
class ListSheet:
    header_row: int
    headers: HeaderMap
    rows: Iterator[tuple[int, dict[str, str]]]
    encoding: str | None = None  # for CSV
    sheet: str | None = None  # for xlsx


def cell_text(value: Any) -> str:
    """A cell as the text a person sees in it (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def detect_encoding(path: Path) -> str:
    """'utf-8-sig', 'utf-16' or 'gb18030'; raise ListFileError at the line that is gibberish in
    each of them or in another encoding than the lines before it (see csv_encoding)."""
    try:
        return detect_csv_encoding(path)
    except EncodingProblem as exc:
        if exc.kind == "utf16":
            raise ListFileError([_unreadable(f"line {exc.line}: broken UTF-16 text")]) from None
        code = "mixed_encoding" if exc.kind == "mixed" else "encoding"
        raise ListFileError(
            [RowError(exc.line, code, params={"guess": exc.guess or "?"})]
        ) from None


def _unreadable(reason: str) -> RowError:
    return RowError(0, "unreadable", params={"reason": reason})


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    with path.open("rb") as f:
        magic = f.read(8)
    if magic.startswith(b"PK\x03\x04"):
        return "xlsx"
    if magic.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
        raise ListFileError([RowError(0, "unsupported_format", params={"suffix": suffix})])
    if suffix:
        raise ListFileError([RowError(0, "unsupported_format", params={"suffix": suffix})])
    return "csv"


def _find_header(lines: Iterator[Sequence[Any]]) -> tuple[int, HeaderMap]:
    """Scan the first rows for the header; return its row number and the column map."""
    for number, cells in enumerate(lines, start=1):
        if looks_like_header(cells):
            headers = map_headers(cells)
            problems = [
                RowError(number, "missing_column", params={"column": c}) for c in headers.missing
            ] + [
                RowError(number, "duplicate_column", params={"column": c})
                for c in headers.duplicates
            ]
            if problems:
                raise ListFileError(problems)
            return number, headers
        if number >= HEADER_SCAN_ROWS:
            break
    raise ListFileError([RowError(0, "no_header")])


def _rows(
    lines: Iterator[Sequence[Any]],
    first: int,
    headers: HeaderMap,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> Iterator[tuple[int, dict[str, str]]]:
    columns = list(headers.columns.items())
    count = 0
    for number, cells in enumerate(lines, start=first):
        if not any(c is not None and c != "" for c in cells):
            continue
        count += 1
        if count > limits.rows:
            raise ListFileError([limit_error("rows", limit=limits.rows)])
        width = len(cells)
        record = {key: cell_text(cells[i]) if i < width else "" for key, i in columns}
        longest = max((len(v) for v in record.values()), default=0)
        if longest > limits.cell_chars:
            raise ListFileError(
                [limit_error("cell", row=number, length=longest, limit=limits.cell_chars)]
            )
        if not any(v.strip() for v in record.values()):
            continue
        yield number, record


def _csv_lines(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """The reader's records; a broken file (NUL bytes, a runaway quote) is ListFileError."""
    try:
        yield from reader
    except (csv.Error, UnicodeError) as exc:
        raise ListFileError(
            [_unreadable(f"line {getattr(reader, 'line_num', '?')}: {exc}")]
        ) from exc


def _xlsx_lines(rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    try:
        yield from rows
    except Exception as exc:  # a damaged sheet: openpyxl and the XML parser raise many kinds
        raise ListFileError([_unreadable(f"{type(exc).__name__}: {exc}")]) from exc


@contextmanager
def open_list(path: str | Path, limits: ImportLimits = DEFAULT_LIMITS) -> Iterator[ListSheet]:
    """Open a list and find its header; raise ListFileError when that is impossible or the file
    is over one of `limits` (checked before the file is parsed: see archive_guard)."""
    path = Path(path)
    if not path.is_file():
        raise ListFileError([RowError(0, "file_not_found", params={"path": str(path)})])
    kind = _kind(path)
    try:
        (check_file_size if kind == "csv" else check_xlsx)(path, limits)
    except LimitExceeded as exc:
        raise ListFileError([exc.error]) from None
    if kind == "csv":
        encoding = detect_encoding(path)
        with path.open(encoding=encoding, newline="") as f:
            try:
                sample = f.readline()
                f.seek(0)
                lines: Iterator[Sequence[Any]] = _csv_lines(
                    csv.reader(f, delimiter=_delimiter(sample))
                )
                number, headers = _find_header(lines)
            except (csv.Error, UnicodeError) as exc:
                raise ListFileError([_unreadable(str(exc))]) from exc
            yield ListSheet(
                number, headers, _rows(lines, number + 1, headers, limits), encoding=encoding
            )
        return
    with _open_xlsx(path) as sheets:
        found: ListFileError | None = None
        for title, rows in sheets:
            lines = _xlsx_lines(rows)
            try:
                number, headers = _find_header(lines)
            except ListFileError as exc:
                # Prefer a sheet whose header is wrong over sheets without any header.
                if found is None or found.errors[0].code == "no_header":
                    found = exc
                continue
            yield ListSheet(number, headers, _rows(lines, number + 1, headers, limits), sheet=title)
            return
        raise found or ListFileError([RowError(0, "no_header")])


@contextmanager
def _open_xlsx(path: Path) -> Iterator[Iterator[tuple[str, Iterator[Sequence[Any]]]]]:
    """(sheet title, rows from the sheet's row 1) for each worksheet, in workbook order.

    python-calamine (Rust) reads a 10^5-row sheet in about a second, where openpyxl's read-only
    mode takes ~13 s; openpyxl stays the fallback when calamine is not installed. calamine gives
    numbers as floats (`1001.0`) and empty cells as "": `cell_text` prints integral floats without
    the `.0`, and `_rows` skips empty cells, so both readers yield the same text.
    """
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - the dependency is declared; openpyxl still works
        with _open_openpyxl(path) as fallback:
            yield fallback
        return
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # a damaged file: zip, XML or calamine errors
        raise ListFileError([_unreadable(f"{type(exc).__name__}: {exc}")]) from exc

    def sheets() -> Iterator[tuple[str, Iterator[Sequence[Any]]]]:
        for name in workbook.sheet_names:
            try:
                sheet = workbook.get_sheet_by_name(name)
            except Exception as exc:  # a chart sheet, a damaged sheet
                raise ListFileError([_unreadable(f"{type(exc).__name__}: {exc}")]) from exc
            if sheet.start is None:  # an empty sheet
                continue
            # calamine's rows begin at the sheet's row 1 (empty rows above the data included),
            # so the spreadsheet's row numbers hold; columns begin at the first used one, the
            # same for every row, which the header map does not mind.
            yield name, sheet.iter_rows()

    try:
        yield sheets()
    finally:
        workbook.close()


@contextmanager
def _open_openpyxl(path: Path) -> Iterator[Iterator[tuple[str, Iterator[Sequence[Any]]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ListFileError([_unreadable(f"{type(exc).__name__}: {exc}")]) from exc
    try:
        yield ((sheet.title, sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets)
    finally:
        workbook.close()


def read_list(
    path: str | Path, limits: ImportLimits = DEFAULT_LIMITS
) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {canonical key: cell text}) for every non-empty row under the header."""
    with open_list(path, limits) as sheet:
        yield from sheet.rows
