"""The writes an import plans, and writing them (inside the caller's transaction)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from liaisonbot.services.enterprise_import.report import Change
from liaisonbot.store.enterprise_lists import EnterpriseListRepository, StoredEnterprise


@dataclass
class Writes:
    new: list[StoredEnterprise] = field(default_factory=list)
    updated: list[StoredEnterprise] = field(default_factory=list)
    link_suppliers: list[int] = field(default_factory=list)  # stored suppliers: links replaced
    links: list[tuple[int, int, str]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    grants: list[tuple[int, str, str]] = field(default_factory=list)
    bindings: list[tuple[int, int]] = field(default_factory=list)

    async def apply(
        self, repo: EnterpriseListRepository, import_id: int, actor: int | None, now: datetime
    ) -> None:
        if self.new:
            await repo.insert_enterprises(self.new, now)
        if self.updated:
            await repo.update_enterprises(self.updated, now)
        if self.link_suppliers or self.links:
            await repo.replace_links(self.link_suppliers, self.links)
        if self.changes:
            await repo.add_changes(import_id, self.changes, now)
        if self.grants:
            await repo.grant_officers(self.grants, actor, now)
        if self.bindings:
            await repo.bind_contacts(self.bindings, actor, now)
