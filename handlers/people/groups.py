"""Groups and roles in chat: /bindgroup, /grant, /revoke (admins only, from the database);
group → supergroup migration; the bot removed from a group or blocked by a user."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.i18n import t
from handlers.refusals import code_refusal
from handlers.triage.cards import task_force_name
from liaisonbot.domain.access import is_admin
from liaisonbot.domain.codes import InvalidCode, region_name, validate_region_code
from liaisonbot.domain.models import LiaisonGroup, RoleGrant
from liaisonbot.domain.numbers import is_ascii_digits, parse_id
from liaisonbot.domain.vocabulary import Role
from liaisonbot.read import reports as views
from liaisonbot.services import people, triage

log = logging.getLogger(__name__)

ESCALATION_WORDS = ("escalation", "专班", "上报")


async def _admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The user's language if they are an admin; otherwise they are told and None returned."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    viewer = await views.viewer(deps(context).db, user.id)
    if not is_admin(viewer.grants):
        await message.reply_text(t(lang, "error.not_allowed"))
        return None
    return lang


def _region_text(lang: str, code: str) -> str:
    """'福建省福州市（3501）'; everywhere for no prefix; the bare code if the table lacks it."""
    if not code:
        return t(lang, "group.all_regions")
    name = region_name(code)
    return t(lang, "group.region", name=name, code=code) if name else code


def _chain_text(lang: str, chain: str) -> str:
    return chain or t(lang, "group.all_chains")


def _binding_text(lang: str, group: LiaisonGroup) -> str:
    if group.is_escalation:
        if group.region_prefix:
            level = task_force_name(group.region_prefix, lang)
            return t(lang, "group.binding_escalation_level", level=level)
        return t(lang, "group.binding_escalation")
    return t(
        lang,
        "group.binding",
        region=_region_text(lang, group.region_prefix),
        chain=_chain_text(lang, group.chain),
    )


def _same_binding(a: LiaisonGroup, b: LiaisonGroup) -> bool:
    return (a.is_escalation, a.region_prefix, a.chain) == (
        b.is_escalation,
        b.region_prefix,
        b.chain,
    )


async def bindgroup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/bindgroup REGION_CODE [CHAIN]` or `/bindgroup escalation [REGION_CODE]`, in the group. The
    region must be a GB/T 2260 code; rebinding a bound group says what it was before."""
    message = update.effective_message
    assert message is not None
    lang = await _admin(update, context)
    if lang is None:
        return
    if message.chat.type == ChatType.PRIVATE:
        await message.reply_text(t(lang, "group.bind_in_group"))
        return
    args = context.args or []
    d = deps(context)
    title = message.chat.title or ""
    if args and args[0].lower() in ESCALATION_WORDS and len(args) <= 2:
        # `/bindgroup escalation [REGION]`: the task force of a province, a city, or the nation
        try:
            scope = validate_region_code(args[1]) if len(args) == 2 else ""
        except InvalidCode as exc:
            await message.reply_text(code_refusal(lang, exc), parse_mode=ParseMode.HTML)
            return
        group = LiaisonGroup(
            chat_id=message.chat.id, title=title, region_prefix=scope, is_escalation=True
        )
    elif not args or not is_ascii_digits(args[0]) or len(args[0]) > 6 or len(args) > 2:
        await message.reply_text(t(lang, "group.bind_usage"))
        return
    else:
        try:
            region = validate_region_code(args[0])
        except InvalidCode as exc:
            await message.reply_text(code_refusal(lang, exc), parse_mode=ParseMode.HTML)
            return
        chain = args[1] if len(args) > 1 else ""
        group = LiaisonGroup(
            chat_id=message.chat.id, title=title, region_prefix=region, chain=chain
        )
    before = await views.group(d.db, message.chat.id)
    await people.bind_group(d.db, group, d.now(), by=message.from_user.id)  # type: ignore[union-attr]  # a command message always has a sender
    if before is not None and not _same_binding(before, group):
        text = t(
            lang,
            "group.rebound",
            before=_binding_text(lang, before),
            after=_binding_text(lang, group),
        )
    elif group.is_escalation and group.region_prefix:
        level = task_force_name(group.region_prefix, lang)
        text = t(lang, "group.bound_escalation_level", level=level)
    elif group.is_escalation:
        text = t(lang, "group.bound_escalation")
    else:
        text = t(
            lang,
            "group.bound",
            region=_region_text(lang, group.region_prefix),
            chain=_chain_text(lang, group.chain),
        )
    await message.reply_text(text)


