"""The guided report dialog in the private chat.

Its state is a draft row in the database, written at every step, so a restart (even a crash)
resumes where the user was. Buttons carry the draft's token: a button of an older draft, or of a
step already passed, is answered with an alert and changes nothing.
"""

from __future__ import annotations

import secrets
from html import escape
from typing import Any

from pydantic import ValidationError
from telegram import Message, Update, User
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.i18n import t
from handlers.refusals import text_refusal
from handlers.rendering import content_lines, fit
from handlers.reporting import keyboards
from handlers.reporting.delivery import deliver_filed
from handlers.reporting.follow_up import add_file_to_open_question
from liaisonbot.domain.errors import NotAllowed, NotBound
from liaisonbot.domain.limits import TextRejected, clean_text
from liaisonbot.domain.models import Attachment, Enterprise, ReportContent
from liaisonbot.domain.vocabulary import Category, Channel, Scope, Urgency
from liaisonbot.read import reports as views
from liaisonbot.services import drafts, intake, triage
from liaisonbot.store.drafts import Draft

REPORT_PAYLOAD = "rep_"  # /start rep_<group chat id>: opened from /report in a group
MAX_ATTACHMENTS = 10
# In the draft of an officer filing for an enterprise: its id and name (not report fields).
FOR_ENTERPRISE, FOR_NAME = "for_enterprise_id", "for_enterprise_name"
TEXT_STEPS = ("title", "description", "ask")
ORDER = ("category", "title", "description", "ask", "urgency", "scope", "attachments", "confirm")


def _next_step(draft: Draft) -> str:
    if draft.editing:
        return "confirm"
    return ORDER[ORDER.index(draft.step) + 1]


async def _prompt(message: Message, draft: Draft, lang: str) -> None:
    """Ask for the draft's current step."""
    token = draft.token
    step = draft.step
    if step == "category":
        await message.reply_text(
            t(lang, "dialog.ask_category"), reply_markup=keyboards.categories(token, lang)
        )
    elif step == "title":
        await message.reply_text(t(lang, "dialog.ask_title", limit=100))
    elif step == "description":
        await message.reply_text(t(lang, "dialog.ask_description", limit=2000))
    elif step == "ask":
        await message.reply_text(
            t(lang, "dialog.ask_ask", limit=1000), reply_markup=keyboards.skip(token, lang)
        )
    elif step == "urgency":
        await message.reply_text(
            t(lang, "dialog.ask_urgency"), reply_markup=keyboards.urgencies(token, lang)
        )
    elif step == "scope":
        await message.reply_text(
            t(lang, "dialog.ask_scope"), reply_markup=keyboards.scopes(token, lang)
        )
    elif step == "attachments":
        count = len(draft.data.get("attachments", []))
        await message.reply_text(
            t(lang, "dialog.ask_attachments", count=count, limit=MAX_ATTACHMENTS),
            reply_markup=keyboards.attachments_done(token, lang),
        )
    else:
        await message.reply_text(
            draft_summary(content_of(draft), lang, draft.data.get(FOR_NAME)),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboards.confirm(token, lang),
        )


def content_of(draft: Draft) -> ReportContent:
    data: dict[str, Any] = dict(draft.data)
    data.pop(FOR_ENTERPRISE, None)
    data.pop(FOR_NAME, None)
    data["attachments"] = tuple(Attachment(**a) for a in data.get("attachments", []))
    return ReportContent.model_validate(data)


