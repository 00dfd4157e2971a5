"""An admin sends a policy library in the private chat: a .yaml file, or an .xlsx / .csv whose
name or caption says 政策 / policy (an enterprise list otherwise). It is checked as
`liaisonbot import policies --dry-run` does and kept (the `list_uploads` table) until the admin
presses 导入 or 取消; with any problem, nothing is offered. Button data: `pl|i|<token>` /
`pl|x|<token>`."""

from __future__ import annotations

import tempfile
from html import escape
from pathlib import Path

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes, filters

from handlers.common import deps, language
from handlers.i18n import t
from handlers.policies.render import button
from handlers.reporting import dialog as report_dialog
from liaisonbot.domain.access import is_admin
from liaisonbot.read import reports as views
from liaisonbot.services import drafts
from liaisonbot.services import enterprises as uploads
from liaisonbot.services.policy_import import import_policies

MAX_DOWNLOAD = 20 * 1024 * 1024


def looks_like_policies(message: Message) -> bool:
    document = message.document
    if document is None:
        return False
    name = (document.file_name or "").lower()
    caption = (message.caption or "").lower()
    if name.endswith((".yaml", ".yml")):
        return True
    table = name.endswith((".xlsx", ".xlsm", ".csv", ".tsv"))
    return table and any(w in name or w in caption for w in ("政策", "policy", "policies"))


class PolicyFile(filters.MessageFilter):
    def filter(self, message: Message) -> bool:
        return looks_like_policies(message)


POLICY_FILE = PolicyFile(name="PolicyFile")


async def on_policy_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None and message.document is not None
    lang = await language(context, user)
    d = deps(context)
    draft = await drafts.get(d.db, user.id)
    if draft is not None and draft.step == "attachments":  # an attachment of a report
        await report_dialog.on_file(update, context)
        return
    if not is_admin((await views.viewer(d.db, user.id)).grants):
        await message.reply_text(t(lang, "policy.upload_not_admin"))
        return
    document = message.document
    name = Path((document.file_name or "policies.yaml").replace("\\", "/")).name[:120]
    if (document.file_size or 0) > MAX_DOWNLOAD:
        await message.reply_text(t(lang, "policy.upload_failed"))
        return
    try:
        file = await context.bot.get_file(document.file_id)
        content = bytes(await file.download_as_bytearray())
    except (TelegramError, RuntimeError):
        await message.reply_text(t(lang, "policy.upload_failed"))
        return
    result = await _run(d, name, content, apply=False)
    text = escape(result.render(lang))
    if not result.ok:
        await message.reply_text(
            text + "\n\n" + t(lang, "policy.upload_fix"), parse_mode=ParseMode.HTML
        )
        return
    token = await uploads.save_upload(
        d.db,
        user_id=user.id,
        chat_id=message.chat_id,
        file_name=name,
        content=content,
        can_apply=True,
        can_apply_valid=False,
        now=d.now(),
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                button(t(lang, "policy.btn_import"), "i", token),
                button(t(lang, "policy.btn_cancel"), "x", token),
            ]
        ]
    )
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)


async def _run(d, name: str, content: bytes, *, apply: bool):
    with tempfile.TemporaryDirectory(prefix="liaisonbot-policies-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        return await import_policies(
            d.db, path, now=d.now(), apply=apply, limits=d.settings.import_limits
        )


async def on_import_choice_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    parts = (query.data or "").split("|")
    pending = await uploads.upload(d.db, parts[2]) if len(parts) == 3 else None
    if pending is None:
        await query.answer(t(lang, "policy.refused_gone"), show_alert=True)
        return
    if pending.user_id != user.id or not is_admin((await views.viewer(d.db, user.id)).grants):
        await query.answer(t(lang, "policy.refused_not_yours"), show_alert=True)
        return
    if parts[1] == "x":
        if await uploads.cancel_upload(d.db, pending.token, user.id, d.now()):
            await query.answer()
            await query.edit_message_text(t(lang, "policy.upload_cancelled"))
        else:
            await query.answer(t(lang, "policy.refused_gone"), show_alert=True)
        return
    if not await uploads.claim_upload(d.db, pending.token, user.id, d.now()):
        await query.answer(t(lang, "policy.refused_gone"), show_alert=True)
        return
    await query.answer()
    try:
        result = await _run(d, pending.file_name, pending.content, apply=True)
    except BaseException:
        await uploads.finish_upload(d.db, pending.token, "pending", d.now())
        raise
    await uploads.finish_upload(
        d.db, pending.token, "applied" if result.applied else "failed", d.now()
    )
    await query.edit_message_text(escape(result.render(lang)), parse_mode=ParseMode.HTML)