async def _grant_args(
    update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str, *, check_region: bool
) -> RoleGrant | None:
    message = update.effective_message
    assert message is not None
    args = context.args or []
    role = Role.parse(args[0]) if args else None
    if role is None or len(args) < 2 or len(args) > 4:
        await message.reply_text(t(lang, "group.grant_usage"))
        return None
    who = args[1]
    user_id: int | None = parse_id(who)
    if user_id is None and who.startswith("@"):
        user_id = await views.user_id_by_username(deps(context).db, who[1:])
    region = args[2] if len(args) > 2 else ""
    if user_id is None or (region and not is_ascii_digits(region)):
        await message.reply_text(t(lang, "group.grant_usage"))
        return None
    if region and check_region:
        try:
            region = validate_region_code(region)
        except InvalidCode as exc:
            await message.reply_text(code_refusal(lang, exc), parse_mode=ParseMode.HTML)
            return None
    return RoleGrant(
        user_id=user_id,
        role=role,
        region_prefix=region,
        chain=args[3] if len(args) > 3 else "",
    )


async def _role_request(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, check_region: bool
) -> tuple[str, RoleGrant] | None:
    """An admin's /grant or /revoke arguments, with their language; None once refused. /revoke
    does not check the region against GB/T 2260, so a grant made before the check can go."""
    lang = await _admin(update, context)
    if lang is None:
        return None
    role_grant = await _grant_args(update, context, lang, check_region=check_region)
    if role_grant is None:
        return None
    return lang, role_grant


def _role_text(lang: str, key: str, role_grant: RoleGrant, user: str) -> str:
    return t(
        lang,
        key,
        user=user,
        role=role_grant.role.label(lang),
        region=_region_text(lang, role_grant.region_prefix),
        chain=_chain_text(lang, role_grant.chain),
    )


async def grant(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/grant ROLE USER_ID|@name [REGION] [CHAIN]`."""
    message = update.effective_message
    assert message is not None
    request = await _role_request(update, context, check_region=True)
    if request is None:
        return
    lang, role_grant = request
    d = deps(context)
    new = await people.grant_role(d.db, role_grant, d.now(), by=message.from_user.id)  # type: ignore[union-attr]  # a command message always has a sender
    names = await views.user_names(d.db, {role_grant.user_id})
    user = names.get(role_grant.user_id, str(role_grant.user_id))
    text = _role_text(lang, "group.granted" if new else "group.grant_exists", role_grant, user)
    if role_grant.user_id not in names:  # ids come from admins: allowed, but said
        text += "\n" + t(lang, "group.user_unseen")
    await message.reply_text(text)


async def revoke(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/revoke ROLE USER_ID|@name [REGION] [CHAIN]`."""
    message = update.effective_message
    assert message is not None
    request = await _role_request(update, context, check_region=False)
    if request is None:
        return
    lang, role_grant = request
    db = deps(context).db
    removed = await people.revoke_role(db, role_grant)
    names = await views.user_names(db, {role_grant.user_id})
    user = names.get(role_grant.user_id, str(role_grant.user_id))
    await message.reply_text(
        _role_text(lang, "group.revoked" if removed else "group.revoke_missing", role_grant, user)
    )


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Telegram sends both halves: migrate_to_chat_id in the old group, migrate_from_chat_id in
    the new supergroup. Either moves binding, reports and prompts; the second finds nothing."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    moved = await triage.move_chat(deps(context).db, old, new)
    log.info("group %s became supergroup %s; %d report(s) moved", old, new, moved)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Removed from a group, or blocked by a user: noted in the log and the database. Added to a
    group it is not bound to: it introduces itself and says how to bind the group."""
    member = update.my_chat_member
    if member is None:
        return
    d = deps(context)
    chat = member.chat
    status = member.new_chat_member.status
    gone = status in (ChatMember.LEFT, ChatMember.BANNED)
    if chat.type == ChatType.PRIVATE:
        if gone:
            log.warning("user %s blocked the bot", chat.id)
            await triage.user_blocked(d.db, chat.id, d.now())
        else:
            log.info("user %s unblocked the bot", chat.id)
        return
    if gone:
        bound = await triage.set_group_active(d.db, chat.id, False)
        log.warning(
            "the bot was removed from group %s (%s)%s",
            chat.id,
            chat.title,
            "; its binding is suspended" if bound else "",
        )
    elif status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR):
        if await triage.set_group_active(d.db, chat.id, True):
            log.info("the bot is back in bound group %s (%s)", chat.id, chat.title)
        elif member.old_chat_member.status in (ChatMember.LEFT, ChatMember.BANNED):
            await _introduce_myself(context, chat.id, member.from_user)


async def _introduce_myself(context: ContextTypes.DEFAULT_TYPE, chat_id: int, adder) -> None:
    """Added to a group not yet bound: who the bot is and how an admin binds the group."""
    lang = await language(context, adder)
    await context.bot.send_message(
        chat_id, t(lang, "group.introduction"), parse_mode=ParseMode.HTML
    )
