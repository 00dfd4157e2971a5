"""Numbers typed by a person or carried by a button: ASCII digits within range, else nothing.

`str.isdigit()` is true for '²' and '٣' (which `int()` refuses or reads), and a 22-digit id
overflows SQLite's integers: every number from outside goes through `parse_number`.
"""

from __future__ import annotations

import re
import unicodedata

# Report numbers, subscription ids, Telegram user ids (< 2^52) and chat ids all fit.
MAX_ID = 2**53 - 1


def is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def parse_number(text: str, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """The number written in ASCII digits (a leading '-' when `minimum` < 0), or None when it is
    anything else or outside [minimum, maximum]."""
    digits = text[1:] if minimum < 0 and text.startswith("-") else text
    if not is_ascii_digits(digits) or len(digits) > len(str(max(maximum, -minimum))):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def parse_id(text: str) -> int | None:
    """A positive id (report, subscription, enterprise, user) in ASCII digits, within range."""
    return parse_number(text, minimum=1)


def parse_chat_id(text: str) -> int | None:
    """A Telegram chat id: negative for groups."""
    return parse_number(text, minimum=-MAX_ID)


# How a person writes a report's number: `1`, `#1`, `问题1`, `问题 1`, `No.1`, `No. 1`, `编号1`
# (full-width forms such as `＃１` read the same once normalised).
_REPORT_NUMBER = re.compile(r"(?:#|问题|编号|no\.?)?\s*([0-9]+)号?", re.IGNORECASE)


def parse_report_number(text: str) -> int | None:
    """A report number in any of the forms people write it, or None."""
    match = _REPORT_NUMBER.fullmatch(unicodedata.normalize("NFKC", text).strip())
    return parse_id(match.group(1)) if match else None
