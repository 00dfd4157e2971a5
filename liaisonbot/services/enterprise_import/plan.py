"""Planning an import: the checks across rows and against the database, then the diff.

Every check runs on every row, so that a row's report lists all of its problems; a row refused by
one check is left out of the writes (`Refusals.bad`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from liaisonbot.files import list_headers as h
from liaisonbot.services.enterprise_import.apply import Writes
from liaisonbot.services.enterprise_import.diff import diff
from liaisonbot.services.enterprise_import.reading import Parsed
from liaisonbot.services.enterprise_import.report import ImportResult
from liaisonbot.services.enterprise_import.row_error import RowError
from liaisonbot.services.enterprise_import.validate import EnterpriseRow
from liaisonbot.store.enterprise_lists import EnterpriseListRepository, StoredEnterprise


@dataclass
class Refusals:
    """Errors go to the result; the rows they are about to `bad`."""

    result: ImportResult
    bad: set[int]

    def __call__(self, row: EnterpriseRow, code: str, key: str | None, **params: object) -> None:
        self.result.errors.append(RowError(row.row, code, key, dict(params)))
        self.bad.add(row.row)


async def plan(repo: EnterpriseListRepository, parsed: Parsed, result: ImportResult) -> Writes:
    refuse = Refusals(result, parsed.bad)
    first_row, valid = _one_row_per_code(parsed, refuse)
    liaison_of, contacts_of = await _people(repo, parsed.rows, refuse)
    _one_enterprise_per_contact(parsed.rows, contacts_of, refuse)
    valid = {code: r for code, r in valid.items() if r.row not in refuse.bad}
    referenced = {lc for r in parsed.rows for lc in r.leading_credit_codes or ()}
    existing = await repo.by_credit_codes({r.credit_code for r in parsed.rows} | referenced)
    _leading_known(parsed.rows, valid, existing, first_row, refuse)
    valid = {code: r for code, r in valid.items() if r.row not in refuse.bad}
    _drop_fallen(valid, existing, first_row, refuse)
    return await diff(repo, parsed, result, valid, existing, liaison_of, contacts_of)


def _one_row_per_code(
    parsed: Parsed, refuse: Refusals
) -> tuple[dict[str, int], dict[str, EnterpriseRow]]:
    """One row per credit code: the first occurrence is the row, later ones are errors. The first
    row of every readable code, and the rows kept."""
    first_row: dict[str, int] = {}
    for number, code in parsed.codes:
        first_row.setdefault(code, number)
    valid: dict[str, EnterpriseRow] = {}
    for r in parsed.rows:
        if first_row[r.credit_code] != r.row:
            refuse(
                r,
                "duplicate_credit_code",
                h.CREDIT_CODE,
                value=r.credit_code,
                first_row=first_row[r.credit_code],
            )
        else:
            valid[r.credit_code] = r
    return first_row, valid


async def _people(
    repo: EnterpriseListRepository, rows: list[EnterpriseRow], refuse: Refusals
) -> tuple[dict[int, int | None], dict[int, list[int]]]:
    """@usernames → user ids: each row's liaison officer and contacts."""
    names = {p[1:] for r in rows for p in (r.liaison, *r.contacts) if isinstance(p, str)}
    known = await repo.users_by_username(names) if names else {}
    liaison_of: dict[int, int | None] = {}
    contacts_of: dict[int, list[int]] = {}
    for r in rows:
        liaison = r.liaison
        if isinstance(liaison, str):
            liaison = known.get(liaison[1:])
            if liaison is None:
                refuse(r, "unknown_liaison", h.LIAISON, value=r.liaison)
        people: list[int] = []
        for p in r.contacts:
            user = known.get(p[1:]) if isinstance(p, str) else p
            if user is None:
                refuse(r, "unknown_liaison", h.CONTACTS, value=p)
            elif user not in people:
                people.append(user)
        liaison_of[r.row] = liaison
        contacts_of[r.row] = people
    return liaison_of, contacts_of


def _one_enterprise_per_contact(
    rows: list[EnterpriseRow], contacts_of: dict[int, list[int]], refuse: Refusals
) -> None:
    contact_row: dict[int, int] = {}
    for r in rows:
        for user in contacts_of[r.row]:
            first = contact_row.setdefault(user, r.row)
            if first != r.row:
                refuse(r, "contact_twice", h.CONTACTS, value=user, first_row=first)


def _leading_known(
    rows: list[EnterpriseRow],
    valid: dict[str, EnterpriseRow],
    existing: dict[str, StoredEnterprise],
    first_row: dict[str, int],
    refuse: Refusals,
) -> None:
    """A leading enterprise is a valid row of this file or a stored enterprise."""
    for r in rows:
        for lc in r.leading_credit_codes or ():
            if lc in valid or lc in existing:
                continue
            if lc in first_row:
                refuse(r, "leading_invalid_row", h.LEADING, value=lc, ref_row=first_row[lc])
            else:
                refuse(r, "unknown_leading", h.LEADING, value=lc)


def _drop_fallen(
    valid: dict[str, EnterpriseRow],
    existing: dict[str, StoredEnterprise],
    first_row: dict[str, int],
    refuse: Refusals,
) -> None:
    """A row that refers to a refused row is refused, and so on down the chain (in place)."""
    referrers: dict[str, list[str]] = defaultdict(list)
    for code, r in valid.items():
        for lc in r.leading_credit_codes or ():
            referrers[lc].append(code)
    fallen = [code for code in first_row if code not in valid]
    seen_fallen: set[str] = set()
    while fallen:
        lost = fallen.pop()
        if lost in seen_fallen or lost in existing or lost in valid:
            continue
        seen_fallen.add(lost)
        for code in referrers.get(lost, ()):
            if code in valid:
                r = valid.pop(code)
                refuse(r, "leading_invalid_row", h.LEADING, value=lost, ref_row=first_row[lost])
                fallen.append(code)
