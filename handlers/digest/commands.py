"""`/subscribe`, `/unsubscribe`, `/subscriptions` and `/digest`.

`/subscribe` with arguments (`/subscribe 4403 汽车 07:45`) subscribes at once; without a region or
chain it asks with buttons: the region (the official's granted scopes and the divisions within
them that have enterprises), then the chains (toggled; none means all). The buttons carry only the
choices made so far (`ds|<region>|<chain mask>|<time and options>|<step>`); who may subscribe to
what is decided from the roles in the database when "Done" is pressed. In an escalation group an
official subscribes the group itself.
"""

from __future__ import annotations

import io
import logging

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.digest import render as digest_render
from handlers.i18n import t
from handlers.refusals import code_refusal, domain_refusal
from liaisonbot.domain.codes import InvalidCode, region_name, validate_region_code
from liaisonbot.domain.errors import DomainError
from liaisonbot.domain.models import RoleGrant
from liaisonbot.domain.numbers import is_ascii_digits, parse_id
from liaisonbot.domain.vocabulary import Role
from liaisonbot.files.ledger import ledger_filename, ledger_xlsx
from liaisonbot.read import reports as views
from liaisonbot.read.digest.scope import DigestScope
from liaisonbot.services import digest_delivery as delivery
from liaisonbot.services import subscriptions
from liaisonbot.services.subscriptions import Subscription
from liaisonbot.store import Database

PREFIX = "ds"
MAX_REGION_BUTTONS = 24
MAX_CHAINS = 24  # the chain mask is a 24-bit number
SKIP_EMPTY_WORDS = {"skip-empty", "skipempty", "无内容不发", "跳过空日"}
SKIP_HOLIDAY_WORDS = {"skip-holidays", "skipholidays", "节假日不发", "跳过节假日"}
BEIJING_ZONES = {"Asia/Shanghai"}
# /unsubscribe's buttons ride on the same callback prefix: ds|-|0|<subscription id or "all">|u
UNSUBSCRIBE_STEP, KEEP_STEP, ALL = "u", "k", "all"


def _data(region: str, mask: int, opts: str, step: str) -> str:
    data = f"{PREFIX}|{region or '-'}|{mask:x}|{opts}|{step}"
    assert len(data.encode()) <= 64, data
    return data


log = logging.getLogger(__name__)


def _parse(data: str) -> tuple[str, int, str, str] | None:
    parts = data.split("|")
    if len(parts) != 5 or parts[0] != PREFIX:
        return None
    region = "" if parts[1] == "-" else parts[1]
    if region and (not is_ascii_digits(region) or len(region) > 6):
        return None
    if not (parts[2].isascii() and 0 < len(parts[2]) <= 4):
        return None
    try:
        mask = int(parts[2], 16)
    except ValueError:
        return None
    return region, mask, parts[3], parts[4]


def _opts(at_time: str, skip_empty: bool, skip_non_working: bool) -> str:
    return (
        at_time.replace(":", "") + ("e" if skip_empty else "") + ("h" if skip_non_working else "")
    )


def _unpack_opts(opts: str, default_time: str) -> tuple[str, bool, bool]:
    digits = opts[:4]
    at_time = (
        f"{digits[:2]}:{digits[2:]}"
        if len(digits) == 4 and is_ascii_digits(digits)
        else default_time
    )
    return at_time, "e" in opts[4:], "h" in opts[4:]


async def _digest_grants(db: Database, user_id: int) -> list[RoleGrant]:
    """The user's grants that entitle them to a digest (none: not an official)."""
    return subscriptions.digest_grants(list((await views.viewer(db, user_id)).grants))


def _region_label(prefix: str, lang: str) -> str:
    return (region_name(prefix) or prefix) if prefix else t(lang, "digest.scope_all")


async def _region_choices(db: Database, grants: list[RoleGrant]) -> list[str]:
    """The granted prefixes, then the divisions one level below them that have enterprises."""
    prefixes: list[str] = []
    for scope in subscriptions.scopes_of(grants):
        if scope.region_prefix not in prefixes:
            prefixes.append(scope.region_prefix)
    children: list[str] = []
    for prefix in list(prefixes):
        if len(prefix) >= 6:
            continue
        width = {0: 2, 2: 4, 4: 6}[len(prefix)]
        codes = await views.region_codes_under(db, prefix, width, MAX_REGION_BUTTONS)
        children += [code for code in codes if code not in prefixes]
    return (prefixes + children)[:MAX_REGION_BUTTONS]


