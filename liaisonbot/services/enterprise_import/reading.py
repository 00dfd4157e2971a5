"""Reading a list file: every row checked on its own, the rest kept for planning."""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path

from liaisonbot.files import list_headers as h
from liaisonbot.files.archive_guard import DEFAULT_LIMITS, ImportLimits
from liaisonbot.files.list_reader import ListFileError, open_list
from liaisonbot.services.enterprise_import.report import ImportResult
from liaisonbot.services.enterprise_import.row_error import RowError
from liaisonbot.services.enterprise_import.validate import (
    EnterpriseRow,
    parse_credit_code,
    parse_row,
)


@dataclass
class Parsed:
    sha256: str
    present: frozenset[str]
    rows: list[EnterpriseRow]  # rows that passed their own checks, in file order
    codes: list[tuple[int, str]]  # (row, credit code) of every row whose code is readable
    bad: set[int]  # row numbers with errors


def read_list(
    path: Path, result: ImportResult, limits: ImportLimits = DEFAULT_LIMITS
) -> Parsed | None:
    try:
        with open_list(path, limits) as sheet:
            present = sheet.headers.present
            if sheet.headers.unknown:
                result.warnings.append(
                    RowError(
                        sheet.header_row,
                        "unknown_columns",
                        params={"columns": list(sheet.headers.unknown)},
                        severity="warning",
                    )
                )
            rows: list[EnterpriseRow] = []
            codes: list[tuple[int, str]] = []
            bad: set[int] = set()
            for number, cells in sheet.rows:
                result.total += 1
                parsed = parse_row(number, cells, present)
                if isinstance(parsed, EnterpriseRow):
                    rows.append(parsed)
                    codes.append((number, parsed.credit_code))
                    continue
                result.errors.extend(parsed)
                bad.add(number)
                with contextlib.suppress(ValueError):
                    codes.append((number, parse_credit_code(cells.get(h.CREDIT_CODE, ""))))
    except ListFileError as exc:
        result.errors.extend(exc.errors)
        return None
    if result.total == 0:
        result.errors.append(RowError(0, "no_rows"))
        return None
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return Parsed(digest.hexdigest(), present, rows, codes, bad)
