"""Importing a policy library: every row checked first; with any problem nothing is applied.

A row names its policy by 政策编号 (else its 文号, else its title). A policy new to the library gets
version 1; one whose content changed gets the next version, which becomes current; an unchanged
one adds nothing. Offers and matches keep pointing at the version they were made for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from liaisonbot.domain.codes import validate_region_code
from liaisonbot.domain.policies import SIZES, Benefit, Criteria, Level, PolicyContent
from liaisonbot.domain.vocabulary import Category, Tier
from liaisonbot.files.archive_guard import DEFAULT_LIMITS, ImportLimits
from liaisonbot.files.policy_headers import DATE_FIELDS
from liaisonbot.files.policy_reader import PolicyFileError, Problem, read_policies
from liaisonbot.i18n import t
from liaisonbot.store import Database, UnitOfWork

MAX_TITLE = 200
MAX_TEXT = 2000
_SPLIT = re.compile(r"[、,，;；/\n|]+")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_YES = {"是", "yes", "y", "true", "1", "√", "✓"}
_NO = {"否", "no", "n", "false", "0", "×"}


@dataclass
class ImportResult:
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # titles
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    applied: bool = False
    new_version_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def render(self, lang: str, max_items: int = 20) -> str:
        if self.problems:
            lines = [t(lang, "policy.import.refused", count=len(self.problems))]
            lines += [p.line(lang) for p in self.problems[:max_items]]
            if len(self.problems) > max_items:
                lines.append(t(lang, "policy.import.more", count=len(self.problems) - max_items))
            return "\n".join(lines)
        key = "policy.import.applied" if self.applied else "policy.import.checked"
        return t(
            lang,
            key,
            rows=self.rows,
            created=len(self.created),
            changed=len(self.changed),
            unchanged=self.unchanged,
        )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value).strip()


def _list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [_text(v) for v in value if _text(v)]
    return [p.strip() for p in _SPLIT.split(_text(value)) if p.strip()]


def parse_date(value: Any) -> date | None:
    """A day as 2020-03-01, 2020/3/1, 2020.3.1 or 2020年3月1日 (a spreadsheet date too); None
    when empty; ValueError when it is none of these."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).split("T")[0].split(" ")[0]
    if not text:
        return None
    found = _DATE.match(text)
    if not found:
        raise ValueError(text)
    return date(int(found[1]), int(found[2]), int(found[3]))


def _flag(value: Any) -> bool | None:
    text = _text(value).lower()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(text)


