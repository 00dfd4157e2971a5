"""Reading lists: CSV in each encoding, .xlsx, header detection and row numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaisonbot.files import list_headers as h
from liaisonbot.files.list_reader import ListFileError, detect_encoding, open_list, read_list
from tests.lists.conftest import HEADER, LEADING_CODE, good_rows, write_csv, write_xlsx


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf-8", "utf-8-sig"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
    ],
)
def test_csv_encodings_read_the_same(tmp_path: Path, encoding: str, detected: str) -> None:
    delimiter = "\t" if encoding == "utf-16" else ","  # Excel's "Unicode text" is tab-separated
    path = write_csv(tmp_path / "list.csv", good_rows(), encoding=encoding, delimiter=delimiter)
    assert detect_encoding(path) == detected
    rows = list(read_list(path))
    assert [n for n, _ in rows] == [2, 3, 4, 5]
    _, first = rows[0]
    assert first[h.NAME] == "北京龙头科技有限公司"
    assert first[h.CREDIT_CODE] == LEADING_CODE
    assert rows[1][1][h.CONTACTS] == "2002；2003"
    assert set(first) == set(h.FIELDS)


def test_gb18030_is_not_mistaken_for_utf8(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes("企业名称,统一社会信用代码,地区代码\n龙头,X,110108\n".encode("gb18030"))
    with open_list(path) as sheet:
        assert sheet.encoding == "gb18030"
        assert list(sheet.rows) == [
            (2, {h.NAME: "龙头", h.CREDIT_CODE: "X", h.REGION_CODE: "110108"})
        ]


def test_xlsx_numbers_title_rows_and_blank_rows(tmp_path: Path) -> None:
    rows = good_rows()
    rows[0][2] = 110108  # a number cell, as Excel stores typed digits
    rows[0][9] = 1001
    rows.insert(1, [None] * len(HEADER))  # a blank line inside the table
    path = write_xlsx(tmp_path / "list.xlsx", rows, title_rows=[["某市重点产业链企业名单"], []])
    with open_list(path) as sheet:
        assert sheet.header_row == 3
        assert sheet.sheet == "名单"
        read = list(sheet.rows)
    assert [n for n, _ in read] == [4, 6, 7, 8]  # the spreadsheet's row numbers
    assert read[0][1][h.REGION_CODE] == "110108"
    assert read[0][1][h.LIAISON] == "1001"


def test_xlsx_header_on_a_later_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "说明"
    notes.append(["填表说明：请在下一个工作表填写"])
    data = book.create_sheet("企业")
    data.append(["name", "credit_code", "region_code"])
    data.append(["A", LEADING_CODE, "110108"])
    book.save(tmp_path / "l.xlsx")
    assert list(read_list(tmp_path / "l.xlsx")) == [
        (2, {h.NAME: "A", h.CREDIT_CODE: LEADING_CODE, h.REGION_CODE: "110108"})
    ]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "unsupported_format"),
        ("list.pdf", b"%PDF-1.4", "unsupported_format"),
        ("list.csv", "随便写点什么\n没有表头\n".encode(), "no_header"),
        ("list.csv", "企业名称,产业链\n甲,汽车\n".encode(), "missing_column"),
        ("list.csv", "企业名称,name,统一社会信用代码,地区代码\n".encode(), "duplicate_column"),
        ("list.xlsx", b"PK\x03\x04 not really a zip", "unreadable"),
        ("list.csv", b"\xff\xfe\x00", "unreadable"),
    ],
)
def test_file_errors(tmp_path: Path, name: str, content: bytes, code: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ListFileError) as caught, open_list(path):
        pass
    assert caught.value.errors[0].code == code


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ListFileError) as caught, open_list(tmp_path / "nope.csv"):
        pass
    assert caught.value.errors[0].code == "file_not_found"
