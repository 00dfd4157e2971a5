"""Any text is stored as typed (normalised once: NFC, no control characters, trimmed) or refused
with the rule it breaks; nothing in between."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from handlers.refusals import text_problem
from liaisonbot.domain.limits import LIMITS, TextRejected, clean_text, is_visible, normalise_text
from liaisonbot.domain.models import ReportContent
from liaisonbot.domain.vocabulary import Category


@settings(max_examples=300)
@given(st.text(max_size=130), st.text(max_size=2100))
def test_any_unicode_is_stored_exactly_or_refused(title: str, description: str) -> None:
    try:
        content = ReportContent(category=Category.OTH, title=title, description=description)
    except ValidationError as exc:
        problem = text_problem(exc)
        assert problem is not None, exc
        text = normalise_text(title if problem.field == "title" else description)
        limit = LIMITS.title if problem.field == "title" else LIMITS.description
        assert not text or not is_visible(text) or len(text) > limit
        return
    assert content.title == normalise_text(title) and 0 < len(content.title) <= LIMITS.title
    assert is_visible(content.title)
    assert content.description == normalise_text(description)


@pytest.mark.parametrize(
    "text",
    ["\u200b\u200b", "\u200e\u200f\u202e", "\ufeff \u3000", "\u2066\u2069\u200d", "\x01\x02"],
)
def test_text_of_invisible_characters_is_refused(text: str) -> None:
    with pytest.raises(TextRejected) as refused:
        clean_text(text, "title", required=True)
    assert refused.value.problem in ("invisible", "empty")
    with pytest.raises(ValidationError):
        ReportContent(category=Category.OTH, title=text)


def test_text_is_normalised_once_at_the_edge() -> None:
    decomposed = "Cafe\u0301\x01 运输\r\n受阻\x7f\t"
    assert clean_text(decomposed, "title") == "Caf\u00e9 运输\n受阻"
    assert clean_text("a\u200bb", "title") == "a\u200bb"  # visible text keeps its marks
    assert ReportContent(category=Category.OTH, title="\u200b标题").title == "\u200b标题"