def _allowed_chains(grants: list[RoleGrant], region: str) -> set[str] | None:
    """The chains a grant covering `region` allows: None for all of them."""
    covering = [g for g in grants if g.role is Role.ADMIN or region.startswith(g.region_prefix)]
    if any(g.role is Role.ADMIN or not g.chain for g in covering):
        return None
    return {g.chain for g in covering}


async def _chain_choices(db: Database, grants: list[RoleGrant], region: str) -> list[str]:
    allowed = _allowed_chains(grants, region)
    if allowed is not None:
        return sorted(allowed)[:MAX_CHAINS]
    return await views.chains_in_region(db, region, MAX_CHAINS)


def _refusal(lang: str, exc: DomainError) -> str:
    key = {
        subscriptions.NotOfficial.code: "digest.not_official",
        subscriptions.OutOfScope.code: "digest.out_of_scope",
        subscriptions.NotEscalationGroup.code: "digest.not_escalation_group",
        subscriptions.BadTime.code: "digest.bad_time",
    }.get(exc.code)
    if key is None:
        return domain_refusal(lang, exc)
    return t(lang, key)


def zone_text(lang: str, zone: str) -> str:
    """北京时间 for China's zone, else the zone's name."""
    return t(lang, "digest.zone_beijing") if zone in BEIJING_ZONES else zone


def _scopes_text(subs: list[Subscription], lang: str) -> str:
    return t(lang, "text.list_sep").join(digest_render.scope_text(s.scope, lang) for s in subs)


async def _done_text(db: Database, sub: Subscription, lang: str, zone: str) -> str:
    """The confirmation, saying when the chat's other subscriptions overlap this one."""
    lines = [
        t(
            lang,
            "subscribe.done",
            scope=digest_render.scope_text(sub.scope, lang),
            time=sub.at_time,
            zone=zone_text(lang, zone),
        )
    ]
    wider, narrower = subscriptions.overlapping(await subscriptions.for_chat(db, sub.chat_id), sub)
    if wider:
        lines.append(t(lang, "subscribe.overlap_within", scopes=_scopes_text(wider, lang)))
    if narrower:
        lines.append(t(lang, "subscribe.overlap_contains", scopes=_scopes_text(narrower, lang)))
    return "\n".join(lines)


async def subscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and user is not None and chat is not None
    lang = await language(context, user)
    d = deps(context)
    grants = await _digest_grants(d.db, user.id)
    if not grants:
        await message.reply_text(t(lang, "digest.not_official"))
        return
    if chat.id < 0:
        group = await views.group(d.db, chat.id)
        if group is None or not group.is_escalation:
            await message.reply_text(t(lang, "digest.not_escalation_group"))
            return
    region: str | None = None
    chains: list[str] = []
    at_time = d.settings.digest_time
    skip_empty = skip_non_working = False
    for token in context.args or []:
        if token.lower() in SKIP_EMPTY_WORDS:
            skip_empty = True
        elif token.lower() in SKIP_HOLIDAY_WORDS:
            skip_non_working = True
        elif token.isdigit():  # validate_region_code refuses all but ASCII digits
            try:
                region = validate_region_code(token)
            except InvalidCode as exc:
                await message.reply_text(code_refusal(lang, exc), parse_mode=ParseMode.HTML)
                return
        elif subscriptions.looks_like_time(token):  # 7:30, 7点半…: a time, never a chain
            at_time = token
        else:
            chains.append(token)
    try:
        at_time = subscriptions.parse_time(at_time)
    except DomainError as exc:
        await message.reply_text(_refusal(lang, exc), parse_mode=ParseMode.HTML)
        return
    if region is not None or chains:
        await _subscribe(
            update,
            context,
            lang,
            DigestScope(region or "", tuple(chains)),
            at_time,
            skip_empty,
            skip_non_working,
        )
        return
    opts = _opts(at_time, skip_empty, skip_non_working)
    await message.reply_text(
        t(lang, "subscribe.choose_region"),
        reply_markup=await _region_keyboard(d.db, grants, opts, lang),
    )


async def _region_keyboard(
    db: Database, grants: list[RoleGrant], opts: str, lang: str
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(_region_label(code, lang), callback_data=_data(code, 0, opts, "r"))
        for code in await _region_choices(db, grants)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [InlineKeyboardButton(t(lang, "button.cancel"), callback_data=_data("", 0, opts, "x"))]
    )
    return InlineKeyboardMarkup(rows)


