"""The policy buttons (`pl|...`): the card's panel, sending a matched policy, ticking it as
applied, the enterprise's funnel steps, details and waves. Authority comes from the database
(services/policies.py checks it); a stale or foreign press gets a short alert."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.i18n import t
from handlers.policies import sender
from handlers.policies.render import button, checks_lines, policy_text, short_title
from liaisonbot.domain.access import covers
from liaisonbot.domain.numbers import parse_id
from liaisonbot.domain.policies import Stage
from liaisonbot.domain.vocabulary import Role
from liaisonbot.read import reports as views
from liaisonbot.services import policies
from liaisonbot.services.policies import PolicyRefused, local_day

log = logging.getLogger(__name__)
NEXT_STAGE = {
    Stage.READ: (Stage.INTERESTED, Stage.APPLIED, Stage.GRANTED),
    Stage.INTERESTED: (Stage.APPLIED, Stage.GRANTED),
    Stage.APPLIED: (Stage.GRANTED,),
    Stage.GRANTED: (),
}


async def on_policy_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    lang = await language(context, user)
    parts = (query.data or "").split("|")
    handler = _VERBS.get(parts[1] if len(parts) > 1 else "")
    numbers = [n for p in parts[2:] if (n := parse_id(p)) is not None]
    try:
        if handler is None or (parts[1] != "o" and len(numbers) != len(parts) - 2):
            raise PolicyRefused("gone")
        await handler(update, context, lang, parts[2:])
    except PolicyRefused as refused:
        await query.answer(t(lang, f"policy.refused_{refused.code}"), show_alert=True)


# -- the card's panel --------------------------------------------------------------------------


async def _panel(context: ContextTypes.DEFAULT_TYPE, report_id: int, lang: str):
    d = deps(context)
    report = await views.report(d.db, report_id)
    if report is None:
        raise PolicyRefused("gone")
    enterprise = await views.enterprise(d.db, report.enterprise_id)
    assert enterprise is not None
    day = local_day(d.now(), d.settings.zone)
    rows = await policies.report_matches(d.db, report_id, enterprise, day)
    lines = [t(lang, "policy.panel_head", number=report_id)]
    keyboard = []
    for found, v, offer, ticked in rows:
        title = f"<b>{_esc(v.content.title)}</b>"
        if found is None:
            lines.append(t(lang, "policy.panel_expired", title=title))
        else:
            state = t(lang, "policy.panel_sent") if offer is not None else ""
            lines.append(f"{title} {state}".strip())
            lines += checks_lines(found, lang)
        row = []
        if found is not None and offer is None:
            row.append(
                button(t(lang, "policy.btn_send", title=short_title(v, 14)), "s", report_id, v.id)
            )
        row.append(
            button(
                t(
                    lang,
                    "policy.btn_applied_on" if ticked else "policy.btn_applied_off",
                    title=short_title(v, 14),
                ),
                "a",
                report_id,
                v.id,
            )
        )
        keyboard.append(row)
    if not rows:
        lines.append(t(lang, "policy.panel_none"))
    return "\n".join(lines)[:4000], InlineKeyboardMarkup(keyboard) if keyboard else None


async def _officer_of(context, user_id: int, report_id: int) -> None:
    d = deps(context)
    report = await views.report(d.db, report_id)
    if report is None:
        raise PolicyRefused("gone")
    enterprise = await views.enterprise(d.db, report.enterprise_id)
    viewer = await views.viewer(d.db, user_id)
    if enterprise is None or not covers(viewer.grants, enterprise, Role.OFFICER):
        raise PolicyRefused("not_yours")


async def on_card_policies_pressed(update, context, lang, args) -> None:
    """The card's 政策 button: the matched policies, each criterion in words, as a reply."""
    query = update.callback_query
    report_id = int(args[0])
    await _officer_of(context, query.from_user.id, report_id)
    text, markup = await _panel(context, report_id, lang)
    await query.answer()
    await query.message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def _refresh_panel(query, context, report_id: int, lang: str) -> None:
    text, markup = await _panel(context, report_id, lang)
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def on_send_pressed(update, context, lang, args) -> None:
    """The officer chose to send a matched policy to the enterprise."""
    query = update.callback_query
    d = deps(context)
    report_id, version_id = int(args[0]), int(args[1])
    await policies.offer_for_report(
        d.db, report_id, version_id, query.from_user.id, d.now(), d.settings.zone
    )
    await query.answer(t(lang, "policy.sent"))
    await sender.send_pending(context.bot, d)
    await _refresh_panel(query, context, report_id, lang)


