"""Length limits of free text, and the one place that cleans and checks it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Control characters a person cannot have meant (all C0/C1 but tab and newline; a carriage
# return is a newline typed on another system).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Limits:
    title: int = 100
    description: int = 2000
    ask: int = 1000
    note: int = 1000
    reason: int = 500
    enterprise_name: int = 200
    chain: int = 50


LIMITS = Limits()


class TextRejected(ValueError):
    """Free text that cannot be stored: empty when required, or longer than its limit."""

    def __init__(self, field: str, problem: str, limit: int, length: int) -> None:
        super().__init__(f"{field} {problem} (limit {limit}, got {length})")
        self.field = field
        self.problem = problem  # "empty", "invisible" or "too_long"
        self.limit = limit
        self.length = length


def normalise_text(value: str) -> str:
    """NFC, Windows/Mac line ends as newlines, control characters but tab and newline removed,
    surrounding white space stripped. Done once, where text comes in."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text).strip()


def is_visible(text: str) -> bool:
    """Whether anything shows: zero-width characters, direction marks and other format
    characters (Unicode category Cf) and white space do not."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in text)


def clean_text(value: str, field: str, *, required: bool = False) -> str:
    """Normalise (`normalise_text`); refuse empty required text, text with nothing visible and
    text over the limit.

    Length counts Unicode code points, as a person counts characters. The text is otherwise kept
    exactly as typed: no HTML is interpreted or removed here (escaping happens at rendering).
    """
    limit: int = getattr(LIMITS, field)
    text = normalise_text(value)
    if required and not text:
        raise TextRejected(field, "empty", limit, 0)
    if text and not is_visible(text):
        raise TextRejected(field, "invisible", limit, len(text))
    if len(text) > limit:
        raise TextRejected(field, "too_long", limit, len(text))
    return text
