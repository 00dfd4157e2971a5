"""Every HTML message the bot sends is built here; user text is escaped on its way in."""

from __future__ import annotations

import re
from datetime import datetime
from html import escape, unescape
from zoneinfo import ZoneInfo

from handlers.i18n import t
from liaisonbot.domain import deadlines
from liaisonbot.domain.models import Enterprise, Report, ReportContent, ReportEvent
from liaisonbot.domain.vocabulary import Category, Labelled, ReportState, Scope, Urgency
from liaisonbot.read.enterprises import EnterpriseDetail, SupplierStatus
from liaisonbot.read.reports import QueueItem, ReportListItem, TriageInfo
from liaisonbot.services.triage import (
    INTERNAL_STEPS,
    INTERNAL_TEXT,
    Satisfaction,
    parse_resolution_note,
)


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
    *,
    internal: bool = True,
) -> str:
    """The card in the liaison group: number, state, enterprise and what was reported; with
    `info`, also the assignee, due date with its 临期 / 超期 / 督办 mark, links and outcome.
    Without `internal` (the enterprise's own view), no links to other enterprises' reports and
    no acknowledgements of the task force."""
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
        lines.extend(triage_lines(report, info, lang, zone, now, internal=internal))
    return "\n".join(lines)


def deadline_mark(flags: deadlines.DeadlineFlags, lang: str) -> str:
    if flags.supervise:
        return t(lang, "card.mark_supervise")
    if flags.overdue:
        return t(lang, "card.mark_overdue")
    if flags.due_soon:
        return t(lang, "card.mark_due_soon")
    return ""


# States in which the stored outcome is the current one; elsewhere (重办) it is an earlier one.
_OUTCOME_STATES = frozenset({ReportState.RESOLVED, ReportState.CLOSED})


def triage_lines(
    report: Report,
    info: TriageInfo,
    lang: str,
    zone: ZoneInfo,
    now: datetime | None,
    *,
    internal: bool = True,
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
    if info.linked and internal:
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
    current = report.state in _OUTCOME_STATES
    if info.outcome:
        # Reopened (重办): the outcome on record is the one the enterprise was not satisfied with.
        lines.append(
            t(
                lang,
                "card.outcome" if current else "card.outcome_earlier",
                outcome=t(lang, f"triage.outcome_{info.outcome.lower()}"),
                text=escape(info.outcome_text),
            )
        )
        if info.policies:
            key = "card.policies" if current else "card.policies_earlier"
            lines.append(t(lang, key, policies=escape(info.policies)))
    # A 不满意 belongs to the earlier outcome: once resolved again, the new one awaits its answer.
    stale_rating = (
        report.state is ReportState.RESOLVED and info.satisfaction == Satisfaction.UNSATISFIED
    )
    if info.satisfaction and not stale_rating:
        lines.append(
            t(
                lang,
                "card.satisfaction",
                value=t(lang, f"triage.satisfaction_{info.satisfaction.lower()}"),
            )
        )
    if info.acks and report.state is ReportState.ESCALATED and internal:
        lines.append(t(lang, "card.acks", names=escape(t(lang, "text.list_sep").join(info.acks))))
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
                deadlines.flags(item.state, item.due_at, now, zone),
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
                due=local_time(item.due_at, zone),
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
    info: TriageInfo | None = None,
    now: datetime | None = None,
    after_card: tuple[str, ...] = (),
) -> str:
    """The card (with `info`, its assignee, due date and outcome, as in the group) and the
    timeline; `after_card` are lines put right under the card. For the enterprise
    (`internal=False`) without internal notes, assignments and links, and without the text of
    internal reasons."""
    lines = [
        report_card(report, enterprise, lang, zone, info, now, internal=internal),
        *after_card,
        "",
        t(lang, "show.timeline"),
    ]
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
            line += t(lang, "show.event_note", note=_event_note(event, lang, names))
        lines.append(line)
    return "\n".join(lines)


