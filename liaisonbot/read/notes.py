"""An event's note in words, as the ledger and the digest show it: a resolution's outcome and
policies are stored in a code (`[PARTLY] text | policies`, liaisonbot.domain.resolution) and shown
as 部分解决：text；适用政策：policies."""

from __future__ import annotations

from liaisonbot.domain.resolution import parse_resolution_note

# Outcomes of the triage workflow (liaisonbot.domain.resolution.Outcome), as labelled.
OUTCOME_LABELS = {"SOLVED": "已解决", "PARTLY": "部分解决", "CANNOT": "无法解决"}


def note_in_words(action: str, note: str) -> str:
    """An event's note as a ledger shows it: a resolution's outcome and policies in words."""
    resolution = parse_resolution_note(note) if action == "resolve" else None
    if resolution is None:
        return note
    outcome, text, policies = resolution
    words = f"{OUTCOME_LABELS[outcome.value]}：{text}"
    return words + (f"；适用政策：{policies}" if policies else "")
