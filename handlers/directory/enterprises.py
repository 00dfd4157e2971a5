"""`/enterprise`, `/chain`, `/assign` and `/blockedby`: enterprises and the industry chain.

Who sees what: officers and officials see the enterprises their grants cover, admins all of them,
a contact only their own (and no `/chain`: contacts never see other enterprises' reports).
Several matches for a name answer with a short list and a button per enterprise
(`en|<verb>|<enterprise id>`); the press is authorised again from the database.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.checkins import render as checkin_render
from handlers.common import deps, language
from handlers.directory import render
from handlers.i18n import t
from handlers.refusals import domain_refusal
from handlers.rendering import fit
from handlers.triage.changes import after_change
from liaisonbot.domain.access import can_view_enterprise, covers, is_admin
from liaisonbot.domain.codes import region_name
from liaisonbot.domain.errors import DomainError
from liaisonbot.domain.models import Enterprise
from liaisonbot.domain.numbers import parse_id
from liaisonbot.domain.vocabulary import Role
from liaisonbot.read import checkins as checkin_views
from liaisonbot.read import enterprises as enterprise_views
from liaisonbot.read import reports as views
from liaisonbot.read.reports import Viewer
from liaisonbot.services import enterprises as service
from liaisonbot.store import Database

PREFIX = "en"
MAX_CHOICES = 8


def _data(verb: str, enterprise_id: int) -> str:
    data = f"{PREFIX}|{verb}|{enterprise_id}"
    assert len(data.encode()) <= 64, data
    return data


def _internal(viewer: Viewer, enterprise: Enterprise) -> bool:
    """Officers, officials and admins covering it see everything; its contact their own view."""
    return covers(viewer.grants, enterprise, Role.OFFICER, Role.OFFICIAL)


def _visible(viewer: Viewer, found: list[Enterprise]) -> list[Enterprise]:
    return [e for e in found if can_view_enterprise(viewer.grants, viewer.contact_enterprise_id, e)]


async def _find_one(
    message: Message,
    context: ContextTypes.DEFAULT_TYPE,
    viewer: Viewer,
    query: str,
    lang: str,
    verb: str,
) -> Enterprise | None:
    """The one enterprise the viewer may see that `query` names; otherwise answer with the
    reason (nothing found, or a list to pick from) and return None."""
    d = deps(context)
    found = _visible(viewer, await service.find_enterprises(d.db, query))
    if not found:
        await message.reply_text(
            t(lang, "ent.not_found", query=escape(query)), parse_mode=ParseMode.HTML
        )
        return None
    if len(found) == 1:
        return found[0]
    shown = found[:MAX_CHOICES]
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(f"{i}. {e.name}"[:60], callback_data=_data(verb, e.id or 0))]
            for i, e in enumerate(shown, start=1)
        ]
    )
    await message.reply_text(
        render.enterprise_choices(
            found,
            lang,
            shown=MAX_CHOICES,
            head=t(lang, "ent.choose", count=len(found)),
        ),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
    )
    return None


async def _show_enterprise(
    message: Message, context: ContextTypes.DEFAULT_TYPE, viewer: Viewer, e: Enterprise, lang: str
) -> None:
    d = deps(context)
    e = (await _with_checkin_status(d.db, [e], lang))[0]
    assert e.id is not None
    detail = await enterprise_views.detail(d.db, e)
    card = render.enterprise_card(detail, lang, d.settings.zone, internal=_internal(viewer, e))
    history = checkin_render.history_lines(await checkin_views.history(d.db, e.id, 5), lang)
    await message.reply_text(fit("\n".join([card, *history]), lang), parse_mode=ParseMode.HTML)


async def _show_chain(
    message: Message, context: ContextTypes.DEFAULT_TYPE, viewer: Viewer, e: Enterprise, lang: str
) -> None:
    assert e.id is not None
    suppliers = await enterprise_views.chain(deps(context).db, e.id)
    visible = [s for s in suppliers if _internal(viewer, s.enterprise)]
    updated = await _with_checkin_status(deps(context).db, [s.enterprise for s in visible], lang)
    visible = [replace(s, enterprise=u) for s, u in zip(visible, updated, strict=True)]
    await message.reply_text(
        render.chain_view(e, visible, len(suppliers) - len(visible), lang),
        parse_mode=ParseMode.HTML,
    )


async def _with_checkin_status(
    db: Database, found: list[Enterprise], lang: str
) -> list[Enterprise]:
    """The enterprises with their latest check-in as 复工状态 (status, capacity and round)."""
    latest = await checkin_views.latest_answers(db, [e.id for e in found if e.id is not None])
    out = []
    for e in found:
        if e.id in latest:
            day, answer = latest[e.id]
            text = f"{checkin_render.status_label(answer, lang)}（{day:%m-%d}）"
            e = e.model_copy(update={"resumption_status": text})
        out.append(e)
    return out


def _staff(viewer: Viewer) -> bool:
    return any(g.role in (Role.OFFICER, Role.OFFICIAL, Role.ADMIN) for g in viewer.grants)


async def enterprise_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    viewer = await views.viewer(d.db, user.id)
    query = " ".join(context.args or ())
    if not query:
        if viewer.contact_enterprise_id is not None and not _staff(viewer):
            own = await views.enterprise(d.db, viewer.contact_enterprise_id)
            if own is not None:
                await _show_enterprise(message, context, viewer, own, lang)
                return
        await message.reply_text(t(lang, "ent.usage"))
        return
    if not _staff(viewer) and viewer.contact_enterprise_id is None:
        await message.reply_text(t(lang, "error.not_allowed"))
        return
    found = await _find_one(message, context, viewer, query, lang, "e")
    if found is not None:
        await _show_enterprise(message, context, viewer, found, lang)


async def chain_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    viewer = await views.viewer(d.db, user.id)
    if not _staff(viewer):
        await message.reply_text(t(lang, "error.not_allowed"))
        return
    query = " ".join(context.args or ())
    if not query:
        await message.reply_text(t(lang, "chain.usage"))
        return
    found = await _find_one(message, context, viewer, query, lang, "c")
    if found is not None:
        await _show_chain(message, context, viewer, found, lang)


async def on_enterprise_picked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A pick from the list of matches: `en|e|<id>` shows the enterprise, `en|c|<id>` its chain."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    parts = (query.data or "").split("|")
    message = query.message if isinstance(query.message, Message) else None
    picked = parse_id(parts[2]) if len(parts) == 3 else None
    if picked is None or parts[1] not in ("e", "c") or not message:
        await query.answer(t(lang, "lists.stale"), show_alert=True)
        return
    viewer = await views.viewer(d.db, user.id)
    enterprise = await views.enterprise(d.db, picked)
    allowed = enterprise is not None and (
        _internal(viewer, enterprise)
        if parts[1] == "c"
        else can_view_enterprise(viewer.grants, viewer.contact_enterprise_id, enterprise)
    )
    if enterprise is None or not allowed:
        await query.answer(t(lang, "error.not_allowed"), show_alert=True)
        return
    await query.answer()
    if parts[1] == "c":
        await _show_chain(message, context, viewer, enterprise, lang)
    else:
        await _show_enterprise(message, context, viewer, enterprise, lang)


async def _one_for_command(
    message: Message, context: ContextTypes.DEFAULT_TYPE, query: str, lang: str, viewer: Viewer
) -> Enterprise | None:
    """For /assign and /blockedby: one enterprise or an answer listing the credit codes."""
    d = deps(context)
    # Not narrowed to the viewer's scope: the enterprise holding a report up is often a
    # supplier in another region.
    found = await service.find_enterprises(d.db, query)
    if not found:
        await message.reply_text(
            t(lang, "ent.not_found", query=escape(query)), parse_mode=ParseMode.HTML
        )
        return None
    if len(found) > 1:
        await message.reply_text(
            render.enterprise_choices(
                found,
                lang,
                shown=MAX_CHOICES,
                head=t(lang, "ent.ambiguous", query=escape(query)),
            ),
            parse_mode=ParseMode.HTML,
        )
        return None
    return found[0]


async def assign_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/assign ENTERPRISE OFFICER` (admins): the enterprise's one-to-one liaison officer."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    viewer = await views.viewer(d.db, user.id)
    if not is_admin(viewer.grants):
        await message.reply_text(t(lang, "error.not_allowed"))
        return
    args = list(context.args or ())
    if len(args) < 2:
        await message.reply_text(t(lang, "assign.usage"))
        return
    try:
        officer_id = await service.resolve_person(d.db, args[-1])
    except DomainError as exc:
        await message.reply_text(domain_refusal(lang, exc), parse_mode=ParseMode.HTML)
        return
    enterprise = await _one_for_command(message, context, " ".join(args[:-1]), lang, viewer)
    if enterprise is None:
        return
    assert enterprise.id is not None
    try:
        done = await service.assign_officer(d.db, user.id, enterprise.id, officer_id, d.now())
    except DomainError as exc:
        await message.reply_text(domain_refusal(lang, exc), parse_mode=ParseMode.HTML)
        return
    officer = escape(await enterprise_views.person_name(d.db, officer_id) or str(officer_id))
    name = escape(enterprise.name)
    key = "assign.unchanged" if done.previous_id == officer_id else "assign.done"
    lines = [t(lang, key, officer=officer, enterprise=name)]
    if done.granted:
        lines.append(
            t(
                lang,
                "assign.granted",
                region=escape(region_name(enterprise.region_code) or "")
                + f" {enterprise.region_code}",
                chain=escape(enterprise.chain or t(lang, "export.scope_all")),
            )
        )
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)


async def blockedby_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/blockedby REPORT_NUMBER ENTERPRISE` (officers covering the report): name the enterprise
    that holds the report up; `-` clears it."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    args = list(context.args or ())
    number = parse_id(args[0].lstrip("#")) if args else None
    if len(args) < 2 or number is None:
        await message.reply_text(t(lang, "blockedby.usage"))
        return
    viewer = await views.viewer(d.db, user.id)
    report = await views.report(d.db, number)
    own = await views.enterprise(d.db, report.enterprise_id) if report else None
    if own is None or not covers(viewer.grants, own, Role.OFFICER):
        await message.reply_text(t(lang, "error.report_not_found", number=number))
        return
    query = " ".join(args[1:])
    blocking_id: int | None = None
    if query not in ("-", "无", "none", "clear"):
        blocking = await _one_for_command(message, context, query, lang, viewer)
        if blocking is None:
            return
        blocking_id = blocking.id
    try:
        done = await service.set_blocked_by(d.db, user.id, number, blocking_id, d.now())
    except DomainError as exc:
        await message.reply_text(domain_refusal(lang, exc), parse_mode=ParseMode.HTML)
        return
    if done.blocked_by is None:
        await message.reply_text(t(lang, "blockedby.cleared", number=done.report_id))
        return
    if done.assist is not None:  # held up in another region: its liaison group is asked to help
        await after_change(context.bot, d, done.assist)
    await message.reply_text(
        t(
            lang,
            "blockedby.set",
            number=done.report_id,
            enterprise=escape(done.enterprise.name),
            blocking=escape(done.blocked_by.name),
        ),
        parse_mode=ParseMode.HTML,
    )
