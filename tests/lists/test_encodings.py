"""CSV lists in the wrong encoding are refused at the row where they go wrong, never imported as
gibberish; UTF-8 (with or without BOM) and GB18030 Chinese read as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaisonbot.files import list_headers as h
from liaisonbot.files.csv_encoding import plausible_chinese
from liaisonbot.files.list_reader import ListFileError, read_list

HEADER_ASCII = "name,credit code,region code\n"
HEADER_ZH = "企业名称,统一社会信用代码,地区代码\n"


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    return path


def _refusal(path: Path) -> tuple[int, str, str]:
    with pytest.raises(ListFileError) as caught:
        list(read_list(path))
    [error] = caught.value.errors
    return error.row, error.code, error.line("zh")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_chinese_in_utf8_and_gb18030_reads(tmp_path: Path, encoding: str) -> None:
    text = HEADER_ZH + "福建喆堃科技有限公司,X,350100\n北京龙头科技有限公司,Y,110108\n"
    rows = list(read_list(_write(tmp_path, text.encode(encoding))))
    assert [r[h.NAME] for _, r in rows] == ["福建喆堃科技有限公司", "北京龙头科技有限公司"]


@pytest.mark.parametrize(
    ("encoding", "body", "bad_row"),
    [
        ("big5", HEADER_ZH.replace("企业", "企業") + "臺灣積體電路製造股份有限公司,X,110108\n", 1),
        ("shift_jis", HEADER_ASCII + "東京電力株式会社,X,110108\n", 2),
        ("latin-1", HEADER_ASCII + "Acme Ltd,X,110108\nCafé Société,X,110108\n", 3),
        ("cp1252", HEADER_ASCII + "Müller “Werke” GmbH,X,110108\n", 2),
    ],
)
def test_other_encodings_are_refused_at_the_row(
    tmp_path: Path, encoding: str, body: str, bad_row: int
) -> None:
    path = _write(tmp_path, body.replace("统一", "統一").encode(encoding, "replace"))
    row, code, line = _refusal(path)
    assert (row, code) == (bad_row, "encoding")
    assert f"第 {bad_row} 行" in line
    assert "UTF-8" in line and ".xlsx" in line  # the advice


def test_big5_names_what_it_looks_like(tmp_path: Path) -> None:
    body = "企業名稱,統一社會信用代碼,地區代碼\n" + "北京龍頭科技有限公司,X,110108\n" * 20
    _, _, line = _refusal(_write(tmp_path, body.encode("big5")))
    assert "big5" in line.lower()


def test_a_utf8_row_among_gbk_rows_is_refused_at_that_row(tmp_path: Path) -> None:
    data = (
        (HEADER_ZH + "北京龙头科技有限公司,X,110108\n").encode("gb18030")
        + "福州配套有限公司,Y,350100\n".encode()
        + "某事业单位,Z,11\n".encode("gb18030")
    )
    assert _refusal(_write(tmp_path, data))[:2] == (3, "mixed_encoding")


def test_a_gbk_row_among_utf8_rows_is_refused_at_that_row(tmp_path: Path) -> None:
    data = (HEADER_ZH + "北京龙头科技有限公司,X,110108\n").encode("utf-8-sig") + (
        "福州配套有限公司,Y,350100\n".encode("gb18030")
    )
    row, code, line = _refusal(_write(tmp_path, data))
    assert (row, code) == (3, "mixed_encoding")
    assert "UTF-8" in line


def test_plausible_chinese() -> None:
    assert plausible_chinese("北京龙头科技有限公司，福建喆堃玥科技")
    assert not plausible_chinese("籓芖縩砰筿隔籹硑Τそ")
    assert not plausible_chinese("\ue77e穨")  # private use


def test_command_line_refuses_a_big5_list_and_imports_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from liaisonbot.cli import main

    monkeypatch.setenv("LIAISONBOT_DB", str(tmp_path / "cli.db"))
    monkeypatch.delenv("LIAISONBOT_TOKEN", raising=False)
    big5 = "企業名稱,統一社會信用代碼,地區代碼\n閩江精密部件有限公司,91350100M000100Y43,350100\n"
    path = _write(tmp_path, big5.encode("big5"))
    assert main(["import", "enterprises", str(path)]) != 0
    out = capsys.readouterr()
    assert "第 1 行" in out.out + out.err and "UTF-8" in out.out + out.err
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM enterprises").fetchone() == (0,)
