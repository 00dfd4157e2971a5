"""A resolution's outcome and how it is written in a report's event log (the triage services
write it; the read side shows it in words)."""

from __future__ import annotations

import re
from enum import StrEnum


class Outcome(StrEnum):
    SOLVED = "SOLVED"
    PARTLY = "PARTLY"
    CANNOT = "CANNOT"


def resolution_note(outcome: Outcome, text: str, policies: str) -> str:
    """How a resolution is written in the event log: `[PARTLY] text | policies`."""
    return f"[{outcome.value}] {text}" + (f" | {policies}" if policies else "")


_RESOLUTION = re.compile(r"^\[(SOLVED|PARTLY|CANNOT)\] (.*?)(?: \| (.*))?$", re.DOTALL)


def parse_resolution_note(note: str) -> tuple[Outcome, str, str] | None:
    """The outcome, text and policies of a resolution event's note, to show them in words."""
    match = _RESOLUTION.match(note)
    if match is None:
        return None
    return Outcome(match.group(1)), match.group(2), match.group(3) or ""