def _event_note(event: ReportEvent, lang: str, names: dict[int, str] | None = None) -> str:
    """An event's note as HTML, with what the log stores as codes in words: a resolution's
    outcome and policies, the urgency and scope confirmed at 受理, the categories of 改类别, the
    enterprise's rating, the person an item was assigned to."""
    note, action = event.note, event.action
    if action == "resolve" and (resolution := parse_resolution_note(note)) is not None:
        outcome, text, policies = resolution
        worded = t(
            lang,
            "show.resolution_note",
            outcome=t(lang, f"triage.outcome_{outcome.value.lower()}"),
            text=escape(text),
        )
        if policies:
            worded += t(lang, "text.clause_sep") + t(
                lang, "card.policies", policies=escape(policies)
            )
        return worded
    if action == "accept":
        urgency_code, _, scope_code = note.partition(" ")
        urgency, scope = Urgency.parse(urgency_code), Scope.parse(scope_code)
        if urgency is not None and scope is not None:
            return t(
                lang, "show.accept_note", urgency=label(urgency, lang), scope=label(scope, lang)
            )
    if action == "recategorize":
        old_code, _, new_code = note.partition(" → ")
        old, new = Category.parse(old_code), Category.parse(new_code)
        if old is not None and new is not None:
            return f"{label(old, lang)} → {label(new, lang)}"
    if action in ("confirm", "auto_close") and note in set(Satisfaction):
        return t(lang, f"triage.satisfaction_{note.lower()}")
    if action in ("take", "assign") and note.isdigit() and names and int(note) in names:
        return escape(names[int(note)])
    return escape(note)


def category_list(lang: str) -> str:
    return "\n".join(f"<code>{c.value}</code> {label(c, lang)}" for c in Category)


# -- enterprises and the industry chain (/enterprise, /chain) ------------------------------------

TELEGRAM_TEXT_LIMIT = 4096


def _relation(relation: str, lang: str) -> str:
    return t(lang, f"relation.{relation.lower()}") if relation in ("UPSTREAM", "DOWNSTREAM") else ""


def enterprise_choices(enterprises: list[Enterprise], lang: str, *, shown: int, head: str) -> str:
    lines = [head]
    for index, e in enumerate(enterprises[:shown], start=1):
        lines.append(
            t(lang, "ent.choose_item", index=index, name=escape(e.name), code=escape(e.credit_code))
        )
    if len(enterprises) > shown:
        lines.append(t(lang, "ent.choose_more", shown=shown))
    return "\n".join(lines)


def enterprise_card(
    detail: EnterpriseDetail, lang: str, zone: ZoneInfo, *, internal: bool = True
) -> str:
    """One enterprise: tier, chain, region, links, officer, open reports and the latest step.
    Without `internal` (the enterprise's own contact), no reports of other enterprises."""
    from liaisonbot.domain.codes import region_name

    e = detail.enterprise
    lines = [
        t(lang, "ent.head", name=escape(e.name)),
        t(lang, "ent.code", code=escape(e.credit_code)),
        t(lang, "ent.tier_chain", tier=label(e.tier, lang), chain=escape(e.chain or "—")),
        t(
            lang,
            "ent.region",
            region=escape(region_name(e.region_code) or "—"),
            code=escape(e.region_code),
        ),
    ]
    if e.size or e.specialized:
        lines.append(
            t(
                lang,
                "ent.size",
                size=escape(e.size or "—"),
                specialized=t(lang, "ent.specialized") if e.specialized else "",
            )
        )
    lines.append(
        t(
            lang,
            "ent.status",
            status=escape(e.resumption_status) or t(lang, "ent.status_unknown"),
        )
    )
    lines.append(
        t(lang, "ent.officer", name=escape(detail.officer_name))
        if detail.officer_name
        else t(lang, "ent.no_officer")
    )
    if detail.leading:
        lines.append(t(lang, "ent.supplies"))
        for linked in detail.leading[:10]:
            lines.append(
                t(
                    lang,
                    "ent.supplies_item",
                    name=escape(linked.name),
                    relation=_relation(linked.relation, lang),
                )
            )
        if len(detail.leading) > 10:
            lines.append(t(lang, "ent.more", count=len(detail.leading) - 10))
    if detail.suppliers:
        lines.append(t(lang, "ent.suppliers", count=detail.suppliers, code=escape(e.credit_code)))
    lines.append("")
    if detail.open_reports:
        lines.append(t(lang, "ent.open_head", count=detail.open_total))
        for item in detail.open_reports:
            line = t(
                lang,
                "ent.open_item",
                number=item.id,
                state=label(item.state, lang),
                category=label(Category(item.category), lang),
                title=escape(item.title),
            )
            if item.blocked_by:
                line += t(lang, "ent.open_blocked", name=escape(item.blocked_by))
            lines.append(line)
        if detail.open_total > len(detail.open_reports):
            lines.append(t(lang, "ent.more", count=detail.open_total - len(detail.open_reports)))
    else:
        lines.append(t(lang, "ent.open_none"))
    if detail.latest is not None:
        lines.append(
            t(
                lang,
                "ent.latest",
                at=local_time(detail.latest.at, zone),
                number=detail.latest.report_id,
                action=action_label(detail.latest.action, lang),
                state=label(detail.latest.state, lang),
            )
        )
    if internal and detail.blocking:
        lines.append(
            t(
                lang,
                "ent.blocking",
                items=t(lang, "text.list_sep").join(
                    f"{n} {escape(name)}" for n, name in detail.blocking
                ),
            )
        )
    if detail.open_reports:
        lines.append(t(lang, "ent.show_hint"))
    return fit("\n".join(lines), lang)


