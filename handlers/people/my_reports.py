"""`/my`: the contact's enterprise's reports; `/show N`: one report with its timeline."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers import rendering
from handlers.common import deps, language
from handlers.i18n import t
from liaisonbot.domain.access import can_view_enterprise
from liaisonbot.domain.models import Attachment
from liaisonbot.read import enterprises as enterprise_views
from liaisonbot.read import reports as views


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
        rendering.report_list(items, enterprise, lang, d.settings.zone), parse_mode=ParseMode.HTML
    )


async def show_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    arg = context.args[0].lstrip("#") if context.args else ""
    if not arg.isdigit():
        await message.reply_text(t(lang, "show.usage"))
        return
    report = await views.report(d.db, int(arg))
    enterprise = await views.enterprise(d.db, report.enterprise_id) if report else None
    viewer = await views.viewer(d.db, user.id)
    # Not found and not allowed read the same, so numbers reveal nothing about other enterprises.
    if (
        report is None
        or enterprise is None
        or not can_view_enterprise(viewer.grants, viewer.contact_enterprise_id, enterprise)
    ):
        await message.reply_text(t(lang, "error.report_not_found", number=int(arg)))
        return
    events = await views.timeline(d.db, report.id)
    internal = viewer.contact_enterprise_id != enterprise.id or bool(viewer.grants)
    people = {e.actor_id for e in events if e.actor_id}
    if internal:  # assignments name a person by id
        people |= {
            int(e.note) for e in events if e.action in ("take", "assign") and e.note.isdigit()
        }
    names = await views.user_names(d.db, people)
    blocking = await enterprise_views.blocked_by(d.db, report.id)
    text = rendering.report_detail(
        report,
        enterprise,
        events,
        names,
        lang,
        d.settings.zone,
        internal=internal,
        info=await views.triage_info(d.db, report.id),
        now=d.now(),
        after_card=(rendering.blocked_by_line(blocking, lang),) if blocking is not None else (),
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
