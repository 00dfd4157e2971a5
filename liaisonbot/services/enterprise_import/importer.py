"""Import an enterprise list (名单): validate every row, then write all of it in one transaction.

Rules (documented for admins in the report the CLI and the chat print):

- All or nothing by default: one wrong row and nothing is written; `skip_invalid` writes the good
  rows. A row that references a leading enterprise whose own row is wrong is wrong too.
- Rows are matched to stored enterprises by credit code. A column missing from the file keeps the
  stored value; a column present with an empty cell sets the default (empty text, 其他, 否) —
  except 联络员 and 联系人: an empty cell keeps the liaison officer and the contacts there are.
- 配套龙头企业: when the column is present, the file's list is the supplier's set of links (an
  empty cell removes them). Each code must be a valid row of the same file or a stored enterprise.
- 联络员: a numeric Telegram user id, or @username of a user the bot has seen (`users.username`).
  An unknown @username is a row error (`unknown_liaison`), not a pending assignment: a one-to-one
  officer who cannot be reached is no officer. The officer gets an `officer` grant on
  (region code, chain) of the enterprise unless an officer grant of theirs already covers it.
- 联系人: user ids (or known @usernames) bound as the enterprise's contacts; a contact bound to
  another enterprise moves (with a warning). Contacts are never unbound by an import.
- Every change is recorded in `enterprise_changes` with the import it came from; importing the same
  file again changes nothing (the import itself is still logged in `enterprise_imports`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from liaisonbot.domain.vocabulary import Tier
from liaisonbot.files import list_headers as h
from liaisonbot.files.list_reader import ListFileError, open_list
from liaisonbot.services.enterprise_import.validate import (
    EnterpriseRow,
    RowError,
    parse_credit_code,
    parse_row,
)
from liaisonbot.store import Database, UnitOfWork
from liaisonbot.store.enterprise_lists import EnterpriseListRepository, StoredEnterprise

TELEGRAM_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class Change:
    row: int
    credit_code: str
    name: str
    field: str  # 'created', an enterprises column, 'leading' or 'contact'
    old: str | None
    new: str | None
    enterprise_id: int


@dataclass
class ImportResult:
    file_name: str
    dry_run: bool = False
    skip_invalid: bool = False
    applied: bool = False
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    grants: list[tuple[int, str, str]] = field(default_factory=list)  # (user, region, chain)
    contacts_bound: int = 0
    without_liaison: list[int] = field(default_factory=list)  # row numbers
    import_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row > 0})

    @property
    def invalid(self) -> int:
        """Rows refused; a problem with the file as a whole counts as every row refused."""
        if any(e.row <= 0 or e.code in _FILE_CODES for e in self.errors):
            return max(self.total, 1)
        return len(self.invalid_rows)

    def render(self, lang: str = "zh", *, max_items: int = 20, max_chars: int | None = None) -> str:
        return _render(self, lang, max_items, max_chars)


_FILE_CODES = frozenset(
    {
        "file_not_found",
        "unsupported_format",
        "unreadable",
        "no_header",
        "missing_column",
        "duplicate_column",
        "no_rows",
    }
)


async def import_enterprises(
    db: Database,
    path: Path,
    *,
    skip_invalid: bool = False,
    now: datetime,
    apply: bool = True,
    actor_id: int | None = None,
) -> ImportResult:
    """Validate the list at `path` and, if `apply`, write it in one transaction.

    With errors and not `skip_invalid`, nothing is written. `actor_id` (the admin in the chat; None
    from the command line) is recorded as who granted roles and bound contacts.
    """
    path = Path(path)
    result = ImportResult(file_name=path.name, dry_run=not apply, skip_invalid=skip_invalid)
    # Reading and checking the rows is CPU work; a thread keeps the bot's event loop responsive.
    parsed = await asyncio.to_thread(_read, path, result)
    if parsed is None:
        return result
    if not apply:
        await _plan(EnterpriseListRepository(db.conn), parsed, result)
        _sort(result)
        return result
    async with UnitOfWork(db) as uow:
        # The same connection as the unit of work's repositories: inside its transaction.
        repo = EnterpriseListRepository(uow.enterprises.conn)
        writes = await _plan(repo, parsed, result)
        _sort(result)
        if result.errors and not skip_invalid:
            return result
        result.import_id = await repo.record_import(
            file_name=result.file_name,
            sha256=parsed.sha256,
            imported_by=actor_id,
            now=now,
            counts={
                "total": result.total,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "invalid": result.invalid,
            },
        )
        await writes.apply(repo, result.import_id, actor_id, now)
        result.applied = True
    return result


async def import_summary_for_chat(
    db: Database,
    path: Path,
    *,
    now: datetime,
    lang: str = "zh",
    skip_invalid: bool = False,
    max_chars: int = TELEGRAM_LIMIT - 96,
) -> tuple[ImportResult, str]:
    """Dry run for the chat: the result (to decide whether to offer 'apply') and its report,
    short enough for one Telegram message with room for a line of buttons' explanation."""
    result = await import_enterprises(db, path, skip_invalid=skip_invalid, now=now, apply=False)
    return result, result.render(lang, max_items=15, max_chars=max_chars)


