"""Every HTML message the bot sends is built here; user text is escaped on its way in."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from liaisonbot.domain.models import Enterprise, Report, ReportContent, ReportEvent
from liaisonbot.domain.vocabulary import Category, Labelled
from liaisonbot.views import ReportListItem

from .i18n import t


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


def draft_summary(content: ReportContent, lang: str) -> str:
    return "\n".join([t(lang, "dialog.summary_head"), "", *content_lines(content, lang)])


def report_card(report: Report, enterprise: Enterprise, lang: str, zone: ZoneInfo) -> str:
    """The card in the liaison group: number, state, enterprise and what was reported."""
    head = t(
        lang,
        "card.head",
        number=report.id,
        state=label(report.state, lang),
    )
    lines = [
        head,
        t(
            lang,
            "card.enterprise",
            name=escape(enterprise.name),
            code=escape(enterprise.credit_code),
            chain=escape(enterprise.chain or "—"),
        ),
        *content_lines(report.content, lang),
        t(lang, "card.filed_at", at=local_time(report.created_at, zone)),
    ]
    return "\n".join(lines)


def filed_ack(report: Report, enterprise: Enterprise, lang: str, zone: ZoneInfo) -> str:
    lines = [
        t(lang, "report.filed", number=report.id),
        "",
        t(
            lang,
            "card.enterprise",
            name=escape(enterprise.name),
            code=escape(enterprise.credit_code),
            chain=escape(enterprise.chain or "—"),
        ),
        *content_lines(report.content, lang),
        "",
        t(lang, "report.filed_next", number=report.id)
        if report.group_chat_id
        else t(lang, "report.filed_no_group"),
    ]
    return "\n".join(lines)


def report_list(
    items: list[ReportListItem], enterprise: Enterprise, lang: str, zone: ZoneInfo
) -> str:
    if not items:
        return t(lang, "my.empty", enterprise=escape(enterprise.name))
    lines = [t(lang, "my.head", enterprise=escape(enterprise.name), count=len(items))]
    for item in items:
        lines.append(
            t(
                lang,
                "my.item",
                number=item.id,
                state=label(item.state, lang),
                category=label(Category(item.category), lang),
                title=escape(item.title),
                at=local_time(item.created_at, zone),  # type: ignore[arg-type]
            )
        )
    lines.append(t(lang, "my.hint"))
    return "\n".join(lines)


def report_detail(
    report: Report,
    enterprise: Enterprise,
    events: list[ReportEvent],
    names: dict[int, str],
    lang: str,
    zone: ZoneInfo,
) -> str:
    lines = [report_card(report, enterprise, lang, zone), "", t(lang, "show.timeline")]
    for event in events:
        who = escape(names.get(event.actor_id, str(event.actor_id))) if event.actor_id else "—"
        line = t(
            lang,
            "show.event",
            at=local_time(event.at, zone),
            who=who,
            state=label(event.to_state, lang),
        )
        if event.note:
            line += t(lang, "show.event_note", note=escape(event.note))
        lines.append(line)
    return "\n".join(lines)


def category_list(lang: str) -> str:
    return "\n".join(f"<code>{c.value}</code> {label(c, lang)}" for c in Category)
