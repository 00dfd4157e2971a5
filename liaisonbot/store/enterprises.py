"""Enterprises and their chain links."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from liaisonbot.clock import to_db
from liaisonbot.domain.models import Enterprise
from liaisonbot.domain.vocabulary import Tier
from liaisonbot.store.rows import Repository


def enterprise_from_row(row: aiosqlite.Row) -> Enterprise:
    return Enterprise.model_construct(
        id=row["id"],
        credit_code=row["credit_code"],
        name=row["name"],
        region_code=row["region_code"],
        chain=row["chain"],
        tier=Tier(row["tier"]),
        specialized=bool(row["specialized"]),
        size=row["size"],
        liaison_officer_id=row["liaison_officer_id"],
        resumption_status=row["resumption_status"],
    )


class EnterpriseRepository(Repository):
    async def named(self, name: str) -> list[Enterprise]:
        rows = await self._all("SELECT * FROM enterprises WHERE name = ? ORDER BY id", (name,))
        return [enterprise_from_row(r) for r in rows]

    async def name_like(self, pattern: str, limit: int) -> list[Enterprise]:
        """Names matching a LIKE `pattern` (escaped with a backslash), shortest first."""
        rows = await self._all(
            "SELECT * FROM enterprises WHERE name LIKE ? ESCAPE '\\' ORDER BY length(name), id"
            " LIMIT ?",
            (pattern, limit),
        )
        return [enterprise_from_row(r) for r in rows]

    async def spaceless_name_like(self, pattern: str, limit: int) -> list[Enterprise]:
        """As `name_like`, on the names without spaces (ASCII and ideographic)."""
        rows = await self._all(
            "SELECT * FROM enterprises"
            " WHERE replace(replace(name, ' ', ''), '\u3000', '') LIKE ? ESCAPE '\\'"
            " ORDER BY length(name), id LIMIT ?",
            (pattern, limit),
        )
        return [enterprise_from_row(r) for r in rows]

    async def set_liaison_officer(
        self, enterprise_id: int, officer_id: int, previous_id: int | None, now: datetime
    ) -> None:
        """The new one-to-one officer, with the change recorded (no import) in
        `enterprise_changes`."""
        await self._count(
            "UPDATE enterprises SET liaison_officer_id = ?, updated_at = ? WHERE id = ?",
            (officer_id, to_db(now), enterprise_id),
        )
        await self._count(
            "INSERT INTO enterprise_changes (enterprise_id, import_id, field, old, new,"
            " changed_at) VALUES (?, NULL, 'liaison_officer_id', ?, ?, ?)",
            (
                enterprise_id,
                None if previous_id is None else str(previous_id),
                str(officer_id),
                to_db(now),
            ),
        )

    async def get(self, enterprise_id: int) -> Enterprise | None:
        row = await self._one("SELECT * FROM enterprises WHERE id = ?", (enterprise_id,))
        return enterprise_from_row(row) if row else None

    async def by_credit_code(self, credit_code: str) -> Enterprise | None:
        row = await self._one("SELECT * FROM enterprises WHERE credit_code = ?", (credit_code,))
        return enterprise_from_row(row) if row else None

    async def upsert(self, enterprise: Enterprise, now: datetime) -> tuple[Enterprise, bool]:
        """Insert or update by credit code; return the stored enterprise and whether it changed."""
        existing = await self.by_credit_code(enterprise.credit_code)
        fields = enterprise.model_dump(exclude={"id", "credit_code"})
        if existing is not None:
            if existing.model_dump(exclude={"id", "credit_code"}) == fields:
                return existing, False
            await self._run(
                "UPDATE enterprises SET name = ?, region_code = ?, chain = ?, tier = ?,"
                " specialized = ?, size = ?, liaison_officer_id = ?, resumption_status = ?,"
                " updated_at = ? WHERE id = ?",
                (*_values(enterprise), to_db(now), existing.id),
            )
            return enterprise.model_copy(update={"id": existing.id}), True
        new_id = await self._run(
            "INSERT INTO enterprises (name, region_code, chain, tier, specialized, size,"
            " liaison_officer_id, resumption_status, credit_code, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*_values(enterprise), enterprise.credit_code, to_db(now), to_db(now)),
        )
        return enterprise.model_copy(update={"id": new_id}), True

    async def link(self, supplier_id: int, leading_id: int, relation: str = "UPSTREAM") -> None:
        await self._run(
            "INSERT INTO enterprise_links (supplier_id, leading_id, relation) VALUES (?, ?, ?)"
            " ON CONFLICT (supplier_id, leading_id) DO UPDATE SET relation = excluded.relation",
            (supplier_id, leading_id, relation),
        )


def _values(e: Enterprise) -> tuple[object, ...]:
    return (
        e.name,
        e.region_code,
        e.chain,
        e.tier.value,
        int(e.specialized),
        e.size,
        e.liaison_officer_id,
        e.resumption_status,
    )
