"""An admin sends an enterprise list (.xlsx / .csv) to the bot in the private chat.

The bot downloads it, checks it exactly as `liaisonbot import enterprises` does (a dry run) and
answers with the same report and buttons: import / import only the valid rows / cancel. With
errors, "import" is not offered; when no row is valid, nothing is offered. The file waits in the
`list_uploads` table (a restart loses nothing) until a button is pressed, for at most 24 hours;
sending another list replaces it. A press is authorised from the database: the admin who sent it,
still an admin, on a list still pending. Button data: `lu|<token>|<a|v|c>`.

A document while the report dialog waits for attachments is an attachment, whatever its type.
"""

from __future__ import annotations

import tempfile
from html import escape
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.i18n import t
from handlers.reporting import dialog as report_dialog
from handlers.reporting.follow_up import add_file_to_open_question
from liaisonbot.domain.access import is_admin
from liaisonbot.read import reports as views
from liaisonbot.services import drafts
from liaisonbot.services import enterprises as service
from liaisonbot.services.enterprise_import.importer import (
    import_enterprises,
    import_summary_for_chat,
)

PREFIX = "lu"
LIST_SUFFIXES = frozenset({".xlsx", ".xlsm", ".csv", ".tsv"})
# Files that look like a list but are not one the importer reads.
NEAR_SUFFIXES = frozenset({".xls", ".et", ".ods", ".numbers", ".txt"})
MAX_DOWNLOAD = 20 * 1024 * 1024  # the Bot API lets bots download files up to 20 MB
TEXT_LIMIT = 4096


def _data(token: str, verb: str) -> str:
    data = f"{PREFIX}|{token}|{verb}"
    assert len(data.encode()) <= 64, data
    return data


def _safe_name(file_name: str) -> str:
    name = Path(file_name.replace("\\", "/")).name.strip() or "list"
    return name[:120]


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    d = deps(context)
    draft = await drafts.get(d.db, user.id)
    document = message.document
    if document is None or (draft is not None and draft.step == "attachments"):
        await report_dialog.on_file(update, context)
        return
    name = _safe_name(document.file_name or "")
    suffix = Path(name).suffix.lower()
    viewer = await views.viewer(d.db, user.id)
    admin = is_admin(viewer.grants)
    if not admin:
        if await add_file_to_open_question(update, context):  # a spreadsheet as evidence
            return
        if suffix in LIST_SUFFIXES or suffix in NEAR_SUFFIXES:
            lang = await language(context, user)
            await message.reply_text(t(lang, "lists.not_admin"))
        else:
            await report_dialog.on_file(update, context)
        return
    lang = await language(context, user)
    if suffix not in LIST_SUFFIXES:
        await message.reply_text(
            t(lang, "lists.wrong_type", name=escape(name)), parse_mode=ParseMode.HTML
        )
        return
    if document.file_size is not None and document.file_size > MAX_DOWNLOAD:
        await _too_large(message, lang, document.file_size)
        return
    try:
        file = await context.bot.get_file(document.file_id)
        if file.file_size is not None and file.file_size > MAX_DOWNLOAD:
            await _too_large(message, lang, file.file_size)
            return
        content = bytes(await file.download_as_bytearray())
    except TelegramError as exc:
        if "too big" in str(exc).lower():
            await _too_large(message, lang, document.file_size or MAX_DOWNLOAD + 1)
        else:
            await message.reply_text(t(lang, "lists.download_failed"))
        return
    except RuntimeError:  # no file_path: Telegram gave no way to download it
        await message.reply_text(t(lang, "lists.download_failed"))
        return
    await _check(message, context, user.id, name, content, lang)


async def _too_large(message: Message, lang: str, size: int) -> None:
    await message.reply_text(
        t(lang, "lists.too_large", size=f"{size / 1024 / 1024:.1f}", limit=MAX_DOWNLOAD >> 20)
    )


