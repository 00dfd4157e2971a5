"""Column headers of an enterprise list (名单): Chinese or English, in any order.

Officials' spreadsheets vary: a header may carry a hint in brackets
(`企业类型（龙头/核心配套/其他）`), a required-field star (`*企业名称`), full-width
characters or stray spaces. `canonical()` strips all of that and looks the rest up in the alias
table below.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

# Canonical keys, in the order an exported list has them.
NAME = "name"
CREDIT_CODE = "credit_code"
REGION_CODE = "region_code"
CHAIN = "chain"
TIER = "tier"
LEADING = "leading_credit_codes"
RELATION = "relation"
SPECIALIZED = "specialized"
SIZE = "size"
LIAISON = "liaison"
CONTACTS = "contacts"

FIELDS: tuple[str, ...] = (
    NAME,
    CREDIT_CODE,
    REGION_CODE,
    CHAIN,
    TIER,
    LEADING,
    RELATION,
    SPECIALIZED,
    SIZE,
    LIAISON,
    CONTACTS,
)
REQUIRED: tuple[str, ...] = (NAME, CREDIT_CODE, REGION_CODE)

# The first alias of each field is the Chinese header an export writes; the second the English one.
ALIASES: dict[str, tuple[str, ...]] = {
    NAME: (
        "企业名称",
        "name",
        "名称",
        "企业",
        "单位名称",
        "enterprise",
        "enterprise name",
        "company",
        "company name",
    ),
    CREDIT_CODE: (
        "统一社会信用代码",
        "credit_code",
        "社会信用代码",
        "信用代码",
        "uscc",
        "unified social credit code",
    ),
    REGION_CODE: (
        "地区代码",
        "region_code",
        "行政区划代码",
        "区划代码",
        "所在地区代码",
        "region",
        "division code",
    ),
    CHAIN: ("产业链", "chain", "所属产业链", "industry chain"),
    TIER: ("企业类型", "tier", "类型", "企业类别", "企业层级", "type", "enterprise type"),
    LEADING: (
        "配套龙头企业",
        "leading_credit_codes",
        "配套龙头企业信用代码",
        "龙头企业",
        "所配套龙头企业",
        "leading",
        "leading enterprises",
        "leading codes",
    ),
    RELATION: ("上下游", "relation", "上下游关系", "relationship"),
    SPECIALIZED: ("专精特新", "specialized", "是否专精特新", "专精特新企业", "srdi"),
    SIZE: ("企业规模", "size", "规模", "enterprise size"),
    LIAISON: (
        "联络员",
        "liaison",
        "一对一联络员",
        "联络员id",
        "liaison officer",
        "liaison officer id",
    ),
    CONTACTS: ("联系人", "contacts", "企业联络人", "企业联系人", "联系人id", "contact"),
}
# The Chinese headers of an importable list, one per field, in the order of FIELDS.
ZH_HEADERS: tuple[str, ...] = tuple(ALIASES[key][0] for key in FIELDS)

# Columns an export writes for people to read; an import accepts and ignores them silently.
IGNORED: tuple[str, ...] = (
    "序号",
    "no",
    "no.",
    "#",
    "地区",
    "地区名称",
    "联络员姓名",
    "复工状态",
    "登记时间",
    "更新时间",
    "备注",
    "remarks",
    "note",
    "notes",
)

# How a field is named in messages.
LABELS: dict[str, tuple[str, str]] = {
    NAME: ("企业名称", "name"),
    CREDIT_CODE: ("统一社会信用代码", "credit code"),
    REGION_CODE: ("地区代码", "region code"),
    CHAIN: ("产业链", "chain"),
    TIER: ("企业类型", "tier"),
    LEADING: ("配套龙头企业", "leading enterprises"),
    RELATION: ("上下游", "relation"),
    SPECIALIZED: ("专精特新", "specialized"),
    SIZE: ("企业规模", "size"),
    LIAISON: ("联络员", "liaison officer"),
    CONTACTS: ("联系人", "contacts"),
}


def field_label(key: str, lang: str = "zh") -> str:
    zh, en = LABELS.get(key, (key, key))
    return en if lang == "en" else zh


_BRACKETED = re.compile(r"[(\[【〔].*?[)\]】〕]")
_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise(header: object) -> str:
    text = unicodedata.normalize("NFKC", "" if header is None else str(header))
    text = _BRACKETED.sub("", text).replace("*", "").lower()
    return _SEPARATORS.sub(" ", text).strip()


_LOOKUP: dict[str, str] = {normalise(a): key for key, names in ALIASES.items() for a in names}
_IGNORED: frozenset[str] = frozenset(normalise(a) for a in IGNORED)


def canonical(header: object) -> str | None:
    """The canonical key of a header, or None when it is not a known column."""
    return _LOOKUP.get(normalise(header))


def is_ignored(header: object) -> bool:
    return normalise(header) in _IGNORED


@dataclass(frozen=True)
class HeaderMap:
    """Where each known column is, which headers are unknown, and which appear twice."""

    columns: dict[str, int]
    unknown: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()
    missing: tuple[str, ...] = field(default=())

    @property
    def present(self) -> frozenset[str]:
        return frozenset(self.columns)


def map_headers(cells: Sequence[object]) -> HeaderMap:
    columns: dict[str, int] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for index, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        key = canonical(text)
        if key is None:
            if not is_ignored(text):
                unknown.append(text)
        elif key in columns:
            duplicates.append(key)
        else:
            columns[key] = index
    missing = tuple(k for k in REQUIRED if k not in columns)
    return HeaderMap(columns, tuple(unknown), tuple(duplicates), missing)


def looks_like_header(cells: Sequence[object]) -> bool:
    """A header row names at least two known columns, one of them the credit code or name."""
    keys = {canonical(c) for c in cells if c is not None and str(c).strip()}
    keys.discard(None)
    return len(keys) >= 2 and bool(keys & {CREDIT_CODE, NAME})
