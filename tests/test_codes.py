"""Credit codes and division codes, with the design brief's vectors and property tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaisonbot.domain.codes import (
    CodeProblem,
    InvalidCode,
    is_valid_credit_code,
    region_name,
    validate_credit_code,
    validate_region_code,
)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(body: str) -> str:
    """GB 32100-2015 §5, written out independently of stdnum."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


@pytest.mark.parametrize(
    "code", ["91110108551385082Q", "91110000600037341L", "12100000400000624D", "91350100M000100Y43"]
)
def test_valid_codes(code: str) -> None:
    assert validate_credit_code(code) == code
    assert validate_credit_code(f" {code.lower()} ") == code


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y4Z", CodeProblem.FORMAT),
        ("91350100M000100Y44", CodeProblem.CHECKSUM),
        ("9135010", CodeProblem.LENGTH),
        ("", CodeProblem.EMPTY),
        ("A1350100M000100Y43", CodeProblem.FORMAT),
    ],
)
def test_invalid_codes_say_why(code: str, problem: CodeProblem) -> None:
    with pytest.raises(InvalidCode) as caught:
        validate_credit_code(code)
    assert caught.value.problem is problem


@given(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
    st.sampled_from(ALPHABET),
)
def test_validation_agrees_with_the_check_character_algorithm(
    head: str, tail: str, last: str
) -> None:
    body = head + tail
    assert is_valid_credit_code(body + last) == (last == check_character(body))


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("44", "广东省"),
        ("4403", "广东省深圳市"),
        ("440305", "广东省深圳市南山区"),
        ("110108", "北京市海淀区"),
    ],
)
def test_region_names(code: str, name: str) -> None:
    assert region_name(code) == name
    assert validate_region_code(code) == code


@pytest.mark.parametrize("code", ["99", "4499", "1", "abc", "44030"])
def test_unknown_regions_are_refused(code: str) -> None:
    assert region_name(code) is None
    with pytest.raises(InvalidCode):
        validate_region_code(code)