def _chain_keyboard(
    region: str, chains: list[str], mask: int, opts: str, lang: str
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            ("✅ " if mask >> i & 1 else "") + name,
            callback_data=_data(region, mask ^ (1 << i), opts, "c"),
        )
        for i, name in enumerate(chains)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            InlineKeyboardButton(
                t(lang, "button.digest_done"), callback_data=_data(region, mask, opts, "ok")
            ),
            InlineKeyboardButton(
                t(lang, "button.cancel"), callback_data=_data(region, 0, opts, "x")
            ),
        ]
    )
    return InlineKeyboardMarkup(rows)


async def on_subscription_button_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> None:
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    assert query is not None and user is not None and chat is not None
    parsed = _parse(query.data or "")
    lang = await language(context, user)
    d = deps(context)
    if parsed is None:
        await query.answer()
        return
    region, mask, opts, step = parsed
    grants = await _digest_grants(d.db, user.id)
    if step in (UNSUBSCRIBE_STEP, KEEP_STEP) and (chat.id > 0 or grants):
        await _unsubscribe_button(update, context, lang, opts, step)
        return
    if not grants:
        await query.answer(t(lang, "digest.not_official"), show_alert=True)
        return
    if step == "x":
        await query.answer()
        await query.edit_message_text(t(lang, "subscribe.cancelled"))
        return
    chains = await _chain_choices(d.db, grants, region)
    allowed = _allowed_chains(grants, region)
    if step in ("r", "c") and not (allowed is not None and len(allowed) == 1):
        await query.answer()
        await query.edit_message_text(
            t(lang, "subscribe.choose_chains", region=_region_label(region, lang)),
            reply_markup=_chain_keyboard(region, chains, mask, opts, lang),
        )
        return
    if allowed is not None and len(allowed) == 1:
        chosen = tuple(allowed)
    else:
        chosen = tuple(name for i, name in enumerate(chains) if mask >> i & 1)
    at_time, skip_empty, skip_non_working = _unpack_opts(opts, d.settings.digest_time)
    await query.answer()
    await _subscribe(
        update,
        context,
        lang,
        DigestScope(region, chosen),
        at_time,
        skip_empty,
        skip_non_working,
        edit=True,
    )


async def _subscribe(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    lang: str,
    scope: DigestScope,
    at_time: str,
    skip_empty: bool,
    skip_non_working: bool,
    *,
    edit: bool = False,
) -> None:
    from handlers.digest.jobs import ensure_daily_job

    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    d = deps(context)
    try:
        await subscriptions.check_chains(d.db, scope.chains, tuple(d.settings.chains))
        sub = await subscriptions.subscribe(
            d.db,
            chat_id=chat.id,
            owner_id=user.id,
            scope=scope,
            now=d.now(),
            at_time=at_time,
            skip_empty=skip_empty,
            skip_non_working=skip_non_working,
        )
    except DomainError as exc:
        text = _refusal(lang, exc)
    else:
        ensure_daily_job(context.application, sub.at_time)
        text = await _done_text(d.db, sub, lang, d.settings.tz)
    if edit and update.callback_query is not None:
        await update.callback_query.edit_message_text(text, parse_mode=ParseMode.HTML)
    else:
        assert update.effective_message is not None
        await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)


async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and user is not None and chat is not None
    lang = await language(context, user)
    d = deps(context)
    grants = await _digest_grants(d.db, user.id)
    if chat.id < 0 and not grants:
        await message.reply_text(t(lang, "digest.not_official"))
        return
    subs = await subscriptions.for_chat(d.db, chat.id)
    if not subs:
        await message.reply_text(t(lang, "unsubscribe.none"))
        return
    subs = [s for s in subs if subscriptions.may_stop(grants, user.id, s)]
    if not subs:  # the group's digests belong to officials of another scope
        await message.reply_text(t(lang, "unsubscribe.not_yours"))
        return
    if len(subs) > 1:
        await message.reply_text(
            t(lang, "unsubscribe.choose", count=len(subs)),
            reply_markup=_unsubscribe_keyboard(subs, lang),
        )
        return
    count = await subscriptions.unsubscribe(d.db, chat.id, d.now(), subs[0].id)
    await message.reply_text(
        t(lang, "unsubscribe.one", scope=digest_render.scope_text(subs[0].scope, lang))
        if count
        else t(lang, "unsubscribe.none"),
        parse_mode=ParseMode.HTML,
    )