async def on_applied_pressed(update, context, lang, args) -> None:
    """Tick (untick) a policy as applied: the resolution records it."""
    query = update.callback_query
    d = deps(context)
    report_id, version_id = int(args[0]), int(args[1])
    ticked = await policies.toggle_applied(d.db, report_id, version_id, query.from_user.id, d.now())
    await query.answer(t(lang, "policy.ticked" if ticked else "policy.unticked"))
    await _refresh_panel(query, context, report_id, lang)


# -- the enterprise's side -------------------------------------------------------------------------


def _stage_keyboard(offer_id: int, reached: Stage, lang: str) -> InlineKeyboardMarkup | None:
    nexts = NEXT_STAGE.get(reached, ())
    if not nexts:
        return None
    return InlineKeyboardMarkup(
        [[button(t(lang, f"policy.btn_{s.value}"), "o", offer_id, s.value) for s in nexts]]
    )


def _reached(offer: dict) -> Stage:
    for stage, column in (
        (Stage.GRANTED, "granted_at"),
        (Stage.APPLIED, "applied_at"),
        (Stage.INTERESTED, "interested_at"),
        (Stage.READ, "read_at"),
    ):
        if offer[column]:
            return stage
    return Stage.PUSHED


async def on_stage_pressed(update, context, lang, args) -> None:
    """已读 (opening the offer shows the policy), 有意愿, 已申报, 已兑现."""
    query = update.callback_query
    d = deps(context)
    if len(args) != 2 or not args[0].isdigit():
        raise PolicyRefused("gone")
    try:
        stage = Stage(args[1])
    except ValueError:
        raise PolicyRefused("gone") from None
    changed, row = await policies.record_step(
        d.db, int(args[0]), stage, query.from_user.id, d.now()
    )
    offer = dict(row)
    version = await policies.version(d.db, offer["version_id"])
    assert version is not None
    reached = _reached(offer)
    await query.answer(
        t(lang, "policy.step_recorded", stage=reached.label(lang))
        if changed and stage is not Stage.READ
        else None
    )
    text = (
        policy_text(version, lang) + "\n\n" + t(lang, "policy.stage_now", stage=reached.label(lang))
    )
    try:
        await query.edit_message_text(
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=_stage_keyboard(offer["id"], reached, lang),
            disable_web_page_preview=True,
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


# -- the library ---------------------------------------------------------------------------------


async def on_details_pressed(update, context, lang, args) -> None:
    query = update.callback_query
    d = deps(context)
    version = await policies.version(d.db, int(args[0]))
    if version is None:
        raise PolicyRefused("gone")
    viewer = await views.viewer(d.db, query.from_user.id)
    officer = any(g.role in (Role.OFFICER, Role.ADMIN) for g in viewer.grants)
    markup = None
    if (
        officer
        and version.current
        and version.content.valid_on(local_day(d.now(), d.settings.zone))
    ):
        markup = InlineKeyboardMarkup([[button(t(lang, "policy.btn_wave"), "w", version.id)]])
    await query.answer()
    await query.message.reply_text(
        policy_text(version, lang),
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        disable_web_page_preview=True,
    )


async def on_wave_pressed(update, context, lang, args) -> None:
    """Push this version to every listed enterprise of the officer's scope that it fits, once."""
    query = update.callback_query
    d = deps(context)
    result = await policies.start_wave(
        d.db, int(args[0]), query.from_user.id, d.now(), d.settings.zone
    )
    await query.answer()
    await query.message.reply_text(
        t(lang, "policy.wave_started", offered=result.offered, fitting=result.fitting)
    )
    if result.offered:
        context.application.create_task(sender.send_pending(context.bot, d), update=update)


def _esc(text: str) -> str:
    from html import escape

    return escape(text)


_VERBS = {
    "r": on_card_policies_pressed,
    "s": on_send_pressed,
    "a": on_applied_pressed,
    "o": on_stage_pressed,
    "v": on_details_pressed,
    "w": on_wave_pressed,
}