async def _check(
    message: Message,
    context: ContextTypes.DEFAULT_TYPE,
    user_id: int,
    name: str,
    content: bytes,
    lang: str,
) -> None:
    d = deps(context)
    with tempfile.TemporaryDirectory(prefix="liaisonbot-list-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        # The longest hint goes under the report; Telegram counts the text after HTML parsing.
        hint_room = max(len(t(lang, key)) for key in ("lists.confirm_all", "lists.confirm_valid"))
        result, summary = await import_summary_for_chat(
            d.db,
            path,
            now=d.now(),
            lang=lang,
            max_chars=TEXT_LIMIT - hint_room - 4,
            limits=d.settings.import_limits,
        )
    valid_rows = result.total - result.invalid
    can_apply = result.ok and result.total > 0
    can_apply_valid = not result.ok and valid_rows > 0
    text = escape(summary)
    if not (can_apply or can_apply_valid):
        await message.reply_text(
            text + "\n\n" + t(lang, "lists.cannot_apply"), parse_mode=ParseMode.HTML
        )
        return
    token = await service.save_upload(
        d.db,
        user_id=user_id,
        chat_id=message.chat_id,
        file_name=name,
        content=content,
        can_apply=can_apply,
        can_apply_valid=can_apply_valid,
        now=d.now(),
    )
    first = (
        InlineKeyboardButton(t(lang, "lists.btn_apply"), callback_data=_data(token, "a"))
        if can_apply
        else InlineKeyboardButton(t(lang, "lists.btn_apply_valid"), callback_data=_data(token, "v"))
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                first,
                InlineKeyboardButton(t(lang, "lists.btn_cancel"), callback_data=_data(token, "c")),
            ]
        ]
    )
    hint = t(lang, "lists.confirm_all" if can_apply else "lists.confirm_valid")
    sent = await message.reply_text(
        text + "\n\n" + hint, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )
    await service.set_upload_message(d.db, token, sent.message_id)


async def on_list_import_choice_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    parts = (query.data or "").split("|")
    if len(parts) != 3 or parts[2] not in ("a", "v", "c"):
        await query.answer(t(lang, "lists.stale"), show_alert=True)
        return
    token, verb = parts[1], parts[2]
    pending = await service.upload(d.db, token)
    if pending is None:
        await query.answer(t(lang, "lists.stale"), show_alert=True)
        return
    if pending.user_id != user.id:
        await query.answer(t(lang, "lists.foreign"), show_alert=True)
        return
    viewer = await views.viewer(d.db, user.id)
    if not is_admin(viewer.grants):
        await query.answer(t(lang, "lists.not_admin"), show_alert=True)
        return
    if verb == "c":
        if not await service.cancel_upload(d.db, token, user.id, d.now()):
            await query.answer(t(lang, "lists.stale"), show_alert=True)
            return
        await query.answer()
        await _close(query.message, t(lang, "lists.cancelled"))
        return
    if (verb == "a" and not pending.can_apply) or (verb == "v" and not pending.can_apply_valid):
        await query.answer(t(lang, "lists.stale"), show_alert=True)
        return
    if not await service.claim_upload(d.db, token, user.id, d.now()):
        await query.answer(t(lang, "lists.stale"), show_alert=True)
        return
    await query.answer()
    try:
        with tempfile.TemporaryDirectory(prefix="liaisonbot-list-") as tmp:
            path = Path(tmp) / pending.file_name
            path.write_bytes(pending.content)
            result = await import_enterprises(
                d.db,
                path,
                skip_invalid=verb == "v",
                now=d.now(),
                apply=True,
                actor_id=user.id,
                limits=d.settings.import_limits,
            )
    except BaseException:
        await service.finish_upload(d.db, token, "pending", d.now())  # press again
        raise
    if not result.applied:
        await service.finish_upload(d.db, token, "failed", d.now())
        text = escape(result.render(lang, max_items=15, max_chars=TEXT_LIMIT - 200))
        await _close(query.message, text + "\n\n" + t(lang, "lists.failed"))
        return
    await service.finish_upload(d.db, token, "applied", d.now(), result.import_id)
    await _close(
        query.message,
        escape(result.render(lang, max_items=15, max_chars=TEXT_LIMIT - 8)),
    )


async def _close(message: object, text: str) -> None:
    """Replace the report and its buttons with the outcome."""
    if isinstance(message, Message):
        await message.edit_text(text, parse_mode=ParseMode.HTML)
