"""Everything the reporter is told about their report: accepted, returned with a question,
resolved (with the 满意 buttons), rejected, merged, closed.

In the reporter's private chat; a contact who never opened it (the bot may not write first) is
told in the liaison group instead, by mention under the card.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardMarkup, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from handlers.common import Deps
from handlers.i18n import t
from handlers.rendering import label, local_time
from handlers.triage.keyboards import satisfaction
from handlers.triage.questions import ask
from liaisonbot.domain.models import Report
from liaisonbot.domain.vocabulary import Category, ReportState, Scope, Urgency
from liaisonbot.domain.workflow import Action, Activity
from liaisonbot.read import reports as views
from liaisonbot.services.triage import Change
from liaisonbot.store import UnitOfWork

log = logging.getLogger(__name__)


async def notify_reporter(bot: Bot, d: Deps, change: Change) -> None:
    """Tell the reporter, in their private chat, about a change that concerns them; for a report
    an officer filed on the enterprise's behalf, its contacts."""
    report = await views.report(d.db, change.report_id)
    if report is None or report.reporter_id is None:
        return
    if report.filed_by is None:
        await _notify(bot, d, change, report, report.reporter_id)
        return
    for contact in await views.enterprise_contacts(d.db, report.enterprise_id):
        await _notify(bot, d, change, report.model_copy(update={"reporter_id": contact}), contact)


async def _notify(bot: Bot, d: Deps, change: Change, report: Report, reporter: int) -> None:
    if change.action == Action.REOPEN and change.actor_id == reporter:
        return  # they reopened it themselves: the answer to their reason has told them
    lang = await d.language_of(reporter)
    try:
        if change.action == Action.RETURN:
            await _ask_reporter(bot, d, report, lang, escape(change.note))
            return
        told = _reporter_text(change, report, lang, d.settings.zone)
        if told is not None:
            text, markup = told
            await _tell_reporter(bot, d, report, lang, _with_title(text, report, lang), markup)
    except Forbidden as exc:
        if _never_started(exc):
            log.warning("report %s: reporter %s cannot be reached: %s", report.id, reporter, exc)
            return
        log.warning("report %s: reporter %s has blocked the bot; not told", report.id, reporter)
        async with UnitOfWork(d.db) as uow:
            await uow.triage.mark_blocked(reporter, d.now())
    except TelegramError:
        log.exception(
            "report %s: reporter %s not told about %s", report.id, reporter, change.action
        )


# What the reporter is told after a change that needs no more than the report's number and note.
_PLAIN_TELLS: dict[str, str] = {
    Action.REJECT: "tell.rejected",
    Action.MERGE: "tell.merged",
    Action.REOPEN: "tell.reopened",
    Action.CONFIRM: "tell.closed",
    Action.AUTO_CLOSE: "tell.auto_closed",
    Action.ESCALATE: "tell.escalated",
    Action.SEND_BACK: "tell.sent_back",
}


def _reporter_text(
    change: Change, report: Report, lang: str, zone: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup | None] | None:
    """The message (HTML) and buttons that tell the reporter about `change`; None for a change
    they are not told about."""
    number, action = report.id, change.action
    if action == Action.ACCEPT:
        due = local_time(report.due_at, zone)
        lines = [t(lang, "tell.accepted", number=number, due=due)]
        if "urgency" in change.details:  # the officer changed what the enterprise filed
            urgency = label(Urgency(change.details["urgency"]), lang)
            lines.append(t(lang, "tell.urgency_changed", urgency=urgency))
        if "scope" in change.details:
            scope = label(Scope(change.details["scope"]), lang)
            lines.append(t(lang, "tell.scope_changed", scope=scope))
        return "\n".join(lines), None
    if action == Activity.PUBLIC_NOTE:
        return t(lang, "tell.note", number=number, note=escape(change.note)), None
    if action == Activity.RECATEGORIZE:
        old, new = (Category(change.details[k]) for k in ("old", "new"))
        text = t(
            lang,
            "tell.recategorized",
            number=number,
            old=label(old, lang),
            new=label(new, lang),
        )
        return text, None
    if action == Activity.EXTEND:
        due = local_time(datetime.fromisoformat(change.details["due_at"]), zone)
        reason = escape(change.details.get("reason", ""))
        return t(lang, "tell.extended", number=number, due=due, reason=reason), None
    if action == Action.RESOLVE:
        return _resolved_text(change, number, lang), satisfaction(number, lang)
    key = _PLAIN_TELLS.get(action)
    if key is None:
        return None
    target = change.details.get("target", "")
    # 上报 and 退回 reasons are the officials' own: the enterprise hears what happens, not why
    note = "" if action in (Action.ESCALATE, Action.SEND_BACK) else escape(change.note)
    return t(lang, key, number=number, note=note, target=target), None


