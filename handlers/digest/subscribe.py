"""`/subscribe` and its buttons: choose a region and chains, then subscribe the chat.

`/subscribe` with arguments (`/subscribe 4403 汽车 07:45`) subscribes at once; without a region or
chain it asks with buttons: the region (the official's granted scopes and the divisions within
them that have enterprises), then the chains (toggled; none means all). The buttons carry only the
choices made so far (`ds|<region>|<chain mask>|<time and options>|<step>`); who may subscribe to
what is decided from the roles in the database when "Done" is pressed. In an escalation group an
official subscribes the group itself. `/unsubscribe`'s buttons share the prefix; their presses
are passed on to `unsubscribe`.
"""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.digest import render as digest_render
from handlers.digest.callback_data import (
    KEEP_STEP,
    UNSUBSCRIBE_STEP,
    _data,
    _opts,
    _parse,
    _unpack_opts,
)
from handlers.digest.choices import (
    _allowed_chains,
    _chain_choices,
    _digest_grants,
    _region_choices,
    _region_label,
)
from handlers.digest.unsubscribe import _unsubscribe_button
from handlers.i18n import t
from handlers.refusals import code_refusal, domain_refusal
from liaisonbot.domain.codes import InvalidCode, validate_region_code
from liaisonbot.domain.errors import DomainError
from liaisonbot.domain.models import RoleGrant
from liaisonbot.read import reports as views
from liaisonbot.read.digest.scope import DigestScope
from liaisonbot.services import subscriptions
from liaisonbot.services.subscriptions import Subscription
from liaisonbot.store import Database

SKIP_EMPTY_WORDS = {"skip-empty", "skipempty", "无内容不发", "跳过空日"}
SKIP_HOLIDAY_WORDS = {"skip-holidays", "skipholidays", "节假日不发", "跳过节假日"}
BEIJING_ZONES = {"Asia/Shanghai"}


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
        await query.answer(t(lang, "unsubscribe.gone"), show_alert=True)
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
