"""`/my`: the contact's enterprise's reports; `/show N`: one report with its timeline."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.i18n import t
from handlers.people.group_kinds import show_in_open_group
from handlers.rendering import action_label, fit, label, local_time
from handlers.triage.cards import report_card
from liaisonbot.domain.access import can_view_enterprise
from liaisonbot.domain.models import Attachment, Enterprise, Report, ReportEvent
from liaisonbot.domain.numbers import is_ascii_digits, parse_report_number
from liaisonbot.domain.vocabulary import Category
from liaisonbot.read import enterprises as enterprise_views
from liaisonbot.read import reports as views
from liaisonbot.read.event_words import note_words
from liaisonbot.read.reports import ReportListItem, TriageInfo
from liaisonbot.services.triage import (
    INTERNAL_STEPS,
    INTERNAL_TEXT,
)


async def my_reports(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    viewer = await views.viewer(d.db, user.id)
    if viewer.contact_enterprise_id is None:
        await message.reply_text(t(lang, "error.not_bound"))
        return
    enterprise = await views.enterprise(d.db, viewer.contact_enterprise_id)
    assert enterprise is not None
    items = await views.enterprise_reports(d.db, viewer.contact_enterprise_id)
    await message.reply_text(
        report_list(items, enterprise, lang, d.settings.zone), parse_mode=ParseMode.HTML
    )


async def show_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    if await show_in_open_group(update, context):  # everyone there reads the answer
        return
    lang = await language(context, user)
    number = parse_report_number(" ".join(context.args or ()))
    if number is None:
        await message.reply_text(t(lang, "show.usage"))
        return
    await show_number(update, context, number)


async def show_number(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> None:
    """Report `number` with its timeline, if the caller may see it (`/show N`, or a number sent
    alone in the private chat)."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    report = await views.report(d.db, number)
    enterprise = await views.enterprise(d.db, report.enterprise_id) if report else None
    viewer = await views.viewer(d.db, user.id)
    # Not found and not allowed read the same, so numbers reveal nothing about other enterprises.
    if (
        report is None
        or enterprise is None
        or not can_view_enterprise(viewer.grants, viewer.contact_enterprise_id, enterprise)
    ):
        await message.reply_text(t(lang, "error.report_not_found", number=number))
        return
    events = await views.timeline(d.db, report.id)
    internal = viewer.contact_enterprise_id != enterprise.id or bool(viewer.grants)
    people = {e.actor_id for e in events if e.actor_id}
    if internal:  # assignments name a person by id
        people |= {
            int(e.note)
            for e in events
            if e.action in ("take", "assign") and is_ascii_digits(e.note)
        }
    names = await views.user_names(d.db, people)
    blocking = await enterprise_views.blocked_by(d.db, report.id)
    text = report_detail(
        report,
        enterprise,
        events,
        names,
        lang,
        d.settings.zone,
        internal=internal,
        info=await views.triage_info(d.db, report.id),
        now=d.now(),
        after_card=(blocked_by_line(blocking, lang),) if blocking is not None else (),
    )
    await message.reply_text(text, parse_mode=ParseMode.HTML)
    await _send_attachments(message, report.content.attachments, report.id, lang)


async def _send_attachments(
    message: Message, attachments: tuple[Attachment, ...], report_id: int, lang: str
) -> None:
    """The report's photos and files, sent again by their Telegram file ids (nothing is
    downloaded), each captioned with the report's number."""
    for index, attachment in enumerate(attachments, start=1):
        caption = t(lang, "show.attachment", number=report_id, index=index, count=len(attachments))
        if attachment.kind == "photo":
            await message.reply_photo(attachment.file_id, caption=caption)
        else:
            await message.reply_document(attachment.file_id, caption=caption)


# -- the texts ----------------------------------------------------------------------------------


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
                at=local_time(item.created_at, zone),
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
    return fit("\n".join(lines), lang)


def _event_note(event: ReportEvent, lang: str, names: dict[int, str] | None = None) -> str:
    """An event's note as HTML, with what the log stores as codes in words (the one vocabulary
    of liaisonbot.read.event_words: outcomes, urgency and scope, categories, ratings, people,
    regions)."""
    return escape(note_words(event.action, event.note, lang, names))


def blocked_by_line(enterprise: Enterprise, lang: str) -> str:
    return t(
        lang, "show.blocked_by", name=escape(enterprise.name), code=escape(enterprise.credit_code)
    )
