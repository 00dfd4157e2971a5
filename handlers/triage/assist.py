"""The 协办 card: a short request in the other region's liaison group that its officers accept,
answer with notes and mark done; their answers show on the report's own card
(docs/domain.md#escalation-ladder). Authority: officers of the region asked, from the database."""

from __future__ import annotations

import logging
from html import escape

from telegram import Bot, CallbackQuery
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ContextTypes

from handlers.common import Deps, deps
from handlers.i18n import t
from handlers.refusals import domain_refusal
from handlers.triage.cards import refresh_cards, region_words
from handlers.triage.keyboards import assist_card
from handlers.triage.questions import ask
from handlers.triage.verbs import Verb
from liaisonbot.domain.errors import DomainError
from liaisonbot.domain.workflow import Activity
from liaisonbot.read import reports as views
from liaisonbot.read import triage as triage_read
from liaisonbot.read.triage import AssistInfo, assist_by_card
from liaisonbot.services import triage
from liaisonbot.services.triage import Change, Seat

log = logging.getLogger(__name__)

STEPS = {Verb.ASSIST_ACCEPT: Activity.ASSIST_ACCEPT, Verb.ASSIST_DONE: Activity.ASSIST_DONE}
ASSIST_VERBS = frozenset({Verb.ASSIST_ACCEPT, Verb.ASSIST_NOTE, Verb.ASSIST_DONE})


async def assist_text(d: Deps, report_id: int, assist: AssistInfo, lang: str) -> str | None:
    report = await views.report(d.db, report_id)
    if report is None:
        return None
    enterprise = await views.enterprise(d.db, report.enterprise_id)
    assert enterprise is not None
    return t(
        lang,
        "assist.card",
        number=report.id,
        enterprise=escape(enterprise.name),
        home=escape(region_words(enterprise.region_code)),
        region=escape(region_words(assist.region_code)),
        title=escape(report.content.title),
        state=t(lang, f"assist.state_{assist.state}"),
    )


async def post_assist_cards(bot: Bot, d: Deps, report_id: int) -> None:
    """Post the 协办 cards not posted yet; a region without a liaison group is said on the main
    card's group."""
    info = await views.triage_info(d.db, report_id)
    report = await views.report(d.db, report_id)
    if info is None or report is None:
        return
    lang = d.settings.lang
    for assist in info.assists:
        if assist.message_id is not None:
            continue
        if assist.chat_id is None:
            if report.group_chat_id is not None:
                await _send(
                    bot,
                    report.group_chat_id,
                    t(lang, "assist.no_group", region=escape(region_words(assist.region_code))),
                )
            continue
        text = await assist_text(d, report_id, assist, lang)
        if text is None:
            continue
        try:
            sent = await bot.send_message(
                assist.chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=assist_card(report_id, report.state.value, assist.state, lang),
            )
        except TelegramError as exc:
            log.warning("report %s: 协办 card not sent to %s: %s", report_id, assist.chat_id, exc)
            continue
        await triage.record_assist_card(d.db, report_id, assist.region_code, sent.message_id)


async def refresh_assist_cards(bot: Bot, d: Deps, report_id: int) -> None:
    info = await views.triage_info(d.db, report_id)
    report = await views.report(d.db, report_id)
    if info is None or report is None:
        return
    lang = d.settings.lang
    for assist in info.assists:
        if assist.chat_id is None or assist.message_id is None:
            continue
        text = await assist_text(d, report_id, assist, lang)
        if text is None:
            continue
        try:
            await bot.edit_message_text(
                text,
                chat_id=assist.chat_id,
                message_id=assist.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=assist_card(report_id, report.state.value, assist.state, lang),
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                log.warning("report %s: 协办 card not edited: %s", report_id, exc)
        except TelegramError as exc:
            log.warning("report %s: 协办 card in %s not edited: %s", report_id, assist.chat_id, exc)


async def on_assist_pressed(
    query: CallbackQuery, d: Deps, lang: str, report_id: int, verb: Verb
) -> Change | None:
    """接收 / 回复 / 办结 on a 协办 card; the card pressed names the region asked."""
    message = query.message
    assert message is not None
    found = await assist_by_card(d.db, message.chat.id, message.message_id)
    if found is None or found[0] != report_id:
        await query.answer(t(lang, "triage.forged"), show_alert=True)
        return None
    region_code = found[1]
    user = query.from_user
    try:
        if verb is Verb.ASSIST_NOTE:
            await triage.assist_preflight(d.db, report_id, region_code, user.id)
            await query.answer()
            report = await views.report(d.db, report_id)
            assert report is not None
            await ask(
                query.get_bot(),
                d,
                chat_id=message.chat.id,
                reply_to=message.message_id,
                user_id=user.id,
                user_name=user.full_name,
                report_id=report_id,
                action="assist_note",
                expected=report.state,
                argument=region_code,
                lang=lang,
                seat=Seat.ASSIST,
            )
            return None
        change = await triage.assist_step(
            d.db, report_id, region_code, user.id, STEPS[verb], now=d.now()
        )
    except DomainError as exc:
        await query.answer(domain_refusal(lang, exc, html=False), show_alert=True)
        return None
    await query.answer(t(lang, "triage.done"))
    return change


async def _send(bot: Bot, chat_id: int, text: str) -> None:
    try:
        await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.warning("chat %s: message not sent: %s", chat_id, exc)


async def _post_owed(context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    for report_id in await triage_read.reports_owing_assist_cards(d.db):
        await post_assist_cards(context.bot, d, report_id)
        await refresh_cards(context.bot, d, report_id)


def schedule_owed(application: Application) -> None:
    """At start, shortly after polling resumes: 协办 cards owed from before the stop."""
    if application.job_queue is not None:
        application.job_queue.run_once(_post_owed, when=2, name="assist-cards")
