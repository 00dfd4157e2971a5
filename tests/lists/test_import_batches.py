"""An import applies in short transactions and stays all or nothing: a failure part-way, a change
made by someone else after the plan, and a crash (kill -9) all leave the store exactly as before.
tests/lists/conftest.py makes every batch two rows, so each phase takes several transactions."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

import liaisonbot.services.enterprise_import.importer as importer
from liaisonbot.services.enterprise_import.importer import import_enterprises
from liaisonbot.store import Database
from liaisonbot.store.enterprise_lists import EnterpriseListRepository
from liaisonbot.store.process import this_process
from tests.lists.conftest import (
    LATER,
    LEADING_CODE,
    NOW,
    SUPPLIER_CODE,
    good_rows,
    snapshot,
    table,
    write_csv,
)
from tests.support.enterprise_lists import generate_rows

ROOT = Path(__file__).resolve().parents[2]
DEAD = f"{socket.gethostname()}:999999999:1"  # a process that no longer runs


def second_list(tmp_path: Path) -> Path:
    """Against the stored good_rows(): updates, links replaced and removed, a contact moved, a new
    officer (a grant), and twelve new enterprises with their links, officers and contacts."""
    rows = good_rows()
    rows[0][0] = "北京龙头科技集团有限公司"  # name
    rows[1][3] = "电子信息"  # chain
    rows[1][9] = "1004"  # a new officer: a grant
    rows[1][10] = "2002"
    rows[2][5] = ""  # its link removed
    rows[3][8] = "中型"  # size
    rows[3][10] = "2003"  # moves from the supplier
    return write_csv(tmp_path / "v2.csv", rows + generate_rows(12, seed=7, leading=3, officers=4))


async def first_import(db: Database, tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    result = await import_enterprises(db, write_csv(tmp_path / "v1.csv", good_rows()), now=NOW)
    assert result.applied
    return await snapshot(db)


async def last_import(db: Database) -> tuple[Any, ...]:
    rows = await table(
        db, "SELECT file_name, status, claimed_by FROM enterprise_imports ORDER BY id DESC LIMIT 1"
    )
    return rows[0]


async def undo_rows(db: Database) -> int:
    return len(await table(db, "SELECT id FROM enterprise_import_undo"))


WRITERS = [
    "insert_enterprises",
    "update_enterprises",
    "replace_links",
    "add_changes",
    "grant_officers",
    "bind_contacts",
]


@pytest.mark.parametrize("writer", WRITERS)
async def test_a_failure_part_way_leaves_the_store_as_before(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    before = await first_import(db, tmp_path)
    real = getattr(EnterpriseListRepository, writer)
    calls = 0

    async def fails_the_second_time(self: EnterpriseListRepository, *args: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("disk went away")
        await real(self, *args)

    monkeypatch.setattr(EnterpriseListRepository, writer, fails_the_second_time)
    with pytest.raises(OSError):
        await import_enterprises(db, second_list(tmp_path), now=LATER)

    assert calls == 2  # it failed part-way, after a batch of its phase was written
    assert await snapshot(db) == before  # updated_at, links, contacts, grants, change log
    assert await last_import(db) == ("v2.csv", "rolled_back", "")
    assert await undo_rows(db) == 0

    monkeypatch.setattr(EnterpriseListRepository, writer, real)
    result = await import_enterprises(db, second_list(tmp_path), now=LATER)
    assert result.applied and (result.created, result.updated) == (12, 4)


async def test_the_same_list_twice_changes_nothing_the_second_time(
    db: Database, tmp_path: Path
) -> None:
    await first_import(db, tmp_path)
    path = second_list(tmp_path)
    assert (await import_enterprises(db, path, now=NOW)).applied
    before = await snapshot(db)
    again = await import_enterprises(db, path, now=LATER)
    assert again.applied and (again.created, again.updated, again.unchanged) == (0, 0, 16)
    assert await snapshot(db) == before
    assert await undo_rows(db) == 0


async def _meanwhile(
    monkeypatch: pytest.MonkeyPatch, db: Database, sql: str, params: tuple[Any, ...]
) -> None:
    """After the plan and before the first batch, another process writes `sql`."""
    real_plan = importer.plan

    async def plan_then_someone_writes(*args: Any) -> Any:
        writes = await real_plan(*args)
        other = await Database(db.path).open()
        try:
            async with other.transaction() as conn:
                await conn.execute(sql, params)
        finally:
            await other.close()
        return writes

    monkeypatch.setattr(importer, "plan", plan_then_someone_writes)


async def test_an_enterprise_changed_after_the_plan_refuses_the_import(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await first_import(db, tmp_path)
    await _meanwhile(
        monkeypatch,
        db,
        "UPDATE enterprises SET liaison_officer_id = 1009, updated_at = 'x' WHERE credit_code = ?",
        (SUPPLIER_CODE,),
    )
    result = await import_enterprises(db, second_list(tmp_path), now=LATER)
    changed = await snapshot(db)

    assert not result.applied
    assert result.errors[0].code == "changed_meanwhile"
    assert SUPPLIER_CODE in result.render() and "请重新导入" in result.render()
    assert "import the list again" in result.render("en")
    # Only the other process's change is there: the new enterprises were written, then undone.
    assert len(changed["enterprises"]) == 4
    assert (1009, "x") in await table(db, "SELECT liaison_officer_id, updated_at FROM enterprises")
    assert await last_import(db) == ("v2.csv", "rolled_back", "")


async def test_a_contact_bound_elsewhere_after_the_plan_refuses_the_import(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await first_import(db, tmp_path)
    await _meanwhile(
        monkeypatch,
        db,
        "UPDATE contacts SET enterprise_id = (SELECT id FROM enterprises WHERE credit_code = ?)"
        " WHERE user_id = 2003",
        (LEADING_CODE,),
    )
    result = await import_enterprises(db, second_list(tmp_path), now=LATER)
    assert not result.applied and result.errors[0].code == "changed_meanwhile"
    bound = await table(
        db,
        "SELECT e.credit_code FROM contacts c JOIN enterprises e ON e.id = c.enterprise_id"
        " WHERE c.user_id = 2003",
    )
    assert bound == [(LEADING_CODE,)]  # as the other process left it, not as the list says
    assert len(await table(db, "SELECT id FROM enterprises")) == 4  # the contacts came last


async def test_another_list_applied_after_the_plan_refuses_the_import(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await first_import(db, tmp_path)
    await _meanwhile(
        monkeypatch,
        db,
        "INSERT INTO enterprise_imports (file_name, sha256, imported_at) VALUES ('x.csv', '', '')",
        (),
    )
    before = await snapshot(db)
    result = await import_enterprises(db, second_list(tmp_path), now=LATER)
    assert not result.applied and result.errors[0].code == "imported_meanwhile"
    assert await snapshot(db) == before


async def test_a_list_being_applied_by_a_running_process_refuses_another(
    db: Database, tmp_path: Path
) -> None:
    before = await first_import(db, tmp_path)
    await db.write(
        "INSERT INTO enterprise_imports (file_name, sha256, imported_at, status, claimed_by)"
        " VALUES ('big.xlsx', '', '', 'applying', ?)",
        (this_process(),),
    )
    result = await import_enterprises(db, second_list(tmp_path), now=LATER)
    assert not result.applied and result.errors[0].code == "import_running"
    assert "big.xlsx" in result.render()
    assert await snapshot(db) == before


async def test_an_import_left_applying_by_a_dead_process_is_undone_at_the_next_open(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = await first_import(db, tmp_path)

    async def dies(self: EnterpriseListRepository, *args: Any) -> None:
        raise KeyboardInterrupt  # the process stops before it can undo anything

    async def no_undo(db: Database, import_id: int) -> None:
        return None

    monkeypatch.setattr(EnterpriseListRepository, "bind_contacts", dies)
    monkeypatch.setattr(importer, "undo_import", no_undo)
    with pytest.raises(KeyboardInterrupt):
        await import_enterprises(db, second_list(tmp_path), now=LATER)
    assert len(await table(db, "SELECT id FROM enterprises")) == 16  # half-applied
    await db.write(
        "UPDATE enterprise_imports SET claimed_by = ? WHERE status = 'applying'", (DEAD,)
    )

    # A running process's import is left alone; a dead one's is undone at the next open.
    reopened = await Database(db.path).open()
    try:
        assert [i.file_name for i in reopened.recovered_imports] == ["v2.csv"]
        assert await snapshot(reopened) == before
        assert await last_import(reopened) == ("v2.csv", "rolled_back", "")
        assert await undo_rows(reopened) == 0
    finally:
        await reopened.close()


CHILD = """
import asyncio, sys
from datetime import UTC, datetime
from pathlib import Path
import liaisonbot.services.enterprise_import.apply as apply
from liaisonbot.services.enterprise_import.importer import import_enterprises
from liaisonbot.store import Database

