"""Any text is stored exactly as typed (trimmed) or refused with the limit; nothing in between."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from handlers.refusals import text_problem
from liaisonbot.domain.limits import LIMITS
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
        if problem.field == "title":
            assert not title.strip() or len(title.strip()) > LIMITS.title
        else:
            assert len(description.strip()) > LIMITS.description
        return
    assert content.title == title.strip() and 0 < len(content.title) <= LIMITS.title
    assert content.description == description.strip()
