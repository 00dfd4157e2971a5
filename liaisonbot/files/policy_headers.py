"""Column headers of a policy library (政策库): Chinese or English, in any order.

The first alias of each field is the Chinese header an export writes, the second the English one.
"""

from __future__ import annotations

import re
import unicodedata

FIELDS: dict[str, tuple[str, ...]] = {
    "key": ("政策编号", "key", "编号", "id", "code"),
    "title": ("政策名称", "title", "名称", "标题", "政策", "name"),
    "issuer": ("发文机关", "issuer", "发文单位", "issuing body"),
    "doc_number": ("文号", "doc_number", "发文字号", "document number"),
    "level": ("层级", "level", "政策层级"),
    "region_code": ("发文地区代码", "region_code", "地区代码", "行政区划代码"),
    "issued_on": ("发文日期", "issued_on", "issued", "印发日期"),
    "valid_from": ("生效日期", "valid_from", "有效期起"),
    "valid_to": ("失效日期", "valid_to", "有效期至", "截止日期"),
    "apply_from": ("申报开始", "apply_from", "申报起"),
    "apply_to": ("申报截止", "apply_to", "申报止"),
    "benefit": ("支持方式", "benefit", "惠企类型", "benefit type"),
    "categories": ("适用困难类别", "categories", "困难类别", "类别"),
    "region_prefix": ("适用地区", "region_prefix", "适用地区代码"),
    "chains": ("适用产业链", "chains", "产业链"),
    "tiers": ("适用企业类型", "tiers", "企业类型"),
    "specialized": ("专精特新", "specialized"),
    "sizes": ("企业规模", "sizes", "规模"),
    "checklist": ("申报条件", "checklist", "条件"),
    "link": ("链接", "link", "url", "原文链接"),
    "automatic": ("免申即享", "automatic", "no application needed"),
}
REQUIRED = ("title",)
LIST_FIELDS = frozenset({"categories", "chains", "tiers", "sizes"})
DATE_FIELDS = ("issued_on", "valid_from", "valid_to", "apply_from", "apply_to")


def canonical(header: object) -> str:
    """`*政策名称（必填）` → `政策名称`; full-width folded, spaces and stars dropped, lower case."""
    text = unicodedata.normalize("NFKC", str(header or "")).strip()
    text = re.sub(r"[(（\[【].*?[)）\]】]", "", text)
    return text.replace("*", "").replace(" ", "").replace("_", "").lower()


_LOOKUP = {canonical(alias): key for key, aliases in FIELDS.items() for alias in aliases}


def field_of(header: object) -> str | None:
    return _LOOKUP.get(canonical(header))


def header_label(key: str, lang: str) -> str:
    return FIELDS[key][1 if lang == "en" else 0]
