"""Header aliases: every alias of every column, in any order, with the usual decorations."""

from __future__ import annotations

import pytest

from liaisonbot.files import list_headers as h

ALL_ALIASES = [(key, alias) for key, aliases in h.ALIASES.items() for alias in aliases]


@pytest.mark.parametrize(("key", "alias"), ALL_ALIASES, ids=[a for _, a in ALL_ALIASES])
def test_each_alias_maps_to_its_column(key: str, alias: str) -> None:
    assert h.canonical(alias) == key
    assert h.canonical(alias.upper()) == key
    assert h.canonical(f"  {alias} ") == key


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("*企业名称", h.NAME),
        ("企业类型（龙头/核心配套/其他）", h.TIER),
        ("联络员(Telegram ID)", h.LIAISON),
        ("配套龙头企业【多个用；分隔】", h.LEADING),
        ("Credit Code", h.CREDIT_CODE),
        ("credit-code", h.CREDIT_CODE),
        ("Region_Code", h.REGION_CODE),
        ("ｃｈａｉｎ", h.CHAIN),  # full-width letters
    ],
)
def test_decorated_headers(header: str, key: str) -> None:
    assert h.canonical(header) == key


def test_map_headers_any_order_unknown_and_ignored() -> None:
    cells = ["联络员", "序号", "Credit Code", "备注x", None, "名称", "region", "地区"]
    found = h.map_headers(cells)
    assert found.columns == {h.LIAISON: 0, h.CREDIT_CODE: 2, h.NAME: 5, h.REGION_CODE: 6}
    assert found.unknown == ("备注x",)  # 序号 and 地区 are known, ignored columns
    assert found.missing == ()
    assert found.duplicates == ()


def test_map_headers_missing_and_duplicate() -> None:
    found = h.map_headers(["企业名称", "name", "产业链"])
    assert found.duplicates == (h.NAME,)
    assert found.missing == (h.CREDIT_CODE, h.REGION_CODE)


def test_every_field_has_aliases_and_labels() -> None:
    assert set(h.ALIASES) == set(h.FIELDS) == set(h.LABELS)
    # No alias is claimed by two columns.
    normalised = [h.normalise(a) for _, a in ALL_ALIASES]
    assert len(normalised) == len(set(normalised))
