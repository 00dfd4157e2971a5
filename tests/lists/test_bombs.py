"""Lists over a limit are refused before they are parsed, naming the limit (small limits here;
bench/bench_bombs.py measures the real bombs)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from liaisonbot.cli import main
from liaisonbot.files.archive_guard import ImportLimits
from liaisonbot.services.enterprise_import.importer import import_enterprises
from liaisonbot.store import Database
from tests.lists.conftest import NOW, good_rows, write_csv, write_xlsx


def codes(result: object) -> list[str]:
    return [e.code for e in result.errors]  # type: ignore[attr-defined]


def inflate_member(path: Path, name: str, size: int) -> Path:
    """Add a member of `size` zero bytes (compresses ~1000:1)."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr(name, b"0" * size)
    return path


async def test_each_limit_is_named(db: Database, tmp_path: Path) -> None:
    many = good_rows() * 40  # 160 rows
    cases = [
        (write_csv(tmp_path / "a.csv", many), ImportLimits(file_mb=0.001), "limit_file"),
        (write_csv(tmp_path / "b.csv", many), ImportLimits(rows=100), "limit_rows"),
        (write_xlsx(tmp_path / "c.xlsx", many), ImportLimits(rows=100), "limit_rows"),
        (
            write_csv(tmp_path / "d.csv", [["企" * 500, *good_rows()[0][1:]]]),
            ImportLimits(cell_chars=200),
            "limit_cell",
        ),
        (
            inflate_member(
                write_xlsx(tmp_path / "e.xlsx", good_rows()), "xl/sharedStrings2.xml", 3 << 20
            ),
            ImportLimits(member_mb=1),
            "limit_member",
        ),
        (
            inflate_member(write_xlsx(tmp_path / "f.xlsx", good_rows()), "xl/big.xml", 3 << 20),
            ImportLimits(ratio=50),
            "limit_ratio",
        ),
    ]
    for path, limits, code in cases:
        result = await import_enterprises(db, path, now=NOW, limits=limits)
        assert codes(result) == [code], (path.name, codes(result))
        assert not result.applied
        message = result.errors[0].message("zh")
        assert "LIAISONBOT_IMPORT_MAX_" in message and "{" not in message


def test_the_command_line_names_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LIAISONBOT_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("LIAISONBOT_IMPORT_MAX_ROWS", "3")
    monkeypatch.setenv("LIAISONBOT_CONFIG", str(tmp_path / "none.toml"))
    path = write_xlsx(tmp_path / "list.xlsx", good_rows())
    assert main(["import", "enterprises", str(path)]) == 1
    out = capsys.readouterr().out
    assert "行数超过上限 3 行" in out and "LIAISONBOT_IMPORT_MAX_ROWS" in out
