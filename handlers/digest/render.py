"""The daily digest as one Telegram HTML message (at most 4,096 characters) and the caption of
its ledger. All user text (names, titles, notes) is escaped here; long lists end in "and N more",
the rest being in the attached ledger."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from handlers.i18n import t
from handlers.triage.cards import task_force_name
from liaisonbot.domain.codes import region_name
from liaisonbot.domain.vocabulary import Category, ReportState, Urgency
from liaisonbot.files.ledger import warning_key
from liaisonbot.read.digest.model import (
    BASIC,
    PENDING_STATES,
    SATISFIED,
    TIMEOUT,
    UNSATISFIED,
    Digest,
    EnterpriseStatus,
    LedgerRow,
    Tally,
)
from liaisonbot.read.digest.scope import DigestScope

MESSAGE_LIMIT = 4096
SLICES_SHOWN = 5  # lines per breakdown (category, region, chain)
TITLE_CHARS = 30
NAME_CHARS = 18
PROGRESS_CHARS = 40
_RESERVE = 120  # room for the "and N more" line


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut with an ellipsis; cut before escaping, never inside an
    entity."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scope_label(scope: DigestScope, lang: str) -> str:
    """The scope as plain text (a button's label); `scope_text` is the HTML form."""
    region = (
        (region_name(scope.region_prefix) or scope.region_prefix)
        if scope.region_prefix
        else t(lang, "digest.scope_all")
    )
    chains = (
        t(lang, "text.list_sep").join(scope.chains)
        if scope.chains
        else t(lang, "digest.all_chains")
    )
    return f"{region} · {chains}"


def scope_text(scope: DigestScope, lang: str) -> str:
    return escape(scope_label(scope, lang))


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _duration(hours: float | None, lang: str) -> str:
    if hours is None:
        return "—"
    if hours < 48:
        return t(lang, "digest.hours", value=f"{hours:.1f}")
    return t(lang, "digest.days", value=f"{hours / 24:.1f}")


def _local(moment: datetime | None, zone: ZoneInfo, fmt: str = "%m-%d %H:%M") -> str:
    return moment.astimezone(zone).strftime(fmt) if moment else "—"


def as_of(digest: Digest, zone: ZoneInfo | None = None) -> str:
    """When the open items, warnings and key items were counted (the period's flow is of the
    period; what is open is of the moment the digest was made)."""
    return _local(digest.as_of, zone or digest.zone or ZoneInfo("UTC"))


def _slice_name(kind: str, key: str, lang: str) -> str:
    if kind == "category":
        try:
            return Category(key).label(lang)
        except ValueError:
            return key
    if kind == "region":
        return region_name(key) or key
    return key or "—"


def _slices(kind: str, tallies: dict[str, Tally], lang: str) -> list[str]:
    active = [(k, v) for k, v in tallies.items() if v.active]
    active.sort(key=lambda kv: (-(kv[1].new + kv[1].open + kv[1].resolved), kv[0]))
    lines = [
        t(
            lang,
            "digest.slice",
            name=escape(_slice_name(kind, key, lang)),
            new=v.new,
            resolved=v.resolved,
            open=v.open,
            overdue=v.overdue,
            rate=_rate(v.done_rate),
            satisfaction=_rate(v.satisfaction_rate),
        )
        for key, v in active[:SLICES_SHOWN]
    ]
    if len(active) > SLICES_SHOWN:
        lines.append(t(lang, "digest.more_slices", count=len(active) - SLICES_SHOWN))
    return lines


def _marks(row: LedgerRow, lang: str) -> str:
    marks = []
    key = warning_key(row)
    if key:
        marks.append(t(lang, f"digest.mark_{key}"))
    if row.urgency is Urgency.URGENT:
        marks.append(t(lang, "digest.mark_urgent"))
    if row.state is ReportState.ESCALATED:
        marks.append(t(lang, "digest.mark_escalated"))
        if row.escalated_unacked:
            marks.append(t(lang, "digest.mark_unacked"))
    return " ".join(marks)


def deep_link(bot_username: str, report_id: int) -> str:
    return f"https://t.me/{bot_username}?start=show_{report_id}"


def key_item(row: LedgerRow, index: int, lang: str, zone: ZoneInfo, bot_username: str) -> str:
    try:
        category = Category(row.category).label(lang)
    except ValueError:
        category = row.category
    line = t(
        lang,
        "digest.key_item",
        index=index,
        link=escape(deep_link(bot_username, row.id), quote=True),
        number=row.id,
        marks=_marks(row, lang),
        enterprise=escape(clip(row.enterprise_name, NAME_CHARS)),
        chain=escape(row.chain or "—"),
        category=escape(category),
        title=escape(clip(row.title, TITLE_CHARS)),
        responsible=escape(clip(row.assignee, NAME_CHARS)) or t(lang, "digest.unassigned"),
        due=_local(row.due_at, zone),
    )
    if row.affected > 1:
        line += t(lang, "digest.key_affected", count=row.affected)
    if row.progress:
        line += "\n" + t(
            lang, "digest.key_progress", progress=escape(clip(row.progress, PROGRESS_CHARS))
        )
    return line


def render_empty(digest: Digest, lang: str, zone: ZoneInfo | None = None) -> str:
    return t(
        lang,
        "digest.empty",
        day=digest.period.day.isoformat(),
        scope=scope_text(digest.scope, lang),
        as_of=as_of(digest, zone),
    )


def render_digest(
    digest: Digest, lang: str, zone: ZoneInfo, bot_username: str, limit: int = MESSAGE_LIMIT
) -> str:
    """The digest message; at most `limit` characters."""
    if digest.empty:
        return render_empty(digest, lang, zone)
    head = [
        *_head(digest, lang, zone),
        "",
        *_problem_lines(digest, lang, zone),
        *_ladder_lines(digest, lang),
    ]
    breakdown = _breakdown(digest, lang)
    items = digest.key_items
    key_head = ["", t(lang, "digest.section_key", count=len(items), as_of=as_of(digest, zone))]
    text = "\n".join([*head, *breakdown, *key_head])
    if len(text) > limit - _RESERVE:  # never in practice: drop the breakdowns first
        text = "\n".join([*head, *key_head])
    return _with_key_items(text, items, lang, zone, bot_username, limit)


def _head(digest: Digest, lang: str, zone: ZoneInfo) -> list[str]:
    """Day, scope and period; the enterprises' resumption when the digest has it."""
    # a whole day ends at 23:59; today so far (`/digest`) at the moment it was made
    end = digest.period.end - timedelta(microseconds=0 if digest.previous else 1)
    head = [
        t(lang, "digest.head", day=digest.period.day.isoformat()),
        t(
            lang,
            "digest.scope",
            scope=scope_text(digest.scope, lang),
            start=_local(digest.period.start, zone),
            end=_local(end, zone),
        ),
    ]
    status = digest.enterprise_status
    if status is not None:
        head += [
            "",
            t(lang, "digest.section_enterprises"),
            t(
                lang,
                "digest.enterprises",
                tracked=status.tracked,
                leading=status.leading,
                suppliers=status.suppliers,
                resumed=status.resumed,
                rate=_rate(status.resumption_rate),
            ),
        ]
        head += _checkin_lines(status, lang)
    return head


def _checkin_lines(status: EnterpriseStatus, lang: str) -> list[str]:
    """The check-in round's rates and the first suppliers of the 未复工达产名单."""
    if status.round_date is None:
        return []
    lines = [
        t(
            lang,
            "digest.checkin_rates",
            day=status.round_date.isoformat(),
            staff=_rate(status.staff_return_rate),
            capacity=_rate(status.capacity_rate),
            at=_rate(status.at_threshold),
            reporting=_rate(status.reporting_rate),
            missing=status.missing,
        )
    ]
    if status.shortfall_total:
        lines.append(t(lang, "digest.shortfall_head", count=status.shortfall_total))
        lines += [
            t(lang, "digest.shortfall_item", name=escape(name), leading=escape(leading) or "—")
            for name, leading in status.not_resumed
        ]
    return lines


def _problem_lines(digest: Digest, lang: str, zone: ZoneInfo) -> list[str]:
    """The period's flow, what is open by state, deadline warnings, rates and satisfaction."""
    total = digest.total
    states = t(lang, "digest.sep").join(
        t(lang, "digest.state_count", state=s.label(lang), count=digest.by_state.counts[s])
        for s in PENDING_STATES
        if s is not ReportState.RESOLVED and digest.by_state.counts[s]
    )
    sat = total.satisfaction
    return [
        t(lang, "digest.section_problems"),
        *_flow_lines(digest, lang, zone),
        t(lang, "digest.open", open=total.open, states=states or "—", as_of=as_of(digest, zone)),
        t(lang, "digest.awaiting", count=total.awaiting_confirmation),
        t(
            lang,
            "digest.warnings",
            due_soon=total.due_soon,
            overdue=total.overdue,
            supervise=total.supervise,
            unacked=total.escalated_unacked,
        ),
        t(
            lang,
            "digest.rates",
            rate=_rate(total.done_rate),
            done=total.done,
            counted=total.counted,
            accept=_duration(total.avg_accept_hours, lang),
            resolve=_duration(total.avg_resolve_hours, lang),
        ),
        t(
            lang,
            "digest.satisfaction",
            satisfied=sat[SATISFIED],
            basic=sat[BASIC],
            unsatisfied=sat[UNSATISFIED],
            timeout=sat[TIMEOUT],
            rate=_rate(total.satisfaction_rate),
        ),
    ]


def _flow(key: str, tally: Tally, lang: str, **extra: object) -> str:
    return t(
        lang,
        key,
        new=tally.new,
        accepted=tally.accepted,
        resolved=tally.resolved,
        closed=tally.closed,
        reopened=tally.reopened,
        escalated=tally.escalated,
        **extra,
    )


def _flow_lines(digest: Digest, lang: str, zone: ZoneInfo) -> list[str]:
    """The period's flow; for `/digest`, today so far and the previous day's beside it."""
    if digest.previous is None:
        return [_flow("digest.flow", digest.total, lang)]
    before = digest.previous
    return [
        _flow("digest.flow_today", digest.total, lang, as_of=as_of(digest, zone)),
        _flow(
            "digest.flow_yesterday",
            before,
            lang,
            rate=_rate(before.done_rate),
            satisfaction=_rate(before.satisfaction_rate),
        ),
    ]


LADDER_ITEMS = 5  # escalated items listed by name; the count says how many there are


def _ladder_lines(digest: Digest, lang: str) -> list[str]:
    """Escalated items held at the scope's level and below: how many each task force holds,
    and the longest waiting, with how long they have waited at their level."""
    held = digest.escalated_here
    if not held:
        return []
    counts = t(lang, "digest.sep").join(
        t(lang, "digest.level_count", level=escape(task_force_name(prefix, lang)), count=n)
        for prefix, n in digest.escalated_by_level().items()
    )
    lines = ["", t(lang, "digest.section_levels", count=len(held), levels=counts)]
    for row in held[:LADDER_ITEMS]:
        since = row.level_since or row.created_at
        hours = max(0.0, (digest.as_of - since).total_seconds() / 3600)
        lines.append(
            t(
                lang,
                "digest.level_item",
                number=row.id,
                enterprise=escape(clip(row.enterprise_name, NAME_CHARS)),
                level=escape(task_force_name(row.level_prefix or "", lang)),
                waited=_duration(hours, lang),
            )
        )
    if len(held) > LADDER_ITEMS:
        lines.append(t(lang, "digest.more_slices", count=len(held) - LADDER_ITEMS))
    return lines


def _breakdown(digest: Digest, lang: str) -> list[str]:
    """By category, region and chain (not by chain when the scope is one chain)."""
    lines: list[str] = []
    for kind, key, tallies in (
        ("category", "digest.by_category", digest.by_category),
        ("region", "digest.by_region", digest.by_region),
        ("chain", "digest.by_chain", digest.by_chain),
    ):
        if kind == "chain" and len(digest.scope.chains) == 1:
            continue
        slices = _slices(kind, tallies, lang)
        if slices:
            lines += ["", t(lang, key), *slices]
    return lines


def _with_key_items(
    text: str, items: list[LedgerRow], lang: str, zone: ZoneInfo, bot_username: str, limit: int
) -> str:
    """`text` and the key items after it, as many as fit with room for "and N more"."""
    if not items:
        return text + "\n" + t(lang, "digest.key_none")
    for shown, row in enumerate(items):
        line = key_item(row, shown + 1, lang, zone, bot_username)
        if len(text) + 1 + len(line) > limit - _RESERVE:
            more = t(lang, "digest.more", count=len(items) - shown)
            return text + "\n" + more
        text += "\n" + line
    return text


def caption(digest: Digest, lang: str, zone: ZoneInfo | None = None) -> str:
    return t(
        lang,
        "digest.caption",
        day=digest.period.day.isoformat(),
        rows=len(digest.rows),
        as_of=as_of(digest, zone),
    )
