"""Staff groups and open groups: a known enterprise contact in a staff group (joining, or found
there when it is bound) holds internal notes back until an admin confirms; in an open group
/show gives a member one line about their own report (docs/domain.md#staff-and-open-groups)."""

from __future__ import annotations

import logging
from html import escape

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from handlers.common import Deps, deps, language
from handlers.i18n import t
from handlers.refusals import domain_refusal
from liaisonbot.domain.errors import DomainError
from liaisonbot.domain.models import LiaisonGroup
from liaisonbot.domain.numbers import parse_chat_id, parse_id
from liaisonbot.read import admins
from liaisonbot.read import groups as group_views
from liaisonbot.read import reports as views
from liaisonbot.services import people

log = logging.getLogger(__name__)

MAX_LOOKUPS = 50  # getChatMember calls when a staff group is bound
CONFIRM_BUTTON = "gx"  # gx|<chat id>: an admin confirms the group as it is
_PRESENT = {
    ChatMemberStatus.MEMBER,
    ChatMemberStatus.ADMINISTRATOR,
    ChatMemberStatus.OWNER,
    ChatMemberStatus.RESTRICTED,
}


async def contact_seen(
    bot: Bot, d: Deps, group: LiaisonGroup, contact_id: int, name: str = ""
) -> None:
    """Hold internal notes in the group and warn its officers and the admins (once)."""
    if not await people.hold_group_notes(d.db, group.chat_id, contact_id, d.now()):
        return
    lang = d.settings.lang
    names = await views.user_names(d.db, {contact_id})
    text = t(
        lang,
        "group.contact_seen",
        group=escape(group.title or str(group.chat_id)),
        who=escape(name or names.get(contact_id, str(contact_id))),
    )
    admin_ids = set(await admins.admin_ids(d.db))
    officers = set(await group_views.officers_of(d.db, group)) - admin_ids
    button = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "group.contact_confirm"),
                    callback_data=f"{CONFIRM_BUTTON}|{group.chat_id}",
                )
            ]
        ]
    )
    for user_id in sorted(admin_ids | officers):
        try:
            await bot.send_message(
                user_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=button if user_id in admin_ids else None,
            )
        except TelegramError as exc:
            log.warning("warning about group %s not sent to %s: %s", group.chat_id, user_id, exc)


async def scan_group(bot: Bot, d: Deps, group: LiaisonGroup) -> None:
    """Look for the scope's contacts in a freshly bound staff group (at most MAX_LOOKUPS)."""
    if group.kind != "staff":
        return
    for user_id in await group_views.contacts_in_scope(d.db, group, MAX_LOOKUPS):
        try:
            member = await bot.get_chat_member(group.chat_id, user_id)
        except TelegramError:
            continue  # not in the group (or not visible): nothing to warn about
        if member.status in _PRESENT:
            await contact_seen(bot, d, group, user_id, member.user.full_name)
            return


async def on_members_joined(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or not message.new_chat_members:
        return
    d = deps(context)
    group = await group_views.group(d.db, message.chat.id)
    if group is None or group.kind != "staff":
        return
    for member in message.new_chat_members:
        if await group_views.is_contact(d.db, member.id):
            await contact_seen(context.bot, d, group, member.id, member.full_name)
            return


async def on_confirm_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    lang = await language(context, update.effective_user)
    _, _, raw = (query.data or "").partition("|")
    chat_id = parse_chat_id(raw)
    if chat_id is None:
        await query.answer(t(lang, "button.unknown"), show_alert=True)
        return
    d = deps(context)
    try:
        released = await people.release_group_notes(d.db, update.effective_user.id, chat_id)
    except DomainError as exc:
        await query.answer(domain_refusal(lang, exc, html=False), show_alert=True)
        return
    await query.answer(t(lang, "group.contact_confirmed" if released else "group.contact_not_held"))
    if released:
        await query.edit_message_text(t(lang, "group.contact_confirmed"))


async def show_in_open_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """`/show N` in an open group: one public line for the report's own contact, a refusal for
    anyone else (officers included: everyone there reads it). True when it was handled."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.chat.type == "private":
        return False
    d = deps(context)
    group = await group_views.group(d.db, message.chat.id)
    if group is None or group.kind != "open":
        return False
    lang = await language(context, user)
    number = parse_id(context.args[0].lstrip("#")) if context.args else None
    report = await views.report(d.db, number) if number is not None else None
    viewer = await views.viewer(d.db, user.id)
    if report is None or viewer.contact_enterprise_id != report.enterprise_id:
        await message.reply_text(t(lang, "group.open_show_refused"))
        return True
    await message.reply_text(
        t(
            lang,
            "group.open_show",
            number=report.id,
            state=report.state.label(lang),
        )
    )
    return True


OPEN_GROUP_COMMANDS = frozenset({"report", "show", "help", "start", "lang", "bindgroup"})


async def guard_open_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In an open group, every member reads every answer: only the commands whose answers
    anyone may see run there (/report's link, /show's one line, /help, /lang, an admin's
    /bindgroup); /queue, /enterprise, /export, /my… are refused with the rule."""
    message = update.effective_message
    if message is None or not message.text or not message.text.startswith("/"):
        return
    command = message.text.split()[0][1:].split("@")[0].lower()
    if command in OPEN_GROUP_COMMANDS:
        return
    d = deps(context)
    group = await group_views.group(d.db, message.chat.id)
    if group is None or group.kind != "open":
        return
    lang = await language(context, update.effective_user)
    await message.reply_text(t(lang, "group.open_command_refused"))
    raise ApplicationHandlerStop
