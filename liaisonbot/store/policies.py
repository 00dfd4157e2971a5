"""Policies, their versions, matches, offers (the funnel), waves and ticks at resolution."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import aiosqlite

from liaisonbot.clock import to_db
from liaisonbot.domain.models import Enterprise
from liaisonbot.domain.policies import (
    Benefit,
    Criteria,
    Level,
    PolicyContent,
    PolicyVersion,
    Stage,
)
from liaisonbot.domain.vocabulary import Category
from liaisonbot.store.enterprises import enterprise_from_row
from liaisonbot.store.rows import Repository

_STAGE_COLUMN = {
    Stage.READ: "read_at",
    Stage.INTERESTED: "interested_at",
    Stage.APPLIED: "applied_at",
    Stage.GRANTED: "granted_at",
}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def version_from_row(row: aiosqlite.Row) -> PolicyVersion:
    content = PolicyContent(
        key=row["key"],
        title=row["title"],
        issuer=row["issuer"],
        doc_number=row["doc_number"],
        level=Level(row["level"]),
        region_code=row["region_code"],
        issued_on=_day(row["issued_on"]),
        valid_from=_day(row["valid_from"]),
        valid_to=_day(row["valid_to"]),
        apply_from=_day(row["apply_from"]),
        apply_to=_day(row["apply_to"]),
        benefit=Benefit(row["benefit"]),
        categories=tuple(Category(c) for c in row["categories"].split(",") if c),
        criteria=Criteria.from_json(row["criteria"]),
        checklist=row["checklist"],
        link=row["link"],
        automatic=bool(row["automatic"]),
    )
    return PolicyVersion(
        id=row["id"],
        policy_id=row["policy_id"],
        version=row["version"],
        content=content,
        current=row["current_id"] == row["id"],
    )


_SELECT = (
    "SELECT v.*, p.key, p.current_id FROM policy_versions v JOIN policies p ON p.id = v.policy_id"
)


class PolicyRepository(Repository):
    # -- the library -----------------------------------------------------------------------------

    async def save(self, content: PolicyContent, now: datetime) -> tuple[str, int | None]:
        """'created', 'changed' (a new version, now current) or 'unchanged'; the new version's
        id."""
        fingerprint = content.fingerprint()
        policy = await self._one(
            "SELECT p.id, v.fingerprint, v.version FROM policies p"
            " LEFT JOIN policy_versions v ON v.id = p.current_id WHERE p.key = ?",
            (content.key,),
        )
        if policy is not None and policy["fingerprint"] == fingerprint:
            return "unchanged", None
        if policy is None:
            policy_id = await self._run(
                "INSERT INTO policies (key, created_at, updated_at) VALUES (?, ?, ?)",
                (content.key, to_db(now), to_db(now)),
            )
            number, outcome = 1, "created"
        else:
            policy_id, number, outcome = policy["id"], (policy["version"] or 0) + 1, "changed"
        c = content
        version_id = await self._run(
            "INSERT INTO policy_versions (policy_id, version, title, issuer, doc_number, level,"
            " region_code, issued_on, valid_from, valid_to, apply_from, apply_to, benefit,"
            " categories, criteria, checklist, link, automatic, fingerprint, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                policy_id,
                number,
                c.title,
                c.issuer,
                c.doc_number,
                c.level.value,
                c.region_code,
                *(_iso(d) for d in c.dates),
                c.benefit.value,
                ",".join(x.value for x in c.categories),
                c.criteria.to_json(),
                c.checklist,
                c.link,
                int(c.automatic),
                fingerprint,
                to_db(now),
            ),
        )
        await self._count(
            "UPDATE policies SET current_id = ?, updated_at = ? WHERE id = ?",
            (version_id, to_db(now), policy_id),
        )
        return outcome, version_id

    async def current(self) -> list[PolicyVersion]:
        rows = await self._all(_SELECT + " WHERE v.id = p.current_id ORDER BY p.id")
        return [version_from_row(r) for r in rows]

    async def version(self, version_id: int) -> PolicyVersion | None:
        row = await self._one(_SELECT + " WHERE v.id = ?", (version_id,))
        return version_from_row(row) if row else None

    async def versions_of(self, policy_id: int) -> list[PolicyVersion]:
        rows = await self._all(_SELECT + " WHERE v.policy_id = ? ORDER BY v.version", (policy_id,))
        return [version_from_row(r) for r in rows]

    # -- matches and ticks -----------------------------------------------------------------------

    async def record_matches(self, report_id: int, version_ids: list[int]) -> None:
        for version_id in version_ids:
            await self._count(
                "INSERT OR IGNORE INTO policy_matches (report_id, version_id) VALUES (?, ?)",
                (report_id, version_id),
            )

    async def matched(self, report_id: int) -> list[PolicyVersion]:
        rows = await self._all(
            _SELECT + " JOIN policy_matches m ON m.version_id = v.id WHERE m.report_id = ?"
            " ORDER BY v.title",
            (report_id,),
        )
        return [version_from_row(r) for r in rows]

    async def toggle_applied(
        self, report_id: int, version_id: int, actor_id: int, now: datetime
    ) -> bool:
        """Tick or untick; whether it is ticked now."""
        removed = await self._count(
            "DELETE FROM policy_applied WHERE report_id = ? AND version_id = ?",
            (report_id, version_id),
        )
        if removed:
            return False
        await self._run(
            "INSERT INTO policy_applied (report_id, version_id, actor_id, at) VALUES (?, ?, ?, ?)",
            (report_id, version_id, actor_id, to_db(now)),
        )
        return True

    async def applied(self, report_id: int) -> list[int]:
        rows = await self._all(
            "SELECT version_id FROM policy_applied WHERE report_id = ?", (report_id,)
        )
        return [r["version_id"] for r in rows]

    # -- offers ----------------------------------------------------------------------------------

    async def offer(
        self,
        version_id: int,
        enterprise_id: int,
        now: datetime,
        *,
        report_id: int | None = None,
        wave_id: int | None = None,
        offered_by: int | None = None,
    ) -> int | None:
        """The offer's id, or None when this version was offered to the enterprise before."""
        cursor = await self.conn.execute(
            "INSERT OR IGNORE INTO policy_offers (version_id, enterprise_id, report_id, wave_id,"
            " offered_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (version_id, enterprise_id, report_id, wave_id, offered_by, to_db(now)),
        )
        return cursor.lastrowid if cursor.rowcount else None

    async def offers_of(self, enterprise_id: int) -> dict[int, aiosqlite.Row]:
        rows = await self._all(
            "SELECT * FROM policy_offers WHERE enterprise_id = ?", (enterprise_id,)
        )
        return {r["version_id"]: r for r in rows}

    async def offer_row(self, offer_id: int) -> aiosqlite.Row | None:
        return await self._one("SELECT * FROM policy_offers WHERE id = ?", (offer_id,))

    async def unsent(self, limit: int) -> list[aiosqlite.Row]:
        return await self._all(
            "SELECT * FROM policy_offers WHERE sent_at IS NULL AND failed = '' ORDER BY id LIMIT ?",
            (limit,),
        )

    async def claim(self, offer_id: int, holder: str, now: datetime, stale: datetime) -> bool:
        """Claim an unsent offer for sending: free, or held by a claim older than `stale`."""
        return bool(
            await self._count(
                "UPDATE policy_offers SET claimed_by = ?, claimed_at = ? WHERE id = ?"
                " AND sent_at IS NULL AND failed = ''"
                " AND (claimed_by = '' OR claimed_at < ?)",
                (holder, to_db(now), offer_id, to_db(stale)),
            )
        )

    async def release_claims_of(self, holder: str) -> int:
        return await self._count(
            "UPDATE policy_offers SET claimed_by = '' WHERE claimed_by = ? AND sent_at IS NULL",
            (holder,),
        )

    async def claim_holders(self) -> list[str]:
        rows = await self._all(
            "SELECT DISTINCT claimed_by FROM policy_offers WHERE sent_at IS NULL"
            " AND failed = '' AND claimed_by != ''"
        )
        return [r["claimed_by"] for r in rows]

    async def mark_sent(self, offer_id: int, now: datetime) -> None:
        await self._count(
            "UPDATE policy_offers SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
            (to_db(now), offer_id),
        )

    async def mark_failed(self, offer_id: int, reason: str) -> None:
        await self._count(
            "UPDATE policy_offers SET failed = ? WHERE id = ?", (reason[:200] or "?", offer_id)
        )

    async def advance(self, offer_id: int, stage: Stage, now: datetime) -> bool:
        """Record a funnel step (and the earlier ones not yet recorded); False when it was."""
        order = [
            s
            for s in _STAGE_COLUMN
            if list(_STAGE_COLUMN).index(s) <= list(_STAGE_COLUMN).index(stage)
        ]
        column = _STAGE_COLUMN[stage]
        changed = await self._count(
            f"UPDATE policy_offers SET {column} = ? WHERE id = ? AND {column} IS NULL"
            " AND sent_at IS NOT NULL",
            (to_db(now), offer_id),
        )
        for earlier in order[:-1]:
            col = _STAGE_COLUMN[earlier]
            await self._count(
                f"UPDATE policy_offers SET {col} = ? WHERE id = ? AND {col} IS NULL",
                (to_db(now), offer_id),
            )
        return bool(changed)

    # -- waves and settings ----------------------------------------------------------------------

    async def start_wave(
        self, version_id: int, started_by: int, scope: str, now: datetime
    ) -> int | None:
        cursor = await self.conn.execute(
            "INSERT OR IGNORE INTO policy_waves (version_id, started_by, scope, started_at)"
            " VALUES (?, ?, ?, ?)",
            (version_id, started_by, scope, to_db(now)),
        )
        if cursor.rowcount:
            return cursor.lastrowid
        row = await self._one(
            "SELECT id FROM policy_waves WHERE version_id = ? AND scope = ?", (version_id, scope)
        )
        return int(row["id"]) if row else None

    async def setting(self, name: str) -> str:
        row = await self._one("SELECT value FROM policy_settings WHERE name = ?", (name,))
        return str(row["value"]) if row else ""

    async def set_setting(self, name: str, value: str) -> None:
        await self._count(
            "INSERT INTO policy_settings (name, value) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    async def enterprises_with_contacts(self) -> list[Enterprise]:
        rows = await self._all(
            "SELECT e.* FROM enterprises e WHERE EXISTS"
            " (SELECT 1 FROM contacts c WHERE c.enterprise_id = e.id) ORDER BY e.id"
        )
        return [enterprise_from_row(r) for r in rows]

    async def contacts_of(self, enterprise_id: int) -> list[int]:
        rows = await self._all(
            "SELECT c.user_id FROM contacts c LEFT JOIN users u ON u.user_id = c.user_id"
            " WHERE c.enterprise_id = ? AND u.blocked_at IS NULL ORDER BY c.user_id",
            (enterprise_id,),
        )
        return [r["user_id"] for r in rows]


def offer_dict(row: aiosqlite.Row) -> dict[str, Any]:
    return {k: row[k] for k in row.keys()}  # noqa: SIM118 (aiosqlite.Row)
