"""The command line's refusals say why and what to do, in English (the command line's one
language, whatever LIAISONBOT_LANG gives the chat); a dry-run digest
writes one ledger per subscription."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaisonbot.cli import main


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("LIAISONBOT_DB", str(path))
    monkeypatch.setenv("LIAISONBOT_CONFIG", "/dev/null")
    monkeypatch.delenv("LIAISONBOT_TOKEN", raising=False)
    monkeypatch.delenv("LIAISONBOT_LANG", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["migrate"]) == 0
    return path


def test_subscribe_without_the_role_shows_the_grant_command(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["subscribe", "7001"]) == 2
    err = capsys.readouterr().err
    assert "for officials" in err and "liaisonbot grant official 7001 --region" in err


def test_a_bad_time_names_the_accepted_forms_in_english_whatever_the_bots_language(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["grant", "official", "7001", "--region", "35"]) == 0
    monkeypatch.setenv("LIAISONBOT_LANG", "zh")
    capsys.readouterr()
    assert main(["subscribe", "7001", "--at", "25:00"]) == 2
    err = capsys.readouterr().err
    assert "HH:MM" in err and "0–23" in err and "refused" not in err


def test_dry_run_writes_one_ledger_per_subscription(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["grant", "official", "7001", "--region", "35"]) == 0
    assert main(["subscribe", "7001", "--region", "35"]) == 0
    assert main(["subscribe", "7001", "--region", "3501", "--at", "18:00"]) == 0
    ledger = tmp_path / "ledger.xlsx"
    assert main(["digest", "--dry-run", "--user", "7001", "--ledger", str(ledger)]) == 0
    written = sorted(p.name for p in tmp_path.glob("ledger*.xlsx"))
    assert len(written) == 2 and "ledger.xlsx" not in written