async def start_dialog(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    *,
    origin_chat_id: int | None,
    category: Category | None = None,
    for_enterprise: Enterprise | None = None,
    channel: Channel | None = None,
) -> None:
    """The dialog; with `for_enterprise`, an officer files for it (heard by `channel`)."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    if for_enterprise is None and not await drafts.is_contact(d.db, user.id):
        await message.reply_text(t(lang, "error.not_bound"))
        return
    draft = Draft(
        user_id=user.id,
        token=secrets.token_urlsafe(6),
        step="category",
        origin_chat_id=origin_chat_id,
    )
    if category is not None:
        draft.data["category"] = category.value
        draft.step = "title"
    if for_enterprise is not None:
        draft.data[FOR_ENTERPRISE] = for_enterprise.id
        draft.data[FOR_NAME] = for_enterprise.name
        draft.data["channel"] = (channel or Channel.PHONE).value
    await drafts.save(d.db, draft, d.now())
    if for_enterprise is not None:
        channel_label = (channel or Channel.PHONE).label(lang)
        await message.reply_text(
            t(lang, "dialog.started_for", name=escape(for_enterprise.name), channel=channel_label),
            parse_mode=ParseMode.HTML,
        )
    await message.reply_text(t(lang, "dialog.started"))
    await _prompt(message, draft, lang)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    removed = await drafts.discard(d.db, user.id) if message.chat.type == "private" else False
    # The bot's open questions to this user in this chat end too (the one replied to, or all).
    waiting = await views.open_prompts(d.db, message.chat.id, user.id)
    replied = message.reply_to_message.message_id if message.reply_to_message else None
    questions = [p for p in waiting if replied is None or p.message_id == replied]
    for prompt in questions:
        await triage.close_prompt(d.db, prompt.chat_id, prompt.message_id, d.now())
    if questions and not removed:
        numbers = t(lang, "text.list_sep").join(sorted({str(p.report_id) for p in questions}))
        await message.reply_text(t(lang, "dialog.question_cancelled", numbers=numbers))
        return
    await message.reply_text(t(lang, "dialog.cancelled" if removed else "dialog.nothing_to_cancel"))


async def answer_draft_step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Plain text in the private chat as the answer to the draft's current question. False when
    no draft is open (the text is someone else's: handlers/private_text.py)."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    d = deps(context)
    draft = await drafts.get(d.db, user.id)
    if draft is None:
        return False
    lang = await language(context, user)
    if draft.step not in TEXT_STEPS:
        await message.reply_text(t(lang, "dialog.use_buttons"))
        await _prompt(message, draft, lang)
        return True
    try:
        value = clean_text(message.text or "", draft.step, required=draft.step != "ask")
    except TextRejected as problem:
        await message.reply_text(text_refusal(lang, problem))
        return True
    draft.data[draft.step] = value
    draft.step = _next_step(draft)
    draft.editing = False if draft.step == "confirm" else draft.editing
    await drafts.save(d.db, draft, d.now())
    await _prompt(message, draft, lang)
    return True


async def on_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo or document in the private chat: an attachment, when the draft is at that step."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    draft = await drafts.get(d.db, user.id)
    if draft is None or draft.step != "attachments":
        if draft is None and await add_file_to_open_question(update, context):
            return
        await message.reply_text(t(lang, "dialog.file_not_expected"))
        return
    files = draft.data.setdefault("attachments", [])
    if len(files) >= MAX_ATTACHMENTS:
        await message.reply_text(t(lang, "dialog.too_many_files", limit=MAX_ATTACHMENTS))
        return
    if message.photo:
        photo = message.photo[-1]
        files.append(
            {
                "kind": "photo",
                "file_id": photo.file_id,
                "file_unique_id": photo.file_unique_id,
                "file_name": "",
            }
        )
    elif message.document:
        doc = message.document
        files.append(
            {
                "kind": "document",
                "file_id": doc.file_id,
                "file_unique_id": doc.file_unique_id,
                "file_name": doc.file_name or "",
            }
        )
    await drafts.save(d.db, draft, d.now())
    await message.reply_text(
        t(lang, "dialog.file_added", count=len(files), limit=MAX_ATTACHMENTS),
        reply_markup=keyboards.attachments_done(draft.token, lang),
    )


async def on_draft_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None and query.data is not None
    lang = await language(context, user)
    d = deps(context)
    parsed = keyboards.parse_draft_data(query.data)
    draft = await drafts.get(d.db, user.id)
    if parsed is None or draft is None or draft.token != parsed[0]:
        await query.answer(t(lang, "dialog.stale"), show_alert=True)
        return
    _, verb, argument = parsed
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        await query.answer(t(lang, "dialog.stale"), show_alert=True)
        return

    if verb == "cancel":
        await drafts.discard(d.db, user.id)
        await query.answer()
        await message.edit_text(t(lang, "dialog.cancelled"))
        return
    if verb == "submit":
        await _submit(query, message, draft, user, lang, context)
        return
    if verb == "edit" and draft.step == "confirm":
        if argument and argument not in keyboards.EDITABLE_FIELDS:
            await query.answer(t(lang, "dialog.stale"), show_alert=True)
            return
        await query.answer()  # a query is answered once
        if not argument:
            await message.edit_reply_markup(keyboards.edit_fields(draft.token, lang))
            return
        draft.step, draft.editing = argument, True
        if argument == "attachments":
            draft.data["attachments"] = []
        await drafts.save(d.db, draft, d.now())
        await message.edit_reply_markup(None)
        await _prompt(message, draft, lang)
        return
    if verb == "back" and draft.step == "confirm":
        await query.answer()
        await message.edit_reply_markup(keyboards.confirm(draft.token, lang))
        return

    chosen = _choice(draft.step, verb, argument)
    if chosen is None:
        await query.answer(t(lang, "dialog.stale"), show_alert=True)
        return
    field, value, shown = chosen
    if field:
        draft.data[field] = value
    draft.step = _next_step(draft)
    if draft.step == "confirm":
        draft.editing = False
    await drafts.save(d.db, draft, d.now())
    await query.answer()
    # Keep the question with the answer given, without its buttons, so the chat reads as a form.
    await message.edit_text(
        f"{message.text_html}\n<b>→ {escape(shown(lang))}</b>", parse_mode=ParseMode.HTML
    )
    await _prompt(message, draft, lang)


def _choice(step: str, verb: str, argument: str) -> tuple[str, str, Any] | None:
    """(draft field, value, label in a language) for a button valid at this step, else None."""
    if step == "category" and verb == "cat" and (c := Category.parse(argument)):
        return "category", c.value, c.label
    if step == "urgency" and verb == "urg" and (u := Urgency.parse(argument)):
        return "urgency", u.value, u.label
    if step == "scope" and verb == "scope" and (s := Scope.parse(argument)):
        return "scope", s.value, s.label
    if step == "ask" and verb == "skip":
        return "ask", "", lambda lang: t(lang, "button.skip")
    if step == "attachments" and verb == "done":
        return "", "", lambda lang: t(lang, "button.done")
    return None


async def _submit(
    query: Any,
    message: Message,
    draft: Draft,
    user: User,
    lang: str,
    context: ContextTypes.DEFAULT_TYPE,
) -> None:
    if draft.step != "confirm":
        await query.answer(t(lang, "dialog.stale"), show_alert=True)
        return
    d = deps(context)
    try:
        content = content_of(draft)
    except ValidationError:
        await query.answer(t(lang, "dialog.incomplete"), show_alert=True)
        return
    try:
        filed = await intake.submit_report(
            d.db,
            reporter_id=user.id,
            content=content,
            source_key=f"draft:{user.id}:{draft.token}",
            now=d.now(),
            origin_chat_id=message.chat.id,
            origin_message_id=message.message_id,
            preferred_group_id=draft.origin_chat_id,
            draft_user_id=user.id,
            for_enterprise_id=draft.data.get(FOR_ENTERPRISE),
        )
    except NotBound:
        await query.answer(t(lang, "error.not_bound"), show_alert=True)
        return
    except NotAllowed:
        await query.answer(t(lang, "error.not_allowed"), show_alert=True)
        return
    await query.answer(t(lang, "dialog.submitted", number=filed.report_id))
    await message.edit_reply_markup(None)
    await deliver_filed(context.bot, d, filed.report_id)


def draft_summary(content: ReportContent, lang: str, for_name: str | None = None) -> str:
    head = [t(lang, "dialog.summary_head")]
    if for_name:
        head.append(t(lang, "dialog.summary_for", name=escape(for_name)))
    return fit("\n".join([*head, "", *content_lines(content, lang)]), lang)
