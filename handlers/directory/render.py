"""/enterprise and /chain: an enterprise's card, the choices for an ambiguous name, a leading
enterprise's suppliers."""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from handlers.i18n import t
from handlers.rendering import (
    TELEGRAM_TEXT_LIMIT,
    action_label,
    fit,
    label,
    local_time,
    visible_length,
)
from liaisonbot.domain.models import Enterprise
from liaisonbot.domain.vocabulary import Category
from liaisonbot.read.enterprises import EnterpriseDetail, SupplierStatus


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
        if used + visible_length(line) + 1 + visible_length(more) + 1 > limit:
            lines.append(more)
            break
        lines.append(line)
        used += visible_length(line) + 1
    return "\n".join([*lines, *tail])


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
