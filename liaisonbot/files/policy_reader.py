"""Read a policy library from .xlsx, .csv or .yaml into rows of {field: value}.

Row numbers are the spreadsheet's (the header row included) for .xlsx and .csv, and the entry's
position (from 1) for .yaml, whose file is a list of mappings or `{policies: [...]}`. The same
size limits as enterprise lists apply before anything is parsed (files/archive_guard.py).
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from liaisonbot.files.archive_guard import (
    DEFAULT_LIMITS,
    ImportLimits,
    LimitExceeded,
    check_file_size,
    check_xlsx,
)
from liaisonbot.files.list_reader import ListFileError, cell_text, detect_encoding
from liaisonbot.files.policy_headers import FIELDS, REQUIRED, field_of, header_label
from liaisonbot.i18n import t

SUFFIXES = frozenset({".xlsx", ".xlsm", ".csv", ".tsv", ".yaml", ".yml"})
HEADER_SCAN_ROWS = 10


@dataclass(frozen=True)
class Problem:
    """Why a row (or the file: row 0) is refused; the sentence is `policy.error.<code>`."""

    row: int
    code: str
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def line(self, lang: str = "zh") -> str:
        label = header_label(self.field, lang) if self.field else ""
        message = t(lang, f"policy.error.{self.code}", field=label, **self.params)
        if self.row <= 0:
            return message
        return t(lang, "policy.error.at_row", row=self.row, message=message)


class PolicyFileError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.code for p in problems))
        self.problems = problems


Row = tuple[int, dict[str, Any]]


def read_policies(path: str | Path, limits: ImportLimits = DEFAULT_LIMITS) -> list[Row]:
    """Every non-empty row as (row number, {field: value}); PolicyFileError when the file as a
    whole cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise PolicyFileError([Problem(0, "file_not_found", params={"path": path.name})])
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise PolicyFileError([Problem(0, "format", params={"suffix": suffix or "?"})])
    try:
        (check_xlsx if suffix in (".xlsx", ".xlsm") else check_file_size)(path, limits)
    except LimitExceeded as exc:
        raise PolicyFileError(
            [Problem(0, "limit", params={"reason": exc.error.message("zh")})]
        ) from None
    if suffix in (".yaml", ".yml"):
        return _yaml_rows(path)
    lines = _xlsx_lines(path) if suffix in (".xlsx", ".xlsm") else _csv_lines(path)
    rows = list(_table_rows(lines, limits))
    if len(rows) > limits.rows:
        raise PolicyFileError([Problem(0, "limit", params={"reason": str(limits.rows)})])
    return rows


def _csv_lines(path: Path) -> Iterator[list[Any]]:
    try:
        encoding = detect_encoding(path)
    except ListFileError:
        raise PolicyFileError([Problem(0, "unreadable")]) from None
    with path.open(encoding=encoding, newline="") as f:
        sample = f.readline()
        f.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        try:
            yield from csv.reader(f, delimiter=delimiter)
        except csv.Error:
            raise PolicyFileError([Problem(0, "unreadable")]) from None


def _xlsx_lines(path: Path) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise PolicyFileError([Problem(0, "unreadable")]) from None
    try:
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(values_only=True):
            yield list(cells)
    finally:
        workbook.close()


def _table_rows(lines: Iterator[list[Any]], limits: ImportLimits) -> Iterator[Row]:
    columns: dict[str, int] | None = None
    for number, cells in enumerate(lines, start=1):
        if columns is None:
            mapped = [(field_of(c), i) for i, c in enumerate(cells)]
            found = {key: i for key, i in mapped if key is not None}
            if "title" in found:
                columns = found
            elif number >= HEADER_SCAN_ROWS:
                break
            continue
        record = {key: cell_text(cells[i]) if i < len(cells) else "" for key, i in columns.items()}
        if not any(str(v).strip() for v in record.values()):
            continue
        if max(len(str(v)) for v in record.values()) > limits.cell_chars:
            raise PolicyFileError(
                [Problem(number, "too_long", params={"limit": limits.cell_chars})]
            )
        yield number, record
    if columns is None:
        names = "、".join(FIELDS[k][0] for k in REQUIRED)
        raise PolicyFileError([Problem(0, "no_header", params={"columns": names})])


def _yaml_rows(path: Path) -> list[Row]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeError):
        raise PolicyFileError([Problem(0, "unreadable")]) from None
    if isinstance(data, dict):
        data = data.get("policies")
    if not isinstance(data, list):
        raise PolicyFileError([Problem(0, "unreadable")])
    rows: list[Row] = []
    for number, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            raise PolicyFileError([Problem(number, "not_mapping")])
        record: dict[str, Any] = {}
        for name, value in entry.items():
            key = field_of(name)
            if key is not None:
                record[key] = value
        rows.append((number, record))
    return rows
