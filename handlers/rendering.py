"""HTML pieces shared by the bot's messages: times, labels, a report's content, Telegram's length.
User text is escaped (html.escape) where it is put into a message."""

from __future__ import annotations

import re
from datetime import datetime
from html import escape, unescape
from zoneinfo import ZoneInfo

from handlers.i18n import t
from liaisonbot.domain.models import ReportContent
from liaisonbot.domain.vocabulary import Category, Labelled


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "—"


def label(term: Labelled, lang: str) -> str:
    return escape(term.label(lang))


def content_lines(content: ReportContent, lang: str) -> list[str]:
    lines = [
        t(lang, "field.category", value=label(content.category, lang)),
        t(lang, "field.title", value=escape(content.title)),
    ]
    if content.description:
        lines.append(t(lang, "field.description", value=escape(content.description)))
    if content.ask:
        lines.append(t(lang, "field.ask", value=escape(content.ask)))
    lines.append(
        t(
            lang,
            "field.urgency_scope",
            urgency=label(content.urgency, lang),
            scope=label(content.scope, lang),
        )
    )
    if content.attachments:
        lines.append(t(lang, "field.attachments", count=len(content.attachments)))
    return lines


def action_label(action: str, lang: str) -> str:
    return t(lang, f"action.{action}")


def category_list(lang: str) -> str:
    return "\n".join(f"<code>{c.value}</code> {label(c, lang)}" for c in Category)


TELEGRAM_TEXT_LIMIT = 4096


def visible_length(html_text: str) -> int:
    """Length of the text Telegram counts: tags removed, entities as one character."""
    return len(unescape(re.sub(r"<[^>]+>", "", html_text)))


def fit(text: str, lang: str, limit: int = TELEGRAM_TEXT_LIMIT) -> str:
    """Cut a message of whole lines to Telegram's limit (counted as Telegram counts it)."""
    if visible_length(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for line in text.split("\n"):
        if used + visible_length(line) + 1 > limit - 16:
            break
        kept.append(line)
        used += visible_length(line) + 1
    return "\n".join([*kept, "…"])
