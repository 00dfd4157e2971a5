"""A page of search results as Telegram HTML: number, state, enterprise, title, the matching
words in bold (everything else escaped), and a snippet where the title does not match."""

from __future__ import annotations

import re
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.i18n import t
from liaisonbot.search import segmenter
from liaisonbot.search.query import Page
from liaisonbot.search.terms import Query

BUTTON = "fs"  # fs|<saved search>|<page>
TITLE_CHARS = 60
SNIPPET_SIDE = 16  # characters either side of the first match


def match_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    """The keywords, and the words jieba cuts them into (two characters or more)."""
    terms = set(keywords)
    for keyword in keywords:
        terms |= {w for w in segmenter.words(keyword) if len(w) >= 2}
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile("|".join(re.escape(term) for term in ordered), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern[str]) -> str:
    """`text` escaped, with each match in bold."""
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<b>{escape(match.group())}</b>")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def snippet(text: str, pattern: re.Pattern[str]) -> str | None:
    """A few words around the first match in `text` (on one line), or None without one."""
    flat = " ".join(text.split())
    match = pattern.search(flat)
    if match is None:
        return None
    start = max(0, match.start() - SNIPPET_SIDE)
    end = min(len(flat), match.end() + SNIPPET_SIDE)
    head = "…" if start > 0 else ""
    tail = "…" if end < len(flat) else ""
    return head + highlight(flat[start:end], pattern) + tail


def render_page(page: Page, query: Query, lang: str) -> str:
    shown = " ".join(query.keywords)
    if not page.hits:
        return t(lang, "find.none", query=escape(shown))
    pattern = match_pattern(query.keywords)
    lines = [t(lang, "find.head", query=escape(shown), page=page.number + 1)]
    for hit in page.hits:
        title = _shorten(hit.title, TITLE_CHARS)
        lines.append(
            t(
                lang,
                "find.item",
                number=hit.id,
                state=escape(hit.state.label(lang)),
                enterprise=highlight(hit.enterprise_name, pattern),
                title=highlight(title, pattern),
            )
        )
        if not pattern.search(title) and not pattern.search(hit.enterprise_name):
            found = snippet(hit.text, pattern)
            if found:
                lines.append(t(lang, "find.snippet", text=found))
    lines.append(t(lang, "find.hint", number=page.hits[0].id))
    return "\n".join(lines)


def page_buttons(page: Page, search_id: int | None, lang: str) -> InlineKeyboardMarkup | None:
    if search_id is None:
        return None
    row = []
    if page.number > 0:
        data = f"{BUTTON}|{search_id}|{page.number - 1}"
        row.append(InlineKeyboardButton(t(lang, "find.previous"), callback_data=data))
    if page.has_more:
        data = f"{BUTTON}|{search_id}|{page.number + 1}"
        row.append(InlineKeyboardButton(t(lang, "find.next"), callback_data=data))
    return InlineKeyboardMarkup([row]) if row else None