def _resolved_text(change: Change, number: int, lang: str) -> str:
    """The outcome, its text and the policies applied, then the question the 满意 buttons answer."""
    text = t(
        lang,
        "tell.resolved",
        number=number,
        outcome=t(lang, f"triage.outcome_{change.details['outcome'].lower()}"),
        text=escape(change.details.get("text", "")),
    )
    policies = change.details.get("policies", "")
    if policies:
        text += "\n" + t(lang, "card.policies", policies=escape(policies))
    return text + "\n\n" + t(lang, "tell.rate")


def _with_title(text: str, report: Report, lang: str) -> str:
    """A notice to the reporter with the report's title under its first line: an enterprise may
    have several items open, and the number alone does not say which."""
    head, newline, rest = text.partition("\n")
    title = t(lang, "field.title", value=escape(report.content.title))
    return f"{head}\n{title}{newline}{rest}"


async def _ask_reporter(bot: Bot, d: Deps, report: Report, lang: str, question: str) -> None:
    """退回补充: the officer's question (HTML), asked so that the reporter's reply answers it; in
    the group under the card when the reporter never opened the private chat."""
    assert report.reporter_id is not None
    ask_them = functools.partial(
        ask,
        bot,
        d,
        user_id=report.reporter_id,
        user_name=await _name(d, report.reporter_id),
        report_id=report.id,
        action="info",
        expected=ReportState.NEED_INFO,
        lang=lang,
        extra="\n".join(
            (
                t(lang, "field.title", value=escape(report.content.title)),
                t(lang, "tell.question", question=question),
            )
        ),
    )
    try:
        await ask_them(chat_id=report.reporter_id, reply_to=None)
    except Forbidden as exc:
        if not _never_started(exc) or report.group_chat_id is None:
            raise
        await ask_them(chat_id=report.group_chat_id, reply_to=report.card_message_id)


def _never_started(exc: Forbidden) -> bool:
    """403 for a user who never opened the private chat, as opposed to one who blocked the bot."""
    return "initiate" in str(exc).lower()


async def _tell_reporter(
    bot: Bot,
    d: Deps,
    report: Report,
    lang: str,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """In the reporter's private chat; a contact who only ever wrote in the group (the bot may not
    write first) is told in that group instead, by mention under the card, buttons included: who
    may press them is checked against the database, not the chat."""
    assert report.reporter_id is not None
    try:
        await bot.send_message(
            report.reporter_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
        )
        return
    except Forbidden as exc:
        if not _never_started(exc) or report.group_chat_id is None:
            raise
    name = await _name(d, report.reporter_id)
    mention = f'<a href="tg://user?id={report.reporter_id}">{escape(name)}</a>'
    await bot.send_message(
        report.group_chat_id,
        f"{mention}\n{text}",
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        reply_parameters=(
            ReplyParameters(report.card_message_id, allow_sending_without_reply=True)
            if report.card_message_id
            else None
        ),
    )


async def _name(d: Deps, user_id: int) -> str:
    names = await views.user_names(d.db, {user_id})
    return names.get(user_id, str(user_id))
