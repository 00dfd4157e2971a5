"""Length limits of free text, and the one place that cleans and checks it."""

from __future__ import annotations

from dataclasses import dataclass


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
        self.problem = problem  # "empty" or "too_long"
        self.limit = limit
        self.length = length


def clean_text(value: str, field: str, *, required: bool = False) -> str:
    """Strip surrounding white space; refuse empty required text and text over the limit.

    Length counts Unicode code points, as a person counts characters. The text is otherwise kept
    exactly as typed: no HTML is interpreted or removed here (escaping happens at rendering).
    """
    limit: int = getattr(LIMITS, field)
    text = value.strip()
    if required and not text:
        raise TextRejected(field, "empty", limit, 0)
    if len(text) > limit:
        raise TextRejected(field, "too_long", limit, len(text))
    return text
