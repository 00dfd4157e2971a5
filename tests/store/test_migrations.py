"""Every migration file not yet recorded is applied, also one numbered below the highest applied
(two branches landing in turn)."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from liaisonbot.store.migrations import migrate


async def test_a_lower_numbered_file_landing_later_is_applied(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_a.sql").write_text("CREATE TABLE a (x);")
    (folder / "0003_c.sql").write_text("CREATE TABLE c (x);")
    async with aiosqlite.connect(tmp_path / "db.sqlite", isolation_level=None) as conn:
        assert await migrate(conn, folder) == ["0001_a.sql", "0003_c.sql"]
        (folder / "0002_b.sql").write_text("CREATE TABLE b (x);")
        assert await migrate(conn, folder) == ["0002_b.sql"]
        assert await migrate(conn, folder) == []
        rows = await conn.execute_fetchall("SELECT version FROM schema_migrations ORDER BY 1")
        assert [r[0] for r in rows] == [1, 2, 3]
