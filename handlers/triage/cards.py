"""The report's card in the groups: its text, and posting and editing it.

The card lives in the liaison group and, once escalated, in the task-force group too; both are
edited in place after every change, with the buttons their seat shows in the new state.
"""

from __future__ import annotations

import logging
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import Bot, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from handlers.common import Deps
from handlers.i18n import t
from handlers.rendering import content_lines, fit, label, local_time
from handlers.triage import card_memory
from handlers.triage.keyboards import triage_card
from liaisonbot.domain import deadlines
from liaisonbot.domain.codes import region_name
from liaisonbot.domain.models import Enterprise, Report
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.read import reports as views
from liaisonbot.read.reports import TriageInfo
from liaisonbot.services import triage
from liaisonbot.services.triage import Change, Satisfaction, Seat

log = logging.getLogger(__name__)


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
        *content_lines(report.content, lang, report.id),
        t(lang, "card.filed_at", at=local_time(report.created_at, zone)),
    ]
    if info is not None:
        lines.extend(triage_lines(report, info, lang, zone, now, internal=internal))
    return fit("\n".join(lines), lang, number=report.id)


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
    lines = [t(lang, "card.assignee", name=assignee_words(info, lang))]
    if report.due_at is not None:
        mark = ""
        if now is not None:
            mark = deadline_mark(
                deadlines.flags(
                    report.state,
                    report.due_at,
                    now,
                    zone,
                    info.overdue_reminded_at,
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
    if internal:
        lines.extend(coordination_lines(report, info, lang, zone))
    return lines


def coordination_lines(report: Report, info: TriageInfo, lang: str, zone: ZoneInfo) -> list[str]:
    """The ladder's path and holder, the 协办 regions and their answers, the units."""
    lines: list[str] = []
    if info.levels:
        lines.append(t(lang, "card.path", path=escape(ladder_path(info, lang))))
        holder = level_name(info, info.level, lang)
        if info.level_since is not None and report.state is ReportState.ESCALATED:
            since = local_time(info.level_since, zone)
            lines.append(t(lang, "card.holder_since", holder=escape(holder), at=since))
        else:
            lines.append(t(lang, "card.holder", holder=escape(holder)))
    if info.assists:
        lines.append(
            t(
                lang,
                "card.assists",
                regions=t(lang, "text.list_sep").join(
                    t(
                        lang,
                        "card.assist_item",
                        region=escape(region_words(a.region_code)),
                        state=t(lang, f"assist.state_{a.state}"),
                    )
                    for a in info.assists
                ),
            )
        )
    for note in info.assist_notes:
        lines.append(
            t(
                lang,
                "card.assist_note",
                region=escape(region_words(note.region_code)),
                name=escape(note.author),
                text=escape(note.text),
            )
        )
    if info.lead_unit:
        lines.append(
            t(
                lang,
                "card.units",
                lead=escape(info.lead_unit),
                partners=escape(info.partner_units or "—"),
            )
        )
    return lines


def assignee_words(info: TriageInfo, lang: str) -> str:
    """王芳 / @wangfang; a person the bot never saw as such (never a bare id); nobody as —."""
    if info.assignee_name:
        return escape(info.assignee_name)
    if info.assignee_id is not None:
        return t(lang, "words.unknown_person", id=info.assignee_id)
    return "—"


def region_words(code: str) -> str:
    return region_name(code) or code


def task_force_name(prefix: str, lang: str) -> str:
    """部专班 for the national level, 福建省专班 for a province's."""
    if not prefix:
        return t(lang, "ladder.national")
    return t(lang, "ladder.task_force", region=region_words(prefix))


def level_name(info: TriageInfo, level: int, lang: str) -> str:
    if level == 0:
        return t(lang, "ladder.group")
    for card in info.levels:
        if card.level == level:
            return task_force_name(card.region_prefix, lang)
    return t(lang, "ladder.national")


def ladder_path(info: TriageInfo, lang: str) -> str:
    """联络群 → 福建省专班 → 部专班: every level the item reached."""
    names = [t(lang, "ladder.group")]
    names.extend(task_force_name(card.region_prefix, lang) for card in info.levels)
    return " → ".join(names)


# -- in the groups ------------------------------------------------------------------------------


async def refresh_cards(bot: Bot, d: Deps, report_id: int, *, force: bool = False) -> None:
    """Edit the report's cards (group and escalation) to its current state; a chat that became
    a supergroup is followed. A card that would not change is not edited, unless `force` (a
    stale button was pressed: what that client shows is not what we last sent)."""
    report = await views.report(d.db, report_id)
    info = await views.triage_info(d.db, report_id)
    if report is None or info is None:
        return
    enterprise = await views.enterprise(d.db, report.enterprise_id)
    assert enterprise is not None
    lang = d.settings.lang
    text = report_card(report, enterprise, lang, d.settings.zone, info, d.now())
    # Every level's card is edited; only the one of the level holding the item has buttons.
    places: list[tuple[int | None, int | None, str]] = [
        (report.group_chat_id, report.card_message_id, Seat.GROUP.value)
    ]
    if info.levels:
        places.extend(
            (c.chat_id, c.message_id, Seat.ESCALATION.value if c.level == info.level else "")
            for c in info.levels
        )
    else:  # escalated before the ladder: the one task-force card
        places.append((info.escalation_chat_id, info.escalation_message_id, Seat.ESCALATION))
    for chat_id, message_id, seat in places:
        if chat_id is None or message_id is None:
            continue
        markup = triage_card(report.id, report.state.value, seat, lang)
        if not force and card_memory.unchanged(d, chat_id, message_id, text, markup):
            continue  # Telegram would answer "message is not modified"
        try:
            try:
                await bot.edit_message_text(
                    text,
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
            except ChatMigrated as exc:  # the migration update was missed: follow it now
                log.warning("chat %s migrated to %s; following it", chat_id, exc.new_chat_id)
                await triage.move_chat(d.db, chat_id, exc.new_chat_id)
                chat_id = exc.new_chat_id
                await bot.edit_message_text(
                    text,
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
            card_memory.remember(d, chat_id, message_id, text, markup)
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                card_memory.remember(d, chat_id, message_id, text, markup)
            else:
                log.warning("report %s: card in %s not edited: %s", report.id, chat_id, exc)
        except Forbidden as exc:
            log.warning("report %s: no longer in chat %s: %s", report.id, chat_id, exc)
        except TelegramError:
            log.exception("report %s: card in %s not edited", report.id, chat_id)


async def post_escalation(bot: Bot, d: Deps, change: Change) -> None:
    """The card goes to the task force of the level reached, once; a later escalation to the
    same level and chat reuses it (docs/domain.md#escalation-ladder)."""
    info = await views.triage_info(d.db, change.report_id)
    report = await views.report(d.db, change.report_id)
    assert info is not None and report is not None
    lang = d.settings.lang
    place = next((c for c in info.levels if c.level == info.level), None)
    if place is None:
        log.warning("report %s escalated but has no level %s", report.id, info.level)
        return
    chat_id = place.chat_id
    if place.message_id is None:
        enterprise = await views.enterprise(d.db, report.enterprise_id)
        assert enterprise is not None
        try:
            card = await bot.send_message(
                chat_id,
                report_card(report, enterprise, lang, d.settings.zone, info, d.now()),
                parse_mode=ParseMode.HTML,
                reply_markup=triage_card(
                    report.id, report.state.value, Seat.ESCALATION.value, lang
                ),
            )
        except TelegramError as exc:
            log.warning("report %s: escalation card not sent to %s: %s", report.id, chat_id, exc)
            return
        await triage.record_level_card(d.db, report.id, place.level, card.message_id)
        reply_to = card.message_id
    else:
        reply_to = place.message_id
    await send_quietly(
        bot,
        chat_id,
        t(lang, "triage.escalated_reason", number=report.id, reason=escape(change.note)),
        reply_to=reply_to,
    )


async def send_quietly(bot: Bot, chat_id: int, text: str, reply_to: int | None = None) -> bool:
    try:
        await bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_parameters=(
                ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
            ),
        )
    except Forbidden as exc:
        log.warning("chat %s: the bot may not write there: %s", chat_id, exc)
        return False
    except TelegramError as exc:
        log.warning("chat %s: message not sent: %s", chat_id, exc)
        return False
    return True