def _unsubscribe_keyboard(subs: list[Subscription], lang: str) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                t(
                    lang,
                    "button.unsubscribe_one",
                    scope=digest_render.scope_label(sub.scope, lang),
                    time=sub.at_time,
                ),
                callback_data=_data("", 0, str(sub.id), UNSUBSCRIBE_STEP),
            )
        ]
        for sub in subs
    ]
    rows.append(
        [
            InlineKeyboardButton(
                t(lang, "button.unsubscribe_all"),
                callback_data=_data("", 0, ALL, UNSUBSCRIBE_STEP),
            ),
            InlineKeyboardButton(
                t(lang, "button.unsubscribe_keep"), callback_data=_data("", 0, "", KEEP_STEP)
            ),
        ]
    )
    return InlineKeyboardMarkup(rows)


async def _unsubscribe_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str, which: str, step: str
) -> None:
    """A press on /unsubscribe's buttons. Only the chat's own subscriptions can be stopped (the
    id in the button is looked up within the chat where it was pressed), and only by someone who
    may stop them (`subscriptions.may_stop`)."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and user is not None
    d = deps(context)
    if step == KEEP_STEP:
        await query.answer()
        await query.edit_message_text(t(lang, "unsubscribe.kept"))
        return
    grants = await _digest_grants(d.db, user.id)
    if which == ALL:
        mine = [
            sub
            for sub in await subscriptions.for_chat(d.db, chat.id)
            if subscriptions.may_stop(grants, user.id, sub)
        ]
        await query.answer()
        count = 0
        for sub in mine:
            count += await subscriptions.unsubscribe(d.db, chat.id, d.now(), sub.id)
        text = t(lang, "unsubscribe.done", count=count) if count else t(lang, "unsubscribe.none")
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
        return
    sub_id = parse_id(which)
    found = await subscriptions.get(d.db, sub_id) if sub_id else None
    sub = found if found is not None and found.chat_id == chat.id else None
    if sub is not None and not subscriptions.may_stop(grants, user.id, sub):
        log.warning("user %s pressed unsubscribe on subscription %s, not theirs", user.id, sub.id)
        await query.answer(t(lang, "unsubscribe.not_yours"), show_alert=True)
        return
    await query.answer()
    if sub is None or not await subscriptions.unsubscribe(d.db, chat.id, d.now(), sub.id):
        text = t(lang, "unsubscribe.gone")
    else:
        text = t(lang, "unsubscribe.one", scope=digest_render.scope_text(sub.scope, lang))
        left = len(await subscriptions.for_chat(d.db, chat.id))
        if left:
            text += "\n" + t(lang, "unsubscribe.remaining", count=left)
    await query.edit_message_text(text, parse_mode=ParseMode.HTML)


async def subscriptions_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and user is not None and chat is not None
    lang = await language(context, user)
    d = deps(context)
    subs = await subscriptions.for_chat(d.db, chat.id)
    if not subs:
        await message.reply_text(t(lang, "subscriptions.none"))
        return
    lines = [t(lang, "subscriptions.head")]
    for i, sub in enumerate(subs, start=1):
        options = (t(lang, "subscriptions.skip_empty") if sub.skip_empty else "") + (
            t(lang, "subscriptions.skip_non_working") if sub.skip_non_working else ""
        )
        lines.append(
            t(
                lang,
                "subscriptions.item",
                index=i,
                scope=digest_render.scope_text(sub.scope, lang),
                time=sub.at_time,
                options=options,
            )
        )
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)


async def digest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Today's digest now, for the chat's subscriptions or else the caller's granted scope. It is
    not logged as a delivery: the scheduled digest still goes."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and user is not None and chat is not None
    lang = await language(context, user)
    d = deps(context)
    grants = await _digest_grants(d.db, user.id)
    if not grants:
        await message.reply_text(t(lang, "digest.not_official"))
        return
    now = d.now()
    zone = d.settings.zone
    day = now.astimezone(zone).date()
    subs = [
        s
        for s in await subscriptions.for_chat(d.db, chat.id)
        if any(s.scope.within(g) for g in grants)
    ]
    if not subs:
        scopes = subscriptions.scopes_of(grants)
        subs = [Subscription(id=0, chat_id=chat.id, owner_id=user.id, scope=scopes[0])]
    cache = delivery.DigestCache(d.db, now, zone)
    for sub in subs[:3]:
        digest = await cache.get(sub.scope, delivery.period_for(sub, day, zone))
        text = digest_render.render_digest(digest, lang, zone, context.bot.username)
        await message.reply_text(
            text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
        if not digest.empty:
            data = await ledger_xlsx(d.db, digest, zone)
            await message.reply_document(
                InputFile(io.BytesIO(data), filename=ledger_filename(digest)),
                caption=digest_render.caption(digest, lang, zone),
            )
