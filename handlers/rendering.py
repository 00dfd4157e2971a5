"""Every HTML message the bot sends is built here; user text is escaped on its way in."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from liaisonbot import deadlines
from liaisonbot.domain.models import Enterprise, Report, ReportContent, ReportEvent
from liaisonbot.domain.vocabulary import Category, Labelled, ReportState
from liaisonbot.views import QueueItem, ReportListItem, TriageInfo

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


def report_card(
    report: Report,
    enterprise: Enterprise,
    lang: str,
    zone: ZoneInfo,
    info: TriageInfo | None = None,
    now: datetime | None = None,
) -> str:
    """The card in the liaison group: number, state, enterprise and what was reported; with
    `info`, also the assignee, due date with its 临期 / 超期 / 督办 mark, links and outcome."""
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
    if info is not None:
        lines.extend(triage_lines(report, info, lang, zone, now))
    return "\n".join(lines)


def deadline_mark(flags: deadlines.DeadlineFlags, lang: str) -> str:
    if flags.supervise:
        return t(lang, "card.mark_supervise")
    if flags.overdue:
        return t(lang, "card.mark_overdue")
    if flags.due_soon:
        return t(lang, "card.mark_due_soon")
    return ""


def triage_lines(
    report: Report, info: TriageInfo, lang: str, zone: ZoneInfo, now: datetime | None
) -> list[str]:
    lines = [
        t(lang, "card.assignee", name=escape(info.assignee_name) if info.assignee_name else "—")
    ]
    if report.due_at is not None:
        mark = ""
        if now is not None:
            mark = deadline_mark(
                deadlines.flags(
                    report.state,
                    report.due_at,
                    now,
                    zone,
                    info.overdue_reminded_at,  # type: ignore[arg-type]
                ),
                lang,
            )
        lines.append(t(lang, "card.due", at=local_time(report.due_at, zone), mark=mark))
    if info.linked:
        lines.append(
            t(
                lang,
                "card.linked",
                count=len(info.linked) + 1,
                numbers=", ".join(f"#{n}" for n in info.linked),
            )
        )
    if info.merged_into is not None:
        lines.append(t(lang, "card.merged_into", number=info.merged_into))
    if info.outcome:
        lines.append(
            t(
                lang,
                "card.outcome",
                outcome=t(lang, f"triage.outcome_{info.outcome.lower()}"),
                text=escape(info.outcome_text),
            )
        )
        if info.policies:
            lines.append(t(lang, "card.policies", policies=escape(info.policies)))
    if info.satisfaction:
        lines.append(
            t(
                lang,
                "card.satisfaction",
                value=t(lang, f"triage.satisfaction_{info.satisfaction.lower()}"),
            )
        )
    if info.acks and report.state is ReportState.ESCALATED:
        lines.append(t(lang, "card.acks", names=escape("、".join(info.acks))))
    return lines


def action_label(action: str, lang: str) -> str:
    return t(lang, f"action.{action}")


def queue(items: list[QueueItem], title: str, lang: str, zone: ZoneInfo, now: datetime) -> str:
    if not items:
        return t(lang, "queue.empty")
    lines = [t(lang, "queue.head", title=escape(title), count=len(items))]
    for item in items:
        mark = ""
        if item.due_at is not None:
            mark = deadline_mark(
                deadlines.flags(item.state, item.due_at, now, zone),  # type: ignore[arg-type]
                lang,
            )
        lines.append(
            t(
                lang,
                "queue.item",
                number=item.id,
                state=label(item.state, lang),
                category=escape(item.category),
                enterprise=escape(item.enterprise),
                title=escape(item.title),
                due=local_time(item.due_at, zone),  # type: ignore[arg-type]
                mark=mark,
            )
        )
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
    *,
    internal: bool = True,
) -> str:
    """The card and the timeline; for the enterprise (`internal=False`) without internal notes,
    assignments and links, and without the text of internal reasons."""
    from liaisonbot.services.triage import INTERNAL_STEPS, INTERNAL_TEXT

    lines = [report_card(report, enterprise, lang, zone), "", t(lang, "show.timeline")]
    for event in events:
        if not internal and event.action in INTERNAL_STEPS:
            continue
        if not internal and event.action in INTERNAL_TEXT:
            event = event.model_copy(update={"note": ""})
        who = escape(names.get(event.actor_id, str(event.actor_id))) if event.actor_id else "—"
        if event.action == "submit":
            line = t(
                lang,
                "show.event",
                at=local_time(event.at, zone),
                who=who,
                state=label(event.to_state, lang),
            )
        else:
            line = t(
                lang,
                "show.event_action",
                at=local_time(event.at, zone),
                who=who,
                action=action_label(event.action, lang),
                state=label(event.to_state, lang),
            )
        if event.note:
            line += t(lang, "show.event_note", note=escape(event.note))
        lines.append(line)
    return "\n".join(lines)


def category_list(lang: str) -> str:
    return "\n".join(f"<code>{c.value}</code> {label(c, lang)}" for c in Category)
