"""Reading .xlsx through python-calamine: numbers typed into cells, row numbers when the table
does not start at A1, and the openpyxl fallback reading the same."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest

from liaisonbot.files import list_headers as h
from liaisonbot.files.list_reader import cell_text, open_list, read_list
from tests.lists.conftest import LEADING_CODE


def _book(path: Path, cells: dict[str, Any]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "名单"
    for ref, value in cells.items():
        sheet[ref] = value
    book.save(path)
    return path


def test_numbers_typed_into_cells_read_as_their_digits(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "n.xlsx",
        {
            "A1": "企业名称", "B1": "统一社会信用代码", "C1": "地区代码", "D1": "联络员",
            "E1": "联系人",
            "A2": "甲", "B2": LEADING_CODE, "C2": 110108, "D2": 7000000001, "E2": 1e17,
        },
    )  # fmt: skip
    [(number, row)] = list(read_list(path))
    assert number == 2
    assert row[h.REGION_CODE] == "110108"
    assert row[h.LIAISON] == "7000000001"
    assert row[h.CONTACTS] == "100000000000000000"  # never "1e+17" or "1.0e17"


def test_a_table_away_from_a1_keeps_the_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "o.xlsx",
        {
            "C2": "某市企业名单",
            "C5": "name", "D5": "credit_code", "E5": "region_code",
            "C6": "甲", "D6": LEADING_CODE, "E6": "110108",
            "C8": "乙", "D8": "X", "E8": "11",
        },
    )  # fmt: skip
    with open_list(path) as sheet:
        assert sheet.header_row == 5
        assert [n for n, _ in sheet.rows] == [6, 8]


def test_openpyxl_fallback_reads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _book(
        tmp_path / "f.xlsx",
        {
            "B3": "name", "C3": "credit_code", "D3": "region_code", "E3": "liaison",
            "B4": "甲", "C4": LEADING_CODE, "D4": 110108, "E4": 1001,
        },
    )  # fmt: skip
    with_calamine = list(read_list(path))
    real_import = builtins.__import__

    def no_calamine(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "python_calamine":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_calamine)
    assert (
        list(read_list(path))
        == with_calamine
        == [
            (
                4,
                {
                    h.NAME: "甲",
                    h.CREDIT_CODE: LEADING_CODE,
                    h.REGION_CODE: "110108",
                    h.LIAISON: "1001",
                },
            )
        ]
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [(1001.0, "1001"), (1.5, "1.5"), (1e17, "100000000000000000"), (True, "是"), ("", "")],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text
