"""The admin's command line: each command's effect on the database, and one-line refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from liaisonbot.cli import main

CSV = (
    "企业名称,统一社会信用代码,地区代码,产业链,企业类型\n"
    "闽江精密部件有限公司,91350100M000100Y43,350100,汽车,核心配套\n"
)


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("LIAISONBOT_DB", str(path))
    monkeypatch.delenv("LIAISONBOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return path


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_migrate_records_the_schema_version(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    assert "schema version" in capsys.readouterr().out
    assert query(db_path, "SELECT version FROM schema_migrations")[0] == (1,)
    assert query(db_path, "PRAGMA journal_mode") == [("wal",)]
    assert main(["migrate"]) == 0  # idempotent


def test_run_without_token_is_one_clear_line(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "LIAISONBOT_TOKEN" in err


def test_import_bind_grant_and_group(db_path: Path, tmp_path: Path) -> None:
    csv = tmp_path / "list.csv"
    csv.write_text(CSV, encoding="utf-8")
    assert main(["import", "enterprises", str(csv)]) == 0
    assert main(["bind-contact", "91350100M000100Y43", "5001"]) == 0
    assert main(["grant", "officer", "6001", "--region", "35", "--chain", "汽车"]) == 0
    assert main(["group", "bind", "-1001", "--region", "3501", "--chain", "汽车"]) == 0
    assert query(db_path, "SELECT user_id FROM contacts") == [(5001,)]
    assert query(db_path, "SELECT role, region_prefix, chain FROM roles") == [
        ("officer", "35", "汽车")
    ]
    assert query(db_path, "SELECT chat_id, region_prefix FROM liaison_groups") == [(-1001, "3501")]


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["bind-contact", "91350100M000100Y4Z", "5"], "invalid code"),
        (["bind-contact", "91350100M000100Y43", "5"], "no enterprise with credit code"),
        (["grant", "officer", "6001", "--region", "4499"], "unknown region"),
        (["group", "bind", "1001", "--region", "35"], "negative"),
        (["group", "bind", "-1001"], "--region"),
    ],
)
def test_bad_input_exits_non_zero_with_one_line(
    db_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], reason: str
) -> None:
    assert main(["migrate"]) == 0
    capsys.readouterr()
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert reason in err and err.count("\n") == 1


def test_backup_writes_a_checked_copy_that_restores(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "list.csv").write_text(CSV, encoding="utf-8")
    assert main(["import", "enterprises", str(tmp_path / "list.csv")]) == 0
    capsys.readouterr()

    assert main(["backup", str(tmp_path / "backups" / "copy.db")]) == 0
    out = capsys.readouterr().out
    assert "backups/copy.db" in out and "integrity ok" in out
    copy = tmp_path / "backups" / "copy.db"
    assert query(copy, "SELECT name FROM enterprises") == [("闽江精密部件有限公司",)]


def test_backup_to_an_unwritable_place_is_one_line(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("x")
    assert main(["backup", str(tmp_path / "a-file" / "copy.db")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("liaisonbot: could not write") and "\n" not in err


def test_outbox_lists_what_could_not_be_sent(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO enterprises (id, credit_code, name, region_code, created_at, updated_at)"
            " VALUES (1, '91350100M000100Y43', '闽江', '350100', 'x', 'x')"
        )
        conn.execute(
            "INSERT INTO reports (id, enterprise_id, reporter_id, category, title, source_key,"
            " created_at, updated_at) VALUES (4, 1, 5, 'LOG', 't', 'k', '2026-12-01T00:00:00', 'x')"
        )
        conn.execute(
            "INSERT INTO outbox (kind, report_id, state, created_at, next_attempt_at, attempts,"
            " last_error) VALUES ('card', 4, 'failed', '2026-12-01T00:00:00', 'x', 10,"
            " 'Forbidden: bot was kicked')"
        )
    capsys.readouterr()
    assert main(["outbox"]) == 0
    out = capsys.readouterr().out
    assert "failed 1" in out
    expected = "report 4: group card, 10 failed attempt(s), last error: Forbidden: bot was kicked"
    assert expected in out
