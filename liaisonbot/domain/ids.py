"""Numbers that name stored things (a report's number in a button or a command)."""

from __future__ import annotations

import re

# ASCII digits only: str.isdigit() and int() also take '²' or '٣', which name nothing here.
_ID = re.compile(r"[0-9]{1,12}")


def parse_id(text: str) -> int | None:
    """A positive id of at most 12 ASCII digits, else None (never an exception)."""
    text = text.strip()
    if not _ID.fullmatch(text):
        return None
    value = int(text)
    return value or None
