"""Checks of one row: each kind of error, the parsed values, and the messages in both languages."""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from liaisonbot.domain.vocabulary import Tier
from liaisonbot.files import list_headers as h
from liaisonbot.services.enterprise_import.row_error import ROW_ERROR_CODES as MESSAGES
from liaisonbot.services.enterprise_import.validate import (
    EnterpriseRow,
    RowError,
    _fast_valid,
    parse_credit_code,
    parse_row,
)
from tests.lists.conftest import (
    BAD_CODE,
    FUZHOU_CODE,
    INSTITUTION_CODE,
    LEADING_CODE,
    SUPPLIER_CODE,
)

ALL = frozenset(h.FIELDS)


def row(**cells: str) -> dict[str, str]:
    base = {h.NAME: "某公司", h.CREDIT_CODE: LEADING_CODE, h.REGION_CODE: "110108"}
    return base | cells


def errors_of(cells: dict[str, str], present: frozenset[str] = ALL) -> list[tuple[str, str]]:
    parsed = parse_row(7, cells, present)
    assert isinstance(parsed, list), parsed
    assert all(e.row == 7 for e in parsed)
    return [(e.field or "", e.code) for e in parsed]


@pytest.mark.parametrize("code", [LEADING_CODE, SUPPLIER_CODE, INSTITUTION_CODE, FUZHOU_CODE])
def test_real_credit_codes_are_valid(code: str) -> None:
    assert parse_credit_code(code) == code
    assert parse_credit_code(f" {code.lower()} ") == code
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert parse_credit_code(full_width) == code  # typed with a Chinese input method


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (row(name=""), [(h.NAME, "required")]),
        (row(name="长" * 201), [(h.NAME, "too_long")]),
        (row(credit_code=""), [(h.CREDIT_CODE, "required")]),
        (row(credit_code=BAD_CODE), [(h.CREDIT_CODE, "credit_code_checksum")]),
        (row(credit_code="91110108551385082A"), [(h.CREDIT_CODE, "credit_code_checksum")]),
        (row(credit_code="9111010855138508"), [(h.CREDIT_CODE, "credit_code_length")]),
        (row(credit_code="9111O10855138508OQ"), [(h.CREDIT_CODE, "credit_code_format")]),
        (row(region_code=""), [(h.REGION_CODE, "required")]),
        (row(region_code="999999"), [(h.REGION_CODE, "region_code")]),
        (row(region_code="北京"), [(h.REGION_CODE, "region_code")]),
        (row(region_code="1101089"), [(h.REGION_CODE, "region_code")]),
        (row(chain="链" * 51), [(h.CHAIN, "too_long")]),
        (row(tier="头部"), [(h.TIER, "tier")]),
        (row(leading_credit_codes="123"), [(h.LEADING, "leading_code")]),
        (row(leading_credit_codes=LEADING_CODE), [(h.LEADING, "leading_self")]),
        (row(relation="旁边"), [(h.RELATION, "relation")]),
        (row(specialized="也许"), [(h.SPECIALIZED, "specialized")]),
        (row(size="大" * 21), [(h.SIZE, "too_long")]),
        (row(liaison="张三"), [(h.LIAISON, "liaison_invalid")]),
        (row(liaison="@ab"), [(h.LIAISON, "liaison_invalid")]),
        (row(contacts="2001；李四"), [(h.CONTACTS, "contact_invalid")]),
        (row(contacts=";".join(str(1000 + i) for i in range(51))), [(h.CONTACTS, "too_many")]),
    ],
)
def test_each_kind_of_row_error(cells: dict[str, str], expected: list[tuple[str, str]]) -> None:
    assert errors_of(cells) == expected


def test_all_errors_of_a_row_are_reported() -> None:
    cells = row(name="", credit_code=BAD_CODE, region_code="0", tier="x", liaison="张三")
    assert [code for _, code in errors_of(cells)] == [
        "required",
        "credit_code_checksum",
        "region_code",
        "tier",
        "liaison_invalid",
    ]


