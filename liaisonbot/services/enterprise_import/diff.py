"""Comparing the rows that passed every check with what is stored: the changes and writes."""

from __future__ import annotations

from liaisonbot.domain.vocabulary import Tier
from liaisonbot.files import list_headers as h
from liaisonbot.services.enterprise_import.apply import Writes
from liaisonbot.services.enterprise_import.reading import Parsed
from liaisonbot.services.enterprise_import.report import Change, ImportResult
from liaisonbot.services.enterprise_import.row_error import RowError
from liaisonbot.services.enterprise_import.validate import EnterpriseRow
from liaisonbot.store.enterprise_lists import EnterpriseListRepository, StoredEnterprise


def _links_text(links: tuple[tuple[str, str], ...]) -> str:
    return ";".join(f"{code}:{rel}" for code, rel in links)


def _covers(grants: list[tuple[str, str]], region: str, chain: str) -> bool:
    return any(region.startswith(prefix) and (not c or c == chain) for prefix, c in grants)


async def diff(
    repo: EnterpriseListRepository,
    parsed: Parsed,
    result: ImportResult,
    valid: dict[str, EnterpriseRow],
    existing: dict[str, StoredEnterprise],
    liaison_of: dict[int, int | None],
    contacts_of: dict[int, list[int]],
) -> Writes:
    writes = Writes()
    next_id = await repo.max_enterprise_id() + 1
    final: dict[str, StoredEnterprise] = {}
    for code, r in valid.items():
        old = existing.get(code)
        if old is None:
            new_id = next_id
            next_id += 1
        else:
            new_id = old.id
        stored = _merged(r, old, new_id, liaison_of[r.row])
        final[code] = old if stored == old else stored  # keep one copy of unchanged rows

    suppliers = [
        existing[c].id
        for c, r in valid.items()
        if c in existing and r.leading_credit_codes is not None
    ]
    links_now = await repo.links_of(suppliers) if suppliers else {}
    people = sorted({u for r in valid.values() for u in contacts_of[r.row]})
    bound_now = await repo.contacts_of(people) if people else {}
    officers = {e.liaison_officer_id for e in final.values() if e.liaison_officer_id is not None}
    grants_now = await repo.officer_grants(officers) if officers else {}
    covered: set[tuple[int, str, str]] = set()  # (officer, region, chain) already checked

    for code, r in valid.items():
        e = final[code]
        old = existing.get(code)
        changes: list[tuple[str, str | None, str | None]] = []
        if old is None:
            writes.new.append(e)
            changes.append(("created", None, e.name))
        else:
            changes += _field_changes(old, e)
            if changes:
                writes.updated.append(e)
                writes.before[e.id] = old

        if r.leading_credit_codes is not None:
            current = links_now.get(e.id, ()) if old is not None else ()
            changes += _plan_links(r, e, old, current, final, existing, writes, result)
        changes += _plan_contacts(r, e, contacts_of[r.row], bound_now, writes, result)

        officer = e.liaison_officer_id
        if officer is None:
            result.without_liaison.append(r.row)
        elif (officer, e.region_code, e.chain) not in covered:
            covered.add((officer, e.region_code, e.chain))
            held = grants_now.setdefault(officer, [])
            if not _covers(held, e.region_code, e.chain):
                held.append((e.region_code, e.chain))
                writes.grants.append((officer, e.region_code, e.chain))

        if old is None:
            result.created += 1
        elif changes:
            result.updated += 1
        else:
            result.unchanged += 1
        for name, before, after in changes:
            change = Change(r.row, code, e.name, name, before, after, e.id)
            writes.changes.append(change)
            result.changes.append(change)

    result.grants = list(writes.grants)
    result.contacts_bound = len(writes.bindings)
    return writes