# -- reading -------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    sha256: str
    present: frozenset[str]
    rows: list[EnterpriseRow]  # rows that passed their own checks, in file order
    codes: list[tuple[int, str]]  # (row, credit code) of every row whose code is readable
    bad: set[int]  # row numbers with errors


def _read(path: Path, result: ImportResult) -> _Parsed | None:
    try:
        with open_list(path) as sheet:
            present = sheet.headers.present
            if sheet.headers.unknown:
                result.warnings.append(
                    RowError(
                        sheet.header_row,
                        "unknown_columns",
                        params={"columns": list(sheet.headers.unknown)},
                        severity="warning",
                    )
                )
            rows: list[EnterpriseRow] = []
            codes: list[tuple[int, str]] = []
            bad: set[int] = set()
            for number, cells in sheet.rows:
                result.total += 1
                parsed = parse_row(number, cells, present)
                if isinstance(parsed, EnterpriseRow):
                    rows.append(parsed)
                    codes.append((number, parsed.credit_code))
                    continue
                result.errors.extend(parsed)
                bad.add(number)
                with contextlib.suppress(ValueError):
                    codes.append((number, parse_credit_code(cells.get(h.CREDIT_CODE, ""))))
    except ListFileError as exc:
        result.errors.extend(exc.errors)
        return None
    if result.total == 0:
        result.errors.append(RowError(0, "no_rows"))
        return None
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return _Parsed(digest.hexdigest(), present, rows, codes, bad)


# -- planning ------------------------------------------------------------------------------------


@dataclass
class _Writes:
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


def _links_text(links: tuple[tuple[str, str], ...]) -> str:
    return ";".join(f"{code}:{rel}" for code, rel in links)


def _covers(grants: list[tuple[str, str]], region: str, chain: str) -> bool:
    return any(region.startswith(prefix) and (not c or c == chain) for prefix, c in grants)


async def _plan(repo: EnterpriseListRepository, parsed: _Parsed, result: ImportResult) -> _Writes:
    bad = parsed.bad

    def refuse(row: EnterpriseRow, code: str, key: str | None, **params: object) -> None:
        result.errors.append(RowError(row.row, code, key, dict(params)))
        bad.add(row.row)

    # 1. One row per credit code: the first occurrence is the row, later ones are errors.
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

    # Every check runs on every row, so that a row's report lists all of its problems.
    # 2. @usernames → user ids.
    rows = parsed.rows
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

    # 3. A contact belongs to one enterprise.
    contact_row: dict[int, int] = {}
    for r in rows:
        for user in contacts_of[r.row]:
            first = contact_row.setdefault(user, r.row)
            if first != r.row:
                refuse(r, "contact_twice", h.CONTACTS, value=user, first_row=first)

    # 4. Leading enterprises: a valid row of this file or a stored enterprise; a row that refers
    #    to a refused row is refused, and so on down the chain.
    valid = {code: r for code, r in valid.items() if r.row not in bad}
    referenced = {lc for r in rows for lc in r.leading_credit_codes or ()}
    existing = await repo.by_credit_codes({r.credit_code for r in rows} | referenced)
    for r in rows:
        for lc in r.leading_credit_codes or ():
            if lc in valid or lc in existing:
                continue
            if lc in first_row:
                refuse(r, "leading_invalid_row", h.LEADING, value=lc, ref_row=first_row[lc])
            else:
                refuse(r, "unknown_leading", h.LEADING, value=lc)
    valid = {code: r for code, r in valid.items() if r.row not in bad}
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
            r = valid.pop(code, None)
            if r is not None:
                refuse(r, "leading_invalid_row", h.LEADING, value=lost, ref_row=first_row[lost])
                fallen.append(code)

    # 5. Compare with what is stored.
    return await _diff(repo, parsed, result, valid, existing, liaison_of, contacts_of)


async def _diff(
    repo: EnterpriseListRepository,
    parsed: _Parsed,
    result: ImportResult,
    valid: dict[str, EnterpriseRow],
    existing: dict[str, StoredEnterprise],
    liaison_of: dict[int, int | None],
    contacts_of: dict[int, list[int]],
) -> _Writes:
    writes = _Writes()
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
    writes: _Writes,
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
    writes: _Writes,
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


# -- the report ----------------------------------------------------------------------------------

