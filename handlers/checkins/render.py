"""Check-in messages as Telegram HTML: the question, an answer, the concerns to confirm, the
missing list, and the officials' picture (figures and the 未复工达产名单). Names are escaped."""

from __future__ import annotations

from datetime import date
from html import escape

from handlers.i18n import t
from handlers.rendering import fit
from liaisonbot.domain.checkins import Answer, Concern, ResumptionStatus
from liaisonbot.domain.codes import region_name
from liaisonbot.domain.vocabulary import Tier
from liaisonbot.read.checkin_figures import Figures
from liaisonbot.read.checkins import HistoryLine, Picture, ShortfallList

MAX_LISTED = 15


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def change(now: float | None, before: float | None) -> str:
    """The change since the previous round in percentage points, '' when not comparable."""
    if now is None or before is None:
        return ""
    return f"（{now - before:+.1f}）"


def answer_text(answer: Answer, lang: str) -> str:
    """One line: status, head counts, 返岗率, capacity, expected date, bottleneck."""
    parts = [escape(answer.status.label(lang))]
    if answer.registered is not None:
        on_duty = "—" if answer.on_duty is None else str(answer.on_duty)
        parts.append(t(lang, "checkin.part_staff", on_duty=on_duty, registered=answer.registered))
    if answer.staff_rate is not None:
        parts.append(t(lang, "checkin.part_staff_rate", rate=percent(answer.staff_rate)))
    if answer.capacity is not None:
        parts.append(t(lang, "checkin.part_capacity", rate=percent(answer.capacity)))
    if answer.expected is not None:
        parts.append(t(lang, "checkin.part_expected", day=answer.expected.isoformat()))
    if answer.bottleneck is not None:
        parts.append(t(lang, "checkin.part_bottleneck", category=answer.bottleneck.label(lang)))
    return t(lang, "checkin.sep").join(parts)


def question_text(
    enterprise_name: str, round_date: date, closes: str, previous: Answer | None, lang: str
) -> str:
    lines = [
        t(
            lang,
            "checkin.question",
            day=round_date.isoformat(),
            enterprise=escape(enterprise_name),
            closes=closes,
        )
    ]
    if previous is not None:
        lines.append(t(lang, "checkin.previous", answer=answer_text(previous, lang)))
    lines.append(t(lang, "checkin.ask_status"))
    return "\n".join(lines)


def concerns_text(found: list[Concern], answer: Answer, previous: Answer | None, lang: str) -> str:
    lines = [t(lang, "checkin.concerns_head")]
    for concern in found:
        lines.append(
            "• "
            + t(
                lang,
                f"checkin.concern_{concern.value}",
                capacity=percent(answer.capacity),
                previous=percent(previous.capacity if previous else None),
                on_duty=answer.on_duty,
                registered=answer.registered,
                day=answer.expected.isoformat() if answer.expected else "",
            )
        )
    lines.append(t(lang, "checkin.answer_so_far", answer=answer_text(answer, lang)))
    lines.append(t(lang, "checkin.concerns_ask"))
    return "\n".join(lines)


def figures_lines(f: Figures, before: Figures | None, lang: str) -> list[str]:
    b = before or Figures()
    return [
        t(
            lang,
            "checkin.fig_reporting",
            expected=f.expected,
            on_time=f.on_time,
            late=f.late,
            missing=f.missing,
            exempt=f.exempt,
            rate=percent(f.reporting_rate),
            change=change(f.reporting_rate, b.reporting_rate if before else None),
        ),
        t(
            lang,
            "checkin.fig_resumed",
            any=percent(f.resumed_any),
            any_change=change(f.resumed_any, b.resumed_any if before else None),
            full=percent(f.resumed_full),
            full_change=change(f.resumed_full, b.resumed_full if before else None),
        ),
        t(
            lang,
            "checkin.fig_rates",
            staff=percent(f.staff_rate),
            staff_change=change(f.staff_rate, b.staff_rate if before else None),
            capacity=percent(f.capacity_rate),
            capacity_change=change(f.capacity_rate, b.capacity_rate if before else None),
            at=percent(f.at_threshold),
        ),
    ]


def picture_text(
    picture: Picture, shortfalls: ShortfallList | None, lang: str, *, threshold: float
) -> str:
    lines = [t(lang, "checkin.picture_head", day=picture.round_date.isoformat())]
    lines += figures_lines(picture.total, picture.previous, lang)
    for key, table, name in (
        ("checkin.by_chain", picture.by_chain, lambda k: k or t(lang, "checkin.no_chain")),
        ("checkin.by_region", picture.by_region, lambda k: region_name(k) or k),
        ("checkin.by_tier", picture.by_tier, lambda k: Tier(k).label(lang)),
    ):
        if len(table) < 2:
            continue
        lines.append(t(lang, key))
        for k, f in list(table.items())[:MAX_LISTED]:
            lines.append(
                t(
                    lang,
                    "checkin.slice",
                    name=escape(name(k)),
                    any=percent(f.resumed_any),
                    capacity=percent(f.capacity_rate),
                    rate=percent(f.reporting_rate),
                )
            )
    if shortfalls is not None:
        lines += shortfall_lines(shortfalls, lang, threshold=threshold)
    return fit("\n".join(lines), lang)


def shortfall_lines(s: ShortfallList, lang: str, *, threshold: float) -> list[str]:
    lines = ["", t(lang, "checkin.shortfall_head", count=len(s.below), threshold=f"{threshold:g}")]
    for i, item in enumerate(s.below[:MAX_LISTED], start=1):
        assert item.answer is not None
        lines.append(
            t(
                lang,
                "checkin.shortfall_item",
                n=i,
                name=escape(item.name),
                answer=answer_text(item.answer, lang),
                leading=escape("、".join(item.leading)) or "—",
                count=len(item.leading),
                since=item.below_since.isoformat() if item.below_since else "—",
                rounds=item.rounds_below,
                reports=item.open_reports,
            )
        )
    if len(s.below) > MAX_LISTED:
        lines.append(t(lang, "checkin.more", count=len(s.below) - MAX_LISTED))
    if s.missing:
        lines.append(t(lang, "checkin.shortfall_missing", count=len(s.missing)))
        names = [escape(m.name) for m in s.missing[:MAX_LISTED]]
        lines.append("、".join(names) + ("…" if len(s.missing) > MAX_LISTED else ""))
    return lines


def status_label(answer: Answer | None, lang: str) -> str:
    """The latest status for /enterprise and /chain ('' when never answered)."""
    if answer is None:
        return ""
    text = answer.status.label(lang)
    if answer.status is not ResumptionStatus.CLOSED and answer.capacity is not None:
        text += f" · {answer.capacity:g}%"
    return text


def history_lines(lines: list[HistoryLine], lang: str) -> list[str]:
    """/enterprise: the check-in history, newest first, every version."""
    if not lines:
        return []
    out = ["", t(lang, "checkin.history_head")]
    for h in lines:
        out.append(
            t(
                lang,
                "checkin.history_line",
                day=h.round_date.isoformat(),
                version=h.version,
                answer=answer_text(h.answer, lang),
                behalf=t(lang, "checkin.on_behalf") if h.on_behalf else "",
            )
        )
    return out
