"""Batched reads and writes for importing an enterprise list (名单) of up to ~10^5 rows.

One statement per row through aiosqlite costs a thread hop each; these methods look rows up in
chunks of `CHUNK` and write with `executemany`, inside the caller's transaction.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from liaisonbot.clock import to_db
from liaisonbot.store.rows import Repository

CHUNK = 500
T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(n: int) -> str:
    return ",".join("?" * n)


@dataclass(frozen=True, slots=True)
class StoredEnterprise:
    id: int
    credit_code: str
    name: str
    region_code: str
    chain: str
    tier: str
    specialized: bool
    size: str
    liaison_officer_id: int | None


class ChangeLike(Protocol):
    """Read-only, so that frozen dataclasses match."""

    @property
    def enterprise_id(self) -> int: ...
    @property
    def field(self) -> str: ...
    @property
    def old(self) -> str | None: ...
    @property
    def new(self) -> str | None: ...


class EnterpriseListRepository(Repository):
    # -- reads ---------------------------------------------------------------------------------

    async def by_credit_codes(self, codes: Iterable[str]) -> dict[str, StoredEnterprise]:
        # 10^5 stored enterprises are held at once: reuse the caller's code strings and share the
        # few distinct region, chain, tier and size strings instead of one copy per row.
        wanted = {code: code for code in codes}
        found: dict[str, StoredEnterprise] = {}
        for part in chunks(sorted(wanted)):
            rows = await self._all(
                "SELECT id, credit_code, name, region_code, chain, tier, specialized, size,"
                f" liaison_officer_id FROM enterprises WHERE credit_code IN ({_marks(len(part))})",
                part,
            )
            for r in rows:
                code = wanted[r["credit_code"]]
                found[code] = StoredEnterprise(
                    id=r["id"],
                    credit_code=code,
                    name=r["name"],
                    region_code=sys.intern(r["region_code"]),
                    chain=sys.intern(r["chain"]),
                    tier=sys.intern(r["tier"]),
                    specialized=bool(r["specialized"]),
                    size=sys.intern(r["size"]),
                    liaison_officer_id=r["liaison_officer_id"],
                )
        return found

    async def links_of(self, supplier_ids: Iterable[int]) -> dict[int, tuple[tuple[str, str], ...]]:
        """supplier id → ((leading credit code, relation), …) sorted by code."""
        found: dict[int, list[tuple[str, str]]] = {}
        for part in chunks(sorted(set(supplier_ids))):
            rows = await self._all(
                "SELECT l.supplier_id, e.credit_code, l.relation FROM enterprise_links l"
                " JOIN enterprises e ON e.id = l.leading_id"
                f" WHERE l.supplier_id IN ({_marks(len(part))})",
                part,
            )
            for r in rows:  # leading enterprises are few: share their code strings
                pair = (sys.intern(r["credit_code"]), sys.intern(r["relation"]))
                found.setdefault(r["supplier_id"], []).append(pair)
        # Tuples, not dicts: 10^5 suppliers are held at once.
        return {supplier: tuple(sorted(pairs)) for supplier, pairs in found.items()}

    async def contacts_of(self, user_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
        """user id → (enterprise id, credit code) of the enterprise they are bound to."""
        found: dict[int, tuple[int, str]] = {}
        for part in chunks(sorted(set(user_ids))):
            rows = await self._all(
                "SELECT c.user_id, c.enterprise_id, e.credit_code FROM contacts c"
                " JOIN enterprises e ON e.id = c.enterprise_id"
                f" WHERE c.user_id IN ({_marks(len(part))})",
                part,
            )
            for r in rows:
                found[r["user_id"]] = (r["enterprise_id"], r["credit_code"])
        return found

    async def users_by_username(self, usernames: Iterable[str]) -> dict[str, int]:
        """lower-case username (without @) → user id, for users the bot has seen."""
        found: dict[str, int] = {}
        for part in chunks(sorted({u.lower() for u in usernames})):
            rows = await self._all(
                "SELECT user_id, username FROM users"
                f" WHERE username COLLATE NOCASE IN ({_marks(len(part))}) ORDER BY updated_at",
                part,
            )
            for r in rows:  # the most recently updated wins if a name moved between accounts
                found[r["username"].lower()] = r["user_id"]
        return found

    async def officer_grants(self, user_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
        """user id → [(region prefix, chain)] of their officer grants."""
        found: dict[int, list[tuple[str, str]]] = {}
        for part in chunks(sorted(set(user_ids))):
            rows = await self._all(
                "SELECT user_id, region_prefix, chain FROM roles WHERE role = 'officer'"
                f" AND user_id IN ({_marks(len(part))})",
                part,
            )
            for r in rows:
                found.setdefault(r["user_id"], []).append((r["region_prefix"], r["chain"]))
        return found

    async def max_enterprise_id(self) -> int:
        row = await self._one("SELECT COALESCE(MAX(id), 0) FROM enterprises")
        return int(row[0]) if row else 0

    # -- writes --------------------------------------------------------------------------------

    async def record_import(
        self,
        *,
        file_name: str,
        sha256: str,
        imported_by: int | None,
        now: datetime,
        counts: dict[str, int],
    ) -> int:
        return await self._run(
            "INSERT INTO enterprise_imports (file_name, sha256, imported_by, imported_at,"
            " rows_total, created, updated, unchanged, invalid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                file_name,
                sha256,
                imported_by,
                to_db(now),
                counts.get("total", 0),
                counts.get("created", 0),
                counts.get("updated", 0),
                counts.get("unchanged", 0),
                counts.get("invalid", 0),
            ),
        )

    async def insert_enterprises(self, rows: Sequence[StoredEnterprise], now: datetime) -> None:
        """Insert with the ids given (the caller holds the write lock and chose them)."""
        at = to_db(now)
        await self.conn.executemany(
            "INSERT INTO enterprises (id, credit_code, name, region_code, chain, tier,"
            " specialized, size, liaison_officer_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    e.id,
                    e.credit_code,
                    e.name,
                    e.region_code,
                    e.chain,
                    e.tier,
                    int(e.specialized),
                    e.size,
                    e.liaison_officer_id,
                    at,
                    at,
                )
                for e in rows
            ),
        )

    async def update_enterprises(self, rows: Sequence[StoredEnterprise], now: datetime) -> None:
        at = to_db(now)
        await self.conn.executemany(
            "UPDATE enterprises SET name = ?, region_code = ?, chain = ?, tier = ?,"
            " specialized = ?, size = ?, liaison_officer_id = ?, updated_at = ? WHERE id = ?",
            (
                (
                    e.name,
                    e.region_code,
                    e.chain,
                    e.tier,
                    int(e.specialized),
                    e.size,
                    e.liaison_officer_id,
                    at,
                    e.id,
                )
                for e in rows
            ),
        )

    async def replace_links(
        self, supplier_ids: Sequence[int], links: Sequence[tuple[int, int, str]]
    ) -> None:
        """Drop the links of these suppliers, then write (supplier, leading, relation)."""
        await self.conn.executemany(
            "DELETE FROM enterprise_links WHERE supplier_id = ?", [(i,) for i in supplier_ids]
        )
        await self.conn.executemany(
            "INSERT INTO enterprise_links (supplier_id, leading_id, relation) VALUES (?, ?, ?)"
            " ON CONFLICT (supplier_id, leading_id) DO UPDATE SET relation = excluded.relation",
            links,
        )

    async def add_changes(
        self, import_id: int | None, changes: Iterable[ChangeLike], now: datetime
    ) -> None:
        at = to_db(now)
        await self.conn.executemany(
            "INSERT INTO enterprise_changes (enterprise_id, import_id, field, old, new,"
            " changed_at) VALUES (?, ?, ?, ?, ?, ?)",
            ((c.enterprise_id, import_id, c.field, c.old, c.new, at) for c in changes),
        )

    async def grant_officers(
        self, grants: Sequence[tuple[int, str, str]], granted_by: int | None, now: datetime
    ) -> None:
        """(user id, region prefix, chain) officer grants; existing ones are left alone."""
        at = to_db(now)
        await self.conn.executemany(
            "INSERT OR IGNORE INTO roles (user_id, role, region_prefix, chain, granted_by,"
            " granted_at) VALUES (?, 'officer', ?, ?, ?, ?)",
            [(u, prefix, chain, granted_by, at) for u, prefix, chain in grants],
        )

    async def bind_contacts(
        self, bindings: Sequence[tuple[int, int]], bound_by: int | None, now: datetime
    ) -> None:
        """(user id, enterprise id); a user bound elsewhere moves (one enterprise per contact)."""
        at = to_db(now)
        await self.conn.executemany(
            "INSERT INTO contacts (user_id, enterprise_id, bound_by, bound_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET enterprise_id = excluded.enterprise_id,"
            " bound_by = excluded.bound_by, bound_at = excluded.bound_at",
            [(u, e, bound_by, at) for u, e in bindings],
        )

    async def changes_of(self, enterprise_id: int) -> list[dict[str, Any]]:
        """The change history of one enterprise, oldest first, with the file it came from."""
        rows = await self._all(
            "SELECT c.field, c.old, c.new, c.changed_at, i.file_name FROM enterprise_changes c"
            " LEFT JOIN enterprise_imports i ON i.id = c.import_id"
            " WHERE c.enterprise_id = ? ORDER BY c.id",
            (enterprise_id,),
        )
        return [dict(r) for r in rows]