_CHANGE_LABELS = {
    "created": ("新增", "created"),
    "liaison_officer_id": h.LABELS[h.LIAISON],
    "leading": h.LABELS[h.LEADING],
    "contact": h.LABELS[h.CONTACTS],
}


def _field(name: str, lang: str) -> str:
    zh, en = _CHANGE_LABELS.get(name) or h.LABELS.get(name, (name, name))
    return en if lang == "en" else zh


def _value(name: str, value: str | None, lang: str) -> str:
    if value is None or value == "":
        return "(empty)" if lang == "en" else "（空）"
    if name == "tier":
        return Tier(value).label(lang) if value in Tier.__members__ else value
    if name == "specialized":
        yes = value == "1"
        return ("yes" if yes else "no") if lang == "en" else ("是" if yes else "否")
    return value


def _rows_text(rows: list[int], limit: int, lang: str) -> str:
    shown = ", ".join(map(str, rows[:limit])) if lang == "en" else "、".join(map(str, rows[:limit]))
    return shown + (" …" if len(rows) > limit else "")


def _render(result: ImportResult, lang: str, max_items: int, max_chars: int | None) -> str:
    en = lang == "en"
    lines: list[str] = []
    if en:
        lines.append(f"Enterprise list {result.file_name}: {result.total} rows")
        lines.append(
            ("" if result.applied else "to be ")
            + f"created {result.created}, updated {result.updated},"
            f" unchanged {result.unchanged}; invalid {result.invalid}"
        )
    else:
        lines.append(f"企业名单 {result.file_name}：共 {result.total} 行")
        lines.append(
            ("" if result.applied else "预计")
            + f"新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}；"
            f"有误 {result.invalid}"
        )
    if result.applied:
        if result.errors:
            lines.append(
                f"Imported; {result.invalid} invalid rows were skipped."
                if en
                else f"已导入；跳过有误的 {result.invalid} 行。"
            )
        else:
            lines.append("Imported." if en else "已导入。")
    elif result.errors and not (result.dry_run and result.skip_invalid):
        lines.append(
            "Nothing was imported: correct the rows below and import again, or import only the"
            " valid rows (--skip-invalid)."
            if en
            else "未导入任何数据：请修正以下各行后重新导入，"
            "或选择仅导入无误的行（--skip-invalid）。"
        )
    elif result.dry_run:
        lines.append("Checked only; nothing written yet." if en else "仅校验，尚未写入。")

    def section(title: str, items: list[str], total: int) -> None:
        if not total:
            return
        lines.append("")
        lines.append(title)
        lines.extend(f"  {item}" for item in items[:max_items])
        if total > max_items:
            lines.append(
                f"  … and {total - max_items} more" if en else f"  …… 另有 {total - max_items} 条"
            )

    section(
        "Errors:" if en else "错误：",
        [e.line(lang) for e in result.errors[:max_items]],
        len(result.errors),
    )
    # Changes of enterprises the list creates are part of "created"; list changes of stored ones.
    created = {c.credit_code for c in result.changes if c.field == "created"}
    updates = [c for c in result.changes if c.credit_code not in created]
    sep = ": " if en else "："
    section(
        "Changes:" if en else "变更：",
        [
            f"{c.credit_code} {c.name}{sep}{_field(c.field, lang)} "
            f"{_value(c.field, c.old, lang)} → {_value(c.field, c.new, lang)}"
            for c in updates[:max_items]
        ],
        len(updates),
    )
    section(
        "Warnings:" if en else "提醒：",
        [w.line(lang) for w in result.warnings[:max_items]],
        len(result.warnings),
    )
    extra: list[str] = []
    if result.without_liaison:
        rows = _rows_text(result.without_liaison, 10, lang)
        n = len(result.without_liaison)
        extra.append(
            f"{n} enterprises have no liaison officer (rows {rows})."
            if en
            else f"{n} 家企业未指定一对一联络员（第 {rows} 行）。"
        )
    if result.grants:
        extra.append(
            f"Liaison officer grants {'added' if result.applied else 'to add'}:"
            f" {len(result.grants)}."
            if en
            else f"{'新' if result.applied else '将'}授予联络员权限 {len(result.grants)} 项。"
        )
    if result.contacts_bound:
        extra.append(
            f"Contacts {'bound' if result.applied else 'to bind'}: {result.contacts_bound}."
            if en
            else f"{'已' if result.applied else '将'}绑定企业联系人 {result.contacts_bound} 人。"
        )
    if extra:
        lines.append("")
        lines.extend(extra)
    text = "\n".join(lines)
    if max_chars is not None and len(text) > max_chars:
        cut = text[: max_chars - 2].rsplit("\n", 1)[0]
        text = cut + "\n…"
    return text
