"""An event's note in words, as the ledger and the digest show it (Chinese): the codes the event
log keeps (an outcome, urgency and scope, categories, a rating, a region, a user id) in words.
liaisonbot.read.event_words does the work, in any language."""

from __future__ import annotations

from collections.abc import Mapping

from liaisonbot.read.event_words import note_words

# Outcomes of the triage workflow (liaisonbot.domain.resolution.Outcome), as labelled.
OUTCOME_LABELS = {"SOLVED": "已解决", "PARTLY": "部分解决", "CANNOT": "无法解决"}


def note_in_words(action: str, note: str, names: Mapping[int, str] | None = None) -> str:
    """An event's note as a ledger shows it; `names` names the people a note refers to by id."""
    return note_words(action, note, "zh", names)
