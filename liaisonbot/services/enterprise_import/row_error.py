"""A problem with one row of an enterprise list: a stable code and its parameters.

The sentences are in the catalogues (`import.error.<code>`, liaisonbot/locales/); `message` and
`line` say them in Chinese (default) or English for the command line and the chat.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from liaisonbot.files import list_headers as h
from liaisonbot.i18n import t, template

Severity = Literal["error", "warning"]

# Every code a row error may have: the file, one cell, across rows and the database, warnings.
ROW_ERROR_CODES: tuple[str, ...] = (
    "file_not_found",
    "unsupported_format",
    "unreadable",
    "no_header",
    "missing_column",
    "duplicate_column",
    "unknown_columns",
    "no_rows",
    "required",
    "too_long",
    "credit_code_length",
    "credit_code_format",
    "credit_code_checksum",
    "region_code",
    "tier",
    "relation",
    "specialized",
    "leading_code",
    "too_many",
    "liaison_invalid",
    "contact_invalid",
    "duplicate_credit_code",
    "leading_self",
    "unknown_leading",
    "leading_invalid_row",
    "unknown_liaison",
    "contact_twice",
    "not_leading",
    "contact_moved",
    "no_liaison",
    "changed_meanwhile",
    "imported_meanwhile",
    "import_running",
    "encoding",
    "mixed_encoding",
)


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one row (or with the file, row 0 / the header row). Stable `code`."""

    row: int
    code: str
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    severity: Severity = "error"

    def message(self, lang: str = "zh") -> str:
        """The reason, in Chinese (default) or English."""
        text = template(lang, f"import.error.{self.code}") or "{code}"
        params = {k: _show(v, lang) for k, v in self.params.items()}
        return text.format_map(_Defaults(code=self.code, **params))

    def line(self, lang: str = "zh") -> str:
        """Where and why: `第 5 行（统一社会信用代码）：…` / `row 5 (credit code): …`."""
        where = ""
        if self.row > 0:
            where = t(lang, "import.where.row", row=self.row)
        if self.field:
            label = h.field_label(self.field, lang)
            where = t(lang, "import.where.field", where=where, label=label)
        if not where:
            return self.message(lang)
        return t(lang, "import.where.line", where=where.strip(), message=self.message(lang))


class _Defaults(dict[str, Any]):
    """A placeholder without a parameter stays as it is written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _show(value: Any, lang: str) -> str:
    if isinstance(value, (list, tuple)):
        return t(lang, "import.list_separator").join(_show(v, lang) for v in value)
    if isinstance(value, str) and value in h.LABELS:
        return h.field_label(value, lang)
    return str(value)
