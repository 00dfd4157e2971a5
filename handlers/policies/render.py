"""Policies as Telegram HTML; every user-supplied text escaped here."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton

from handlers.i18n import t
from liaisonbot.domain.policies import Match, PolicyVersion, Stage, Verdict

PREFIX = "pl"
_MARK = {Verdict.MET: "✅", Verdict.NOT_MET: "❌", Verdict.UNKNOWN: "❔"}


def data(*parts: object) -> str:
    text = "|".join([PREFIX, *(str(p) for p in parts)])
    assert len(text.encode()) <= 64, text
    return text


def button(label: str, *parts: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data(*parts))


def short_title(v: PolicyVersion, limit: int = 24) -> str:
    title = v.content.title
    return title if len(title) <= limit else title[: limit - 1] + "…"


def checks_lines(found: Match, lang: str) -> list[str]:
    """Each criterion in words, met / not met / unknown: never a score."""
    return [
        t(
            lang,
            "policy.check",
            mark=_MARK[c.verdict],
            criterion=t(lang, f"policy.criterion_{c.criterion}"),
            wanted=escape(c.wanted),
            verdict=c.verdict.label(lang),
        )
        for c in found.checks
    ]


def summary_line(v: PolicyVersion, lang: str) -> str:
    c = v.content
    until = c.valid_to.isoformat() if c.valid_to else t(lang, "policy.no_end")
    return t(
        lang,
        "policy.summary_line",
        title=escape(c.title),
        benefit=c.benefit.label(lang),
        until=until,
        automatic=t(lang, "policy.automatic") if c.automatic else "",
    )


def policy_text(v: PolicyVersion, lang: str, found: Match | None = None) -> str:
    c = v.content
    lines = [f"<b>{escape(c.title)}</b>"]
    lines.append(
        t(
            lang,
            "policy.reference",
            issuer=escape(c.issuer) or "—",
            number=escape(c.doc_number) or "—",
            level=c.level.label(lang),
            version=v.version,
        )
    )
    lines.append(
        t(
            lang,
            "policy.dates",
            start=c.valid_from.isoformat() if c.valid_from else "—",
            end=c.valid_to.isoformat() if c.valid_to else t(lang, "policy.no_end"),
        )
    )
    if c.apply_from or c.apply_to:
        lines.append(
            t(
                lang,
                "policy.window",
                start=c.apply_from.isoformat() if c.apply_from else "—",
                end=c.apply_to.isoformat() if c.apply_to else "—",
            )
        )
    lines.append(
        t(
            lang,
            "policy.benefit_line",
            benefit=c.benefit.label(lang),
            categories="、".join(x.short_label(lang) for x in c.categories)
            or t(lang, "policy.any"),
        )
    )
    if c.automatic:
        lines.append(t(lang, "policy.automatic_line"))
    if found is not None and found.checks:
        lines.append(t(lang, "policy.checks_head"))
        lines += checks_lines(found, lang)
    if c.checklist:
        lines.append(t(lang, "policy.checklist_head"))
        lines += [f"• {escape(x.strip())}" for x in c.checklist.splitlines() if x.strip()]
    if c.link:
        lines.append(f'<a href="{escape(c.link, quote=True)}">{t(lang, "policy.link")}</a>')
    return "\n".join(lines)[:4000]


def stage_label(stage: Stage, lang: str) -> str:
    return stage.label(lang)
