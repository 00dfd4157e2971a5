"""What an import did or would do (`ImportResult`, `Change`), and its report in words.

The sentences are in the catalogues (`import.report.*`, liaisonbot/locales/); the result holds only
counts, codes and values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from liaisonbot.domain.vocabulary import Tier
from liaisonbot.files import list_headers as h
from liaisonbot.i18n import t
from liaisonbot.services.enterprise_import.row_error import RowError

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
        return render(self, lang, max_items, max_chars)


_FILE_CODES = frozenset(
    {
        "file_not_found",
        "unsupported_format",
        "unreadable",
        "no_header",
        "missing_column",
        "duplicate_column",
        "no_rows",
        "changed_meanwhile",
        "imported_meanwhile",
        "import_running",
        "encoding",
        "mixed_encoding",
    }
)


# -- the report ----------------------------------------------------------------------------------

# Field names of the change log that are not columns of the list.
_CHANGE_LABELS = {
    "liaison_officer_id": h.LABELS[h.LIAISON],
    "leading": h.LABELS[h.LEADING],
    "contact": h.LABELS[h.CONTACTS],
}


def _field(name: str, lang: str) -> str:
    if name == "created":
        return t(lang, "import.report.created")
    zh, en = _CHANGE_LABELS.get(name) or h.LABELS.get(name, (name, name))
    return en if lang == "en" else zh


def _value(name: str, value: str | None, lang: str) -> str:
    if value is None or value == "":
        return t(lang, "import.report.empty")
    if name == "tier":
        return Tier(value).label(lang) if value in Tier.__members__ else value
    if name == "specialized":
        return t(lang, "import.report.yes" if value == "1" else "import.report.no")
    return value


def _rows_text(rows: list[int], limit: int, lang: str) -> str:
    shown = t(lang, "import.list_separator").join(map(str, rows[:limit]))
    return shown + (" …" if len(rows) > limit else "")


def _outcome(result: ImportResult, lang: str) -> list[str]:
    """The heading, the counts and what became of the list."""
    counts = "import.report.counts" if result.applied else "import.report.counts_planned"
    lines = [
        t(lang, "import.report.title", file_name=result.file_name, total=result.total),
        t(
            lang,
            counts,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            invalid=result.invalid,
        ),
    ]
    if result.applied:
        if result.errors:
            lines.append(t(lang, "import.report.imported_skipped", invalid=result.invalid))
        else:
            lines.append(t(lang, "import.report.imported"))
    elif result.errors and not (result.dry_run and result.skip_invalid):
        lines.append(t(lang, "import.report.nothing_imported"))
    elif result.dry_run:
        lines.append(t(lang, "import.report.checked_only"))
    return lines


def _section(title: str, items: list[str], total: int, max_items: int, lang: str) -> list[str]:
    if not total:
        return []
    lines = ["", title, *(f"  {item}" for item in items[:max_items])]
    if total > max_items:
        lines.append("  " + t(lang, "import.report.more", count=total - max_items))
    return lines


def _change_lines(result: ImportResult, lang: str, max_items: int) -> tuple[list[str], int]:
    """Changes of stored enterprises (those of created ones are part of "created")."""
    created = {c.credit_code for c in result.changes if c.field == "created"}
    updates = [c for c in result.changes if c.credit_code not in created]
    lines = [
        t(
            lang,
            "import.report.change",
            credit_code=c.credit_code,
            name=c.name,
            field=_field(c.field, lang),
            old=_value(c.field, c.old, lang),
            new=_value(c.field, c.new, lang),
        )
        for c in updates[:max_items]
    ]
    return lines, len(updates)


def _extra(result: ImportResult, lang: str) -> list[str]:
    """Enterprises without an officer, grants and contacts."""
    extra: list[str] = []
    if result.without_liaison:
        rows = _rows_text(result.without_liaison, 10, lang)
        n = len(result.without_liaison)
        extra.append(t(lang, "import.report.without_liaison", count=n, rows=rows))
    if result.grants:
        key = "import.report.grants_added" if result.applied else "import.report.grants_planned"
        extra.append(t(lang, key, count=len(result.grants)))
    if result.contacts_bound:
        key = "import.report.contacts_bound" if result.applied else "import.report.contacts_planned"
        extra.append(t(lang, key, count=result.contacts_bound))
    return ["", *extra] if extra else []


def render(result: ImportResult, lang: str, max_items: int, max_chars: int | None) -> str:
    """The report for the command line and the chat; cut at `max_chars` on a line boundary."""
    lines = _outcome(result, lang)
    errors = [e.line(lang) for e in result.errors[:max_items]]
    lines += _section(t(lang, "import.report.errors"), errors, len(result.errors), max_items, lang)
    changes, total = _change_lines(result, lang, max_items)
    lines += _section(t(lang, "import.report.changes"), changes, total, max_items, lang)
    warnings = [w.line(lang) for w in result.warnings[:max_items]]
    lines += _section(
        t(lang, "import.report.warnings"), warnings, len(result.warnings), max_items, lang
    )
    lines += _extra(result, lang)
    text = "\n".join(lines)
    if max_chars is not None and len(text) > max_chars:
        cut = text[: max_chars - 2].rsplit("\n", 1)[0]
        text = cut + "\n…"
    return text
