"""Unified social credit codes (GB 32100-2015) and GB/T 2260 division codes.

stdnum checks the code's form and check character and ships the division table; this module turns
its exceptions into reasons a person can act on.
"""

from __future__ import annotations

from enum import StrEnum

from stdnum import numdb
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError


class CodeProblem(StrEnum):
    """Why a code was refused; the chat catalogue and the importer turn these into sentences."""

    EMPTY = "empty"
    LENGTH = "length"
    FORMAT = "format"
    CHECKSUM = "checksum"
    REGION = "region"


REASONS = {
    CodeProblem.EMPTY: "no code given",
    CodeProblem.LENGTH: "a credit code has 18 characters",
    CodeProblem.FORMAT: "characters 1-8 are digits, the rest digits or letters but I O S V Z",
    CodeProblem.CHECKSUM: "the check character (the 18th) does not match: a character is mistyped",
    CodeProblem.REGION: "not a GB/T 2260 division code",
}


class InvalidCode(ValueError):
    def __init__(self, problem: CodeProblem, code: str) -> None:
        super().__init__(f"{code!r}: {REASONS[problem]}")
        self.problem = problem
        self.code = code


def validate_credit_code(raw: str) -> str:
    """Return the credit code in its compact form, or raise InvalidCode saying what is wrong."""
    code = uscc.compact(raw or "")
    if not code:
        raise InvalidCode(CodeProblem.EMPTY, code)
    try:
        uscc.validate(code)
    except InvalidLength:
        raise InvalidCode(CodeProblem.LENGTH, code) from None
    except InvalidChecksum:
        raise InvalidCode(CodeProblem.CHECKSUM, code) from None
    except (InvalidFormat, ValidationError):
        raise InvalidCode(CodeProblem.FORMAT, code) from None
    return code


def is_valid_credit_code(raw: str) -> bool:
    try:
        validate_credit_code(raw)
    except InvalidCode:
        return False
    return True


def _current_name(county: str) -> str:
    """The table keeps renamed divisions as '[1983-1989]old,[1990-]new'; take the current name."""
    names = county.split(",")
    for name in reversed(names):
        if not name.startswith("["):
            return name
        span, _, label = name[1:].partition("]")
        if span.endswith("-"):
            return label
    return names[-1].split("]")[-1]


def _division(code6: str) -> dict[str, str]:
    parts = numdb.get("cn/loc").info(code6)
    return {k: v for _, props in parts for k, v in props.items()}


# Table entries that stand for a group of counties, not a named city.
_NOT_A_CITY = {
    "市辖区",
    "县",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
    "省直辖县级行政单位",
    "自治区直辖县级行政单位",
}


def region_name(code: str) -> str | None:
    """Province, city and county name of a 2-, 4- or 6-digit GB/T 2260 code, or None if unknown:
    `350102` is 福建省福州市鼓楼区, `110108` 北京市海淀区."""
    if not (code.isascii() and code.isdigit()) or len(code) not in (2, 4, 6):
        return None
    info = _division(code.ljust(6, "0"))
    province = info.get("province")
    if province is None:
        return None
    if len(code) == 2:
        return province
    county = info.get("county")
    if county is None:
        return None
    name = _current_name(county)
    if name == province:
        return province
    if len(code) == 6 and not code.endswith("00"):
        city = _division(code[:4] + "00").get("county")
        city_name = _current_name(city) if city else ""
        if city_name and city_name not in _NOT_A_CITY and city_name != province:
            return f"{province}{city_name}{name}"
    return f"{province}{name}"


def validate_region_code(raw: str) -> str:
    """Return a known 2-, 4- or 6-digit division code, or raise InvalidCode(REGION)."""
    code = (raw or "").strip()
    if not code:
        raise InvalidCode(CodeProblem.EMPTY, code)
    if region_name(code) is None:
        raise InvalidCode(CodeProblem.REGION, code)
    return code