def chain_view(
    leading: Enterprise,
    suppliers: list[SupplierStatus],
    hidden: int,
    lang: str,
    limit: int = TELEGRAM_TEXT_LIMIT,
) -> str:
    """A leading enterprise's suppliers with their open reports (以大带小、上下联动), cut to one
    message with "and N more"."""
    if not suppliers and not hidden:
        return t(lang, "chain.none", name=escape(leading.name))
    with_open = sum(1 for s in suppliers if s.open_reports)
    head = t(
        lang,
        "chain.head",
        name=escape(leading.name),
        count=len(suppliers) + hidden,
        with_open=with_open,
    )
    tail = [t(lang, "chain.hidden", count=hidden)] if hidden else []
    lines = [head]
    used = len(head) + sum(len(x) + 1 for x in tail)
    for index, s in enumerate(suppliers, start=1):
        if s.open_reports:
            reports = t(
                lang,
                "chain.item_open",
                count=s.open_reports,
                state=label(s.latest_state, lang) if s.latest_state else "",
                title=escape(_short(s.latest_title, 40)),
            )
        else:
            reports = t(lang, "chain.item_none")
        if s.blocking:
            reports += t(lang, "chain.item_blocking", count=s.blocking)
        line = t(
            lang,
            "chain.item",
            index=index,
            name=escape(s.enterprise.name),
            status=escape(s.enterprise.resumption_status) or t(lang, "ent.status_unknown"),
            reports=reports,
        )
        more = t(lang, "chain.more", count=len(suppliers) - index + 1)
        # Telegram counts the text after HTML parsing; escaped entities count as one character.
        if used + _visible(line) + 1 + _visible(more) + 1 > limit:
            lines.append(more)
            break
        lines.append(line)
        used += _visible(line) + 1
    return "\n".join([*lines, *tail])


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _visible(html_text: str) -> int:
    """Length of the text Telegram counts: tags removed, entities as one character."""
    return len(unescape(re.sub(r"<[^>]+>", "", html_text)))


def fit(text: str, lang: str, limit: int = TELEGRAM_TEXT_LIMIT) -> str:
    """Cut a message of whole lines to Telegram's limit (counted as Telegram counts it)."""
    if _visible(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for line in text.split("\n"):
        if used + _visible(line) + 1 > limit - 16:
            break
        kept.append(line)
        used += _visible(line) + 1
    return "\n".join([*kept, "…"])


def blocked_by_line(enterprise: Enterprise, lang: str) -> str:
    return t(
        lang, "show.blocked_by", name=escape(enterprise.name), code=escape(enterprise.credit_code)
    )
