"""One row of a list → a validated `EnterpriseRow`, or the reasons it cannot be imported.

Checks that need only the row live here (`parse_row`); checks across rows and against the database
(duplicates, references to leading enterprises, @usernames) are the importer's. Every problem is a
`RowError` (row_error.py) with a stable `code` and `params`; the sentences are in the catalogues.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache
from operator import mul
from typing import Any, Literal, Protocol

from pydantic import Field
from pydantic.dataclasses import dataclass as pydantic_dataclass
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from liaisonbot.domain.codes import CodeProblem, InvalidCode, region_name, validate_credit_code
from liaisonbot.domain.limits import LIMITS, is_visible, normalise_text
from liaisonbot.domain.vocabulary import Tier
from liaisonbot.files import list_headers as h
from liaisonbot.services.enterprise_import.row_error import RowError

SIZE_LIMIT = 20
MAX_LEADING = 50
MAX_CONTACTS = 50


@pydantic_dataclass(frozen=True, slots=True)
class EnterpriseRow:
    """A row that passed every check of its own. `None` means the column is absent from the file:
    the stored value is kept (or the default used for a new enterprise).

    A pydantic dataclass rather than a BaseModel: the same compiled validation, a fifth of the
    memory (a 10^5-row list holds 10^5 of them until it is written).
    """

    row: int
    credit_code: str = Field(min_length=18, max_length=18)
    name: str = Field(min_length=1, max_length=LIMITS.enterprise_name)
    region_code: str = Field(pattern=r"^\d{2}(\d{2}){0,2}$")
    chain: str | None = None
    tier: Tier | None = None
    leading_credit_codes: tuple[str, ...] | None = None
    relation: Literal["UPSTREAM", "DOWNSTREAM"] = "UPSTREAM"
    specialized: bool | None = None
    size: str | None = None
    liaison: int | str | None = None  # a user id, or "@username" still to be resolved
    contacts: tuple[int | str, ...] = ()


_LIST_SEPARATORS = re.compile(r"[;,、\s]+")  # after NFKC: ；→; ，→,
_USERNAME = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{4,31})$")
_TRUE = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔", "有"})
_FALSE = frozenset({"否", "n", "no", "false", "0", "×", "✗", "无", "不是", ""})
_TIER_WORDS = {
    "龙头企业": Tier.LEADING,
    "链主": Tier.LEADING,
    "链主企业": Tier.LEADING,
    "核心配套企业": Tier.CORE_SUPPLIER,
    "配套企业": Tier.CORE_SUPPLIER,
    "配套": Tier.CORE_SUPPLIER,
    "core": Tier.CORE_SUPPLIER,
    "其它": Tier.OTHER,
}
Relation = Literal["UPSTREAM", "DOWNSTREAM"]
_RELATIONS: dict[str, Relation] = {
    "上游": "UPSTREAM",
    "upstream": "UPSTREAM",
    "up": "UPSTREAM",
    "下游": "DOWNSTREAM",
    "downstream": "DOWNSTREAM",
    "down": "DOWNSTREAM",
}


def _code_text(value: str) -> str:
    """Codes and ids: full-width to half-width, no stray quote Excel users type to keep text."""
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    return value.strip().lstrip("'").strip()


@lru_cache(maxsize=8192)
def _known_region(code: str) -> bool:
    return region_name(code) is not None


_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_VALUE = {c: i for i, c in enumerate(_CODE_ALPHABET)}
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_COMPACT_CODE = re.compile(r"[0-9]{8}[0-9ABCDEFGHJKLMNPQRTUWXY]{10}")


def _fast_valid(code: str) -> bool:
    """GB 32100-2015's check for a code already in compact form; `stdnum` gives the same answer
    (a test checks both agree) but spends ~60 µs a code cleaning it, which 10^5 rows feel."""
    if not _COMPACT_CODE.fullmatch(code):
        return False
    total = sum(map(mul, map(_CODE_VALUE.__getitem__, code[:17]), _CODE_WEIGHTS))
    return _CODE_ALPHABET[-total % 31] == code[17]


def parse_credit_code(raw: str) -> str:
    """Compact credit code, or InvalidCode saying what is wrong (via `validate_credit_code`)."""
    text = _code_text(raw).upper()
    if _fast_valid(text):
        return text
    return validate_credit_code(text)


def _credit_problem_code(problem: CodeProblem, code: str) -> str:
    if problem is CodeProblem.LENGTH:
        return "credit_code_length"
    if problem is CodeProblem.CHECKSUM:
        return "credit_code_checksum"
    # A check character outside the alphabet (I, O, S, V, Z) is a format error for stdnum; for
    # the person fixing the row it is a wrong check character when the first 17 are well formed.
    if len(code) == 18:
        try:
            uscc.validate(code[:17] + uscc.calc_check_digit(code[:17]))
        except (ValidationError, KeyError, ValueError):
            pass
        else:
            return "credit_code_checksum"
    return "credit_code_format"


# Leading enterprises are few and referenced by many rows: remember their codes.
_leading_code = lru_cache(maxsize=8192)(parse_credit_code)


def parse_person(raw: str) -> int | str | None:
    """A Telegram user id (int) or '@username' (lower-case); None if it is neither."""
    text = _code_text(raw)
    if text.isdigit() and 0 < int(text) < 2**63:
        return int(text)
    match = _USERNAME.match(text)
    if match and (text.startswith("@") or not text.isdigit()):
        return "@" + match.group(1).lower()
    return None


@lru_cache(maxsize=256)
def parse_tier(raw: str) -> Tier | None:
    text = raw.strip()
    found = Tier.parse(text)
    if found is not None:
        return found
    return _TIER_WORDS.get(text) or _TIER_WORDS.get(text.lower())


class _Refuse(Protocol):
    """Records a problem with a cell of the row being parsed."""

    def __call__(self, key: str, code: str, /, **params: Any) -> None: ...


def parse_row(
    row: int, cells: dict[str, str], present: frozenset[str]
) -> EnterpriseRow | list[RowError]:
    """Check one row on its own; `present` are the columns the file has. A column the file lacks
    parses as None (the importer keeps the stored value); every problem of the row is reported,
    in column order."""
    errors: list[RowError] = []

    def err(key: str, code: str, /, **params: Any) -> None:
        errors.append(RowError(row, code, key, params))

    name = _name(cells, err)
    credit_code = _credit_code(cells, err)
    region_code = _region_code(cells, err)
    chain = _chain(cells, err) if h.CHAIN in present else None
    tier = _tier(cells, err) if h.TIER in present else None
    leading = _leading(cells, credit_code, err) if h.LEADING in present else None
    relation = _relation(cells, err)
    specialized = _specialized(cells, err) if h.SPECIALIZED in present else None
    size = _size(cells, err) if h.SIZE in present else None
    liaison = _liaison(cells, err)
    contacts = _contacts(cells, err)

    if errors:
        return errors
    # The checks above gave the reasons; pydantic's own (cheap, compiled) check confirms the types.
    return EnterpriseRow(
        row=row,
        credit_code=credit_code,
        name=name,
        # Few distinct values over many rows: share one string each.
        region_code=sys.intern(region_code),
        chain=None if chain is None else sys.intern(chain),
        tier=tier,
        leading_credit_codes=leading,
        relation=relation,
        specialized=specialized,
        size=None if size is None else sys.intern(size),
        liaison=liaison,
        contacts=contacts,
    )


def _name(cells: dict[str, str], err: _Refuse) -> str:
    name = normalise_text(cells.get(h.NAME, ""))
    if not is_visible(name):
        err(h.NAME, "required")
    elif len(name) > LIMITS.enterprise_name:
        err(h.NAME, "too_long", limit=LIMITS.enterprise_name, length=len(name))
    return name


def _credit_code(cells: dict[str, str], err: _Refuse) -> str:
    """The normalised code; "" when it is missing or wrong."""
    raw = cells.get(h.CREDIT_CODE, "")
    try:
        return parse_credit_code(raw)
    except InvalidCode as exc:
        if exc.problem is CodeProblem.EMPTY:
            err(h.CREDIT_CODE, "required")
        else:
            err(h.CREDIT_CODE, _credit_problem_code(exc.problem, exc.code), value=raw.strip())
    return ""


def _region_code(cells: dict[str, str], err: _Refuse) -> str:
    code = _code_text(cells.get(h.REGION_CODE, ""))
    if code.endswith(".0"):  # a number cell written by a spreadsheet as float
        code = code[:-2]
    if not code:
        err(h.REGION_CODE, "required")
    elif not (code.isdigit() and _known_region(code)):
        err(h.REGION_CODE, "region_code", value=code)
    return code


def _chain(cells: dict[str, str], err: _Refuse) -> str:
    chain = normalise_text(cells.get(h.CHAIN, ""))
    if chain and not is_visible(chain):
        chain = ""
    if len(chain) > LIMITS.chain:
        err(h.CHAIN, "too_long", limit=LIMITS.chain, length=len(chain))
    return chain


def _tier(cells: dict[str, str], err: _Refuse) -> Tier | None:
    """An empty cell is "other"."""
    raw = cells.get(h.TIER, "").strip()
    tier = parse_tier(raw) if raw else Tier.OTHER
    if tier is None:
        err(h.TIER, "tier", value=raw)
    return tier


def _leading(cells: dict[str, str], credit_code: str, err: _Refuse) -> tuple[str, ...]:
    """The leading enterprises' codes, each once, in the cell's order."""
    codes: list[str] = []
    for part in _LIST_SEPARATORS.split(_code_text(cells.get(h.LEADING, ""))):
        if not part:
            continue
        try:
            code = _leading_code(part)
        except InvalidCode:
            err(h.LEADING, "leading_code", value=part)
            continue
        if code == credit_code:
            err(h.LEADING, "leading_self")
        elif code not in codes:
            codes.append(code)
    if len(codes) > MAX_LEADING:
        err(h.LEADING, "too_many", limit=MAX_LEADING)
    return tuple(codes)


def _relation(cells: dict[str, str], err: _Refuse) -> Relation:
    """Upstream unless the cell says otherwise."""
    raw = cells.get(h.RELATION, "").strip()
    if not raw:
        return "UPSTREAM"
    found = _RELATIONS.get(raw.lower())
    if found is None:
        err(h.RELATION, "relation", value=raw)
        return "UPSTREAM"
    return found


def _specialized(cells: dict[str, str], err: _Refuse) -> bool | None:
    raw = unicodedata.normalize("NFKC", cells.get(h.SPECIALIZED, "")).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    err(h.SPECIALIZED, "specialized", value=raw)
    return None


def _size(cells: dict[str, str], err: _Refuse) -> str:
    size = cells.get(h.SIZE, "").strip()
    if len(size) > SIZE_LIMIT:
        err(h.SIZE, "too_long", limit=SIZE_LIMIT, length=len(size))
    return size


def _liaison(cells: dict[str, str], err: _Refuse) -> int | str | None:
    raw = cells.get(h.LIAISON, "").strip()
    if not raw:
        return None
    liaison = parse_person(raw)
    if liaison is None:
        err(h.LIAISON, "liaison_invalid", value=raw)
    return liaison


def _contacts(cells: dict[str, str], err: _Refuse) -> tuple[int | str, ...]:
    """User ids and @usernames, each once."""
    contacts: list[int | str] = []
    for part in _LIST_SEPARATORS.split(_code_text(cells.get(h.CONTACTS, ""))):
        if not part:
            continue
        person = parse_person(part)
        if person is None:
            err(h.CONTACTS, "contact_invalid", value=part)
        elif person not in contacts:
            contacts.append(person)
    if len(contacts) > MAX_CONTACTS:
        err(h.CONTACTS, "too_many", limit=MAX_CONTACTS)
    return tuple(contacts)