def parse_row(number: int, record: dict[str, Any]) -> tuple[PolicyContent | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(code: str, name: str, value: object = "") -> None:
        problems.append(Problem(number, code, name, {"value": _text(value)[:40]}))

    title = _text(record.get("title"))
    if not title:
        bad("required", "title")
    elif len(title) > MAX_TITLE:
        problems.append(Problem(number, "too_long", "title", {"limit": MAX_TITLE}))
    dates: dict[str, date | None] = {}
    for name in DATE_FIELDS:
        try:
            dates[name] = parse_date(record.get(name))
        except ValueError:
            bad("date", name, record.get(name))
            dates[name] = None
    for start, end in (("valid_from", "valid_to"), ("apply_from", "apply_to")):
        if dates[start] and dates[end] and dates[end] < dates[start]:  # type: ignore[operator]
            bad("date_order", end, record.get(end))
    categories: list[Category] = []
    for word in _list(record.get("categories")):
        found = Category.parse(word)
        if found is None:
            bad("category", "categories", word)
        elif found not in categories:
            categories.append(found)
    tiers: list[Tier] = []
    for word in _list(record.get("tiers")):
        tier = Tier.parse(word)
        if tier is None:
            bad("tier", "tiers", word)
        else:
            tiers.append(tier)
    sizes = _list(record.get("sizes"))
    for word in sizes:
        if word not in SIZES:
            bad("size", "sizes", word)
    benefit = Benefit.parse(_text(record.get("benefit")) or "OTHER")
    if benefit is None:
        bad("benefit", "benefit", record.get("benefit"))
    level = Level.parse(_text(record.get("level")) or "NATIONAL")
    if level is None:
        bad("level", "level", record.get("level"))
    region_code = _text(record.get("region_code"))
    if region_code:
        try:
            region_code = validate_region_code(region_code)
        except ValueError:
            bad("region", "region_code", region_code)
    prefix = _text(record.get("region_prefix"))
    if prefix and not (prefix.isdigit() and len(prefix) <= 6):
        bad("region", "region_prefix", prefix)
    flags: dict[str, bool | None] = {}
    for name in ("specialized", "automatic"):
        try:
            flags[name] = _flag(record.get(name))
        except ValueError:
            bad("flag", name, record.get(name))
            flags[name] = None
    link = _text(record.get("link"))
    if link and not link.startswith(("http://", "https://")):
        bad("link", "link", link)
    checklist = _text(record.get("checklist"))
    for name, value in (("checklist", checklist), ("issuer", _text(record.get("issuer")))):
        if len(value) > MAX_TEXT:
            problems.append(Problem(number, "too_long", name, {"limit": MAX_TEXT}))
    if problems:
        return None, problems
    assert benefit is not None and level is not None
    doc_number = _text(record.get("doc_number"))
    key = _text(record.get("key")) or doc_number or title
    return (
        PolicyContent(
            key=key[:100],
            title=title,
            issuer=_text(record.get("issuer")),
            doc_number=doc_number,
            level=Level(level),
            region_code=region_code,
            benefit=Benefit(benefit),
            categories=tuple(categories),
            criteria=Criteria(
                region_prefix=prefix,
                chains=tuple(_list(record.get("chains"))),
                tiers=tuple(tiers),
                specialized=flags["specialized"] or None,  # 否: any enterprise
                sizes=tuple(sizes),
            ),
            checklist=checklist,
            link=link,
            automatic=bool(flags["automatic"]),
            **dates,
        ),
        [],
    )


def check_rows(rows: list[tuple[int, dict[str, Any]]]) -> tuple[list[PolicyContent], list[Problem]]:
    contents: list[PolicyContent] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for number, record in rows:
        content, found = parse_row(number, record)
        problems += found
        if content is None:
            continue
        if content.key in seen:
            problems.append(
                Problem(
                    number, "duplicate", "key", {"value": content.key, "other": seen[content.key]}
                )
            )
            continue
        seen[content.key] = number
        contents.append(content)
    if not rows:
        problems.append(Problem(0, "no_rows"))
    return contents, problems


async def import_policies(
    db: Database,
    path: str | Path,
    *,
    now: datetime,
    apply: bool = True,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportResult:
    """Check the file; with no problem and `apply`, write it all in one transaction (a dry run
    says what would change and writes nothing)."""
    result = ImportResult()
    try:
        rows = read_policies(path, limits)
    except PolicyFileError as exc:
        result.problems = exc.problems
        return result
    result.rows = len(rows)
    contents, result.problems = check_rows(rows)
    if result.problems:
        return result
    if not apply:
        for content in contents:
            outcome = await _outcome(db, content)
            if outcome == "created":
                result.created.append(content.title)
            elif outcome == "changed":
                result.changed.append(content.title)
            else:
                result.unchanged += 1
        return result
    async with UnitOfWork(db) as uow:
        for content in contents:
            outcome, version_id = await uow.policies.save(content, now)
            if outcome == "created":
                result.created.append(content.title)
            elif outcome == "changed":
                result.changed.append(content.title)
            else:
                result.unchanged += 1
            if version_id is not None:
                result.new_version_ids.append(version_id)
    result.applied = True
    return result


async def _outcome(db: Database, content: PolicyContent) -> str:
    row = await db.fetch_one(
        "SELECT v.fingerprint FROM policies p JOIN policy_versions v ON v.id = p.current_id"
        " WHERE p.key = ?",
        (content.key,),
    )
    if row is None:
        return "created"
    return "unchanged" if row["fingerprint"] == content.fingerprint() else "changed"