def test_parsed_values() -> None:
    parsed = parse_row(
        3,
        row(
            chain=" 汽车 ",
            tier="核心配套",
            leading_credit_codes=f"{SUPPLIER_CODE}；{INSTITUTION_CODE}; {SUPPLIER_CODE}",
            relation="下游",
            specialized="是",
            size="中型",
            liaison="@Officer_Wang",
            contacts="2001；2002, @Contact_Li",
        ),
        ALL,
    )
    assert isinstance(parsed, EnterpriseRow)
    assert parsed.row == 3
    assert parsed.chain == "汽车"
    assert parsed.tier is Tier.CORE_SUPPLIER
    assert parsed.leading_credit_codes == (SUPPLIER_CODE, INSTITUTION_CODE)
    assert parsed.relation == "DOWNSTREAM"
    assert parsed.specialized is True
    assert parsed.liaison == "@officer_wang"
    assert parsed.contacts == (2001, 2002, "@contact_li")


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("龙头", Tier.LEADING),
        ("龙头企业", Tier.LEADING),
        ("链主", Tier.LEADING),
        ("LEADING", Tier.LEADING),
        ("Leading", Tier.LEADING),
        ("核心配套", Tier.CORE_SUPPLIER),
        ("core supplier", Tier.CORE_SUPPLIER),
        ("其他", Tier.OTHER),
        ("", Tier.OTHER),
    ],
)
def test_tier_words(text: str, tier: Tier) -> None:
    parsed = parse_row(2, row(tier=text), ALL)
    assert isinstance(parsed, EnterpriseRow)
    assert parsed.tier is tier


def test_absent_columns_are_none_present_empty_are_defaults() -> None:
    absent = parse_row(2, row(), frozenset(h.REQUIRED))
    assert isinstance(absent, EnterpriseRow)
    assert (absent.chain, absent.tier, absent.specialized, absent.size) == (None,) * 4
    assert absent.leading_credit_codes is None
    empty = parse_row(2, row(chain="", tier="", specialized="", size=""), ALL)
    assert isinstance(empty, EnterpriseRow)
    assert (empty.chain, empty.tier, empty.specialized, empty.size) == ("", Tier.OTHER, False, "")
    assert empty.leading_credit_codes == ()


SAMPLE_PARAMS: dict[str, Any] = {
    "path": "/x.csv",
    "suffix": ".xls",
    "reason": "bad",
    "column": "name",
    "columns": ["甲", "乙"],
    "limit": 5,
    "length": 9,
    "value": "V",
    "first_row": 2,
    "ref_row": 3,
    "old": "OLD",
    "guess": "big5",
}


@pytest.mark.parametrize("code", sorted(MESSAGES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_message_renders(code: str, lang: str) -> None:
    error = RowError(5, code, h.CREDIT_CODE, SAMPLE_PARAMS)
    text = error.message(lang)
    assert "{" not in text
    line = error.line(lang)
    assert line.startswith(
        "row 5 (credit code): " if lang == "en" else "第 5 行（统一社会信用代码）："
    )
    if lang == "zh":
        assert any("\u4e00" <= c <= "\u9fff" for c in text)
    else:
        assert text.isascii() or "甲" in text


def test_message_params_name_columns_in_the_language() -> None:
    error = RowError(1, "missing_column", params={"column": h.CREDIT_CODE})
    assert error.message() == "缺少必需的列「统一社会信用代码」"
    assert error.message("en") == "required column 'credit code' is missing"


CODE_CHARS = string.digits + "ABCDEFGHJKLMNPQRTUWXY"


@given(
    st.text(alphabet=string.digits, min_size=8, max_size=8),
    st.text(alphabet=CODE_CHARS, min_size=9, max_size=9),
    st.sampled_from(CODE_CHARS + "IOSVZ"),
)
def test_fast_check_agrees_with_stdnum(head: str, body: str, check: str) -> None:
    code = head + body + check
    assert _fast_valid(code) == uscc.is_valid(code)
    right = head + body + uscc.calc_check_digit(head + body)
    assert _fast_valid(right) and uscc.is_valid(right)