apply.BATCH_ROWS = 50
apply.PAUSE_MIN_S = 0.05  # slow enough to be killed in the middle

async def main():
    db = await Database(sys.argv[1]).open()
    await import_enterprises(db, Path(sys.argv[2]), now=datetime.now(UTC))

asyncio.run(main())
"""


async def test_kill_9_in_the_middle_of_apply_is_undone_at_the_next_open(
    db: Database, tmp_path: Path
) -> None:
    before = await first_import(db, tmp_path)
    rows = good_rows()
    rows[1][3] = "电子信息"
    big = write_csv(tmp_path / "big.csv", rows + generate_rows(1_500, seed=3, leading=20))
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", textwrap.dedent(CHILD), db.path, str(big), cwd=ROOT
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.returncode is None:
            if len(await table(db, "SELECT id FROM enterprises")) > 300:
                break  # some batches are in, most are not
            await asyncio.sleep(0.02)
        assert child.returncode is None, "the import ended before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
        await child.wait()
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
    assert await last_import(db) == ("big.csv", "applying", await _holder(db))
    assert len(await table(db, "SELECT id FROM enterprises")) > 4

    reopened = await Database(db.path).open()  # the next start of the bot or the command line
    try:
        assert [i.file_name for i in reopened.recovered_imports] == ["big.csv"]
        assert await snapshot(reopened) == before
        assert await last_import(reopened) == ("big.csv", "rolled_back", "")
    finally:
        await reopened.close()


async def _holder(db: Database) -> str:
    row = await db.fetch_one("SELECT claimed_by FROM enterprise_imports ORDER BY id DESC LIMIT 1")
    assert row is not None and row[0]
    return str(row[0])