def _plan_links(
    r: EnterpriseRow,
    e: StoredEnterprise,
    old: StoredEnterprise | None,
    current: tuple[tuple[str, str], ...],
    final: dict[str, StoredEnterprise],
    existing: dict[str, StoredEnterprise],
    writes: Writes,
    result: ImportResult,
) -> list[tuple[str, str | None, str | None]]:
    """Replace a supplier's links to its leading enterprises when the row names others; warn
    about a "leading" enterprise that is not of the leading tier. The change, for a stored one."""
    assert r.leading_credit_codes is not None
    changes: list[tuple[str, str | None, str | None]] = []
    wanted = tuple(sorted((lc, r.relation) for lc in r.leading_credit_codes))
    if wanted != current:
        if old is not None:
            changes.append(("leading", _links_text(current) or None, _links_text(wanted) or None))
            writes.link_suppliers.append(e.id)
        for lc, relation in wanted:
            leading = final.get(lc) or existing[lc]
            writes.links.append((e.id, leading.id, relation))
    for lc in r.leading_credit_codes:
        leading_tier = final[lc].tier if lc in final else existing[lc].tier
        if leading_tier != Tier.LEADING.value:
            result.warnings.append(
                RowError(r.row, "not_leading", h.LEADING, {"value": lc}, "warning")
            )
    return changes


def _plan_contacts(
    r: EnterpriseRow,
    e: StoredEnterprise,
    contacts: list[int],
    bound_now: dict[int, tuple[int, str]],
    writes: Writes,
    result: ImportResult,
) -> list[tuple[str, str | None, str | None]]:
    """Bind the row's contacts not yet bound to it; one bound elsewhere moves, with a warning."""
    changes: list[tuple[str, str | None, str | None]] = []
    for user in contacts:
        bound = bound_now.get(user)
        if bound is not None and bound[0] == e.id:
            continue
        if bound is not None:
            result.warnings.append(
                RowError(
                    r.row,
                    "contact_moved",
                    h.CONTACTS,
                    {"value": user, "old": bound[1]},
                    "warning",
                )
            )
        writes.bindings.append((user, e.id))
        writes.bound_before[user] = bound[0] if bound else None
        changes.append(("contact", bound[1] if bound else None, str(user)))
    return changes


def _merged(
    r: EnterpriseRow, old: StoredEnterprise | None, new_id: int, liaison: int | None
) -> StoredEnterprise:
    """The enterprise as it will be stored: the row's values, and for a column the file lacks
    (None) the stored value, or the default for a new enterprise. An empty 联络员 cell keeps the
    stored officer."""
    if liaison is None and old is not None:
        liaison = old.liaison_officer_id
    return StoredEnterprise(
        id=new_id,
        credit_code=r.credit_code,
        name=r.name,
        region_code=r.region_code,
        chain=r.chain if r.chain is not None else (old.chain if old else ""),
        tier=r.tier.value if r.tier is not None else (old.tier if old else Tier.OTHER.value),
        specialized=(r.specialized if r.specialized is not None else bool(old and old.specialized)),
        size=r.size if r.size is not None else (old.size if old else ""),
        liaison_officer_id=liaison,
    )


def _field_changes(
    old: StoredEnterprise, new: StoredEnterprise
) -> list[tuple[str, str | None, str | None]]:
    """(field, before, after) of each stored field that differs, as text for the change log."""
    return [
        (name, before, after)
        for name, before, after in (
            ("name", old.name, new.name),
            ("region_code", old.region_code, new.region_code),
            ("chain", old.chain, new.chain),
            ("tier", old.tier, new.tier),
            ("specialized", str(int(old.specialized)), str(int(new.specialized))),
            ("size", old.size, new.size),
            ("liaison_officer_id", _opt(old.liaison_officer_id), _opt(new.liaison_officer_id)),
        )
        if before != after
    ]


def _opt(value: int | None) -> str | None:
    return None if value is None else str(value)


def _sort(result: ImportResult) -> None:
    result.errors.sort(key=lambda e: e.row)
    result.warnings.sort(key=lambda e: e.row)
