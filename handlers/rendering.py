"""HTML pieces shared by the bot's messages: times, labels, a report's content, Telegram's length.
User text is escaped (html.escape) where it is put into a message."""

from __future__ import annotations

import re
from datetime import datetime
from html import escape, unescape
from zoneinfo import ZoneInfo

from handlers.i18n import t
from liaisonbot.domain.models import ReportContent
from liaisonbot.domain.vocabulary import Category, Channel, Labelled


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "—"


def label(term: Labelled, lang: str) -> str:
    return escape(term.label(lang))


def content_lines(content: ReportContent, lang: str, number: int | None = None) -> list[str]:
    """The report as a message shows it; long description and ask are cut (with where the
    whole text is, when the report has a number)."""
    tail = more_tail(lang, number)
    lines = [
        t(lang, "field.category", value=label(content.category, lang)),
        t(lang, "field.title", value=escape(content.title)),
    ]
    if content.description:
        value = excerpt(content.description, DESCRIPTION_EXCERPT, tail)
        lines.append(t(lang, "field.description", value=escape(value)))
    if content.ask:
        lines.append(t(lang, "field.ask", value=escape(excerpt(content.ask, ASK_EXCERPT, tail))))
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
    if content.channel is not Channel.CHAT:  # filed by an officer from a call or a visit
        lines.append(t(lang, "field.channel", value=label(content.channel, lang)))
    return lines


def action_label(action: str, lang: str) -> str:
    return t(lang, f"action.{action}")


def category_list(lang: str) -> str:
    return "\n".join(f"<code>{c.value}</code> {label(c, lang)}" for c in Category)


TELEGRAM_TEXT_LIMIT = 4096
TELEGRAM_CAPTION_LIMIT = 1024
# Parts of a report repeated in a message (acknowledgement, card, summary) are cut to these many
# UTF-16 units, so the whole message fits whatever the reporter typed (docs/domain.md#limits).
DESCRIPTION_EXCERPT = 1500
ASK_EXCERPT = 800
_TAG = re.compile(r"<[^>]+>")


def utf16_units(text: str) -> int:
    """Telegram counts lengths in UTF-16 code units: an emoji outside the BMP counts two."""
    return len(text.encode("utf-16-le")) // 2


def visible_length(html_text: str) -> int:
    """Length of the text Telegram counts: tags removed, entities as one character, in UTF-16."""
    return utf16_units(unescape(_TAG.sub("", html_text)))


def excerpt(text: str, units: int, tail: str = "…") -> str:
    """Plain text cut to at most `units` UTF-16 units, `tail` included; never inside a
    surrogate pair."""
    if utf16_units(text) <= units:
        return text
    budget = units - utf16_units(tail)
    kept: list[str] = []
    used = 0
    for char in text:
        width = 2 if ord(char) > 0xFFFF else 1
        if used + width > budget:
            break
        kept.append(char)
        used += width
    return "".join(kept) + tail


def more_tail(lang: str, number: int | None) -> str:
    """What a cut ends with: where the whole text is (plain text, not yet escaped)."""
    return t(lang, "message.more", number=number) if number else "…"


def fit(
    text: str, lang: str, limit: int = TELEGRAM_TEXT_LIMIT, *, number: int | None = None
) -> str:
    """Cut an HTML message to Telegram's limit as Telegram counts it: whole lines while they
    fit, then the tail (…（全文见 /show N） with a report number). A first line too long on its
    own is cut as plain text, losing its formatting but never the limit."""
    if visible_length(text) <= limit:
        return text
    tail = more_tail(lang, number)
    room = limit - utf16_units(tail) - 1
    kept: list[str] = []
    used = 0
    for line in text.split("\n"):
        length = visible_length(line) + 1
        if used + length > room:
            break
        kept.append(line)
        used += length
    if kept:
        return "\n".join([*kept, escape(tail)])
    plain = unescape(_TAG.sub("", text))
    return escape(excerpt(plain, limit, tail))
