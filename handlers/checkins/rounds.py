"""Sending rounds, the 80 % reminder and the officers' missing lists at close.

Each enterprise is asked once per round: a `checkin_asks` row is claimed before the question
goes (services/checkins.py), so the job, `liaisonbot checkin --send` and a restart never ask twice.
The job is re-created at every start (JobQueue jobs are not persisted); what was sent is in the
database. Round questions and reminders go in the bulk lane of the rate limiter, so that
interactive replies overtake them (handlers/rate_lanes.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from html import escape

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from handlers.checkins import keyboards, render
from handlers.common import Deps
from handlers.i18n import t
from handlers.rate_lanes import bulk
from handlers.rendering import local_time
from handlers.scheduling import run_every
from liaisonbot.read import reports as views
from liaisonbot.services import checkins

log = logging.getLogger(__name__)

JOB_NAME = "checkin-rounds"
INTERVAL_SECONDS = 60
FIRST_SECONDS = 3
MISFIRE_GRACE_SECONDS = 600


@dataclass
class RoundResult:
    asked: int = 0
    in_group: int = 0
    unreachable: int = 0
    failed: int = 0
    reminded: int = 0
    missing_lists: int = 0
    planned: list[str] = field(default_factory=list)


def schedule(application: Application) -> None:
    run_every(
        application,
        _tick,
        seconds=INTERVAL_SECONDS,
        first=FIRST_SECONDS,
        name=JOB_NAME,
        grace_seconds=MISFIRE_GRACE_SECONDS,
    )


async def _tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    d: Deps = context.bot_data["deps"]
    await send_round(context.bot, d)
    await send_reminders(context.bot, d)
    await send_missing_lists(context.bot, d)


async def send_round(
    bot: Bot, d: Deps, *, dry_run: bool = False, region_prefix: str = "", chain: str = ""
) -> RoundResult:
    """Ask every enterprise whose round is open and that has not been asked in it."""
    result = RoundResult()
    now = d.now()
    due = await checkins.due_asks(
        d.db, now, d.settings.zone, region_prefix=region_prefix, chain=chain
    )
    for ask in due:
        if dry_run:
            result.planned.append(
                f"{ask.round_date} {ask.enterprise.credit_code} {ask.enterprise.name}"
            )
            continue
        if not await checkins.claim(d.db, ask, d.now()):
            continue
        try:
            sent = await _ask(bot, d, ask)
        except TelegramError:
            log.exception("check-in for enterprise %s not sent", ask.enterprise.id)
            await checkins.release(d.db, ask)
            result.failed += 1
            continue
        if sent is None:
            result.unreachable += 1
            await checkins.mark_sent(d.db, ask, None, None, d.now(), reached=False)
            continue
        message, in_group = sent
        result.asked += 1
        result.in_group += int(in_group)
        await checkins.mark_sent(d.db, ask, message.chat_id, message.message_id, d.now())
    return result


async def _ask(bot: Bot, d: Deps, ask: checkins.DueAsk) -> tuple[Message, bool] | None:
    """The question to each contact in their private chat; a contact who never opened it is
    mentioned in the enterprise's liaison group. The first message sent, and whether in a group;
    None when no contact could be reached."""
    assert ask.enterprise.id is not None
    previous = await checkins.latest(d.db, ask.enterprise.id, before=ask.round_date)
    first: tuple[Message, bool] | None = None
    closes = local_time(ask.closes, d.settings.zone)
    for contact in ask.contacts:
        lang = await d.language_of(contact)
        text = render.question_text(
            ask.enterprise.name, ask.round_date, closes, previous[1] if previous else None, lang
        )
        markup = keyboards.question(ask.round_date, lang, has_previous=previous is not None)
        sent = await _to_contact(bot, d, contact, ask.group_chat_id, text, markup)
        if sent is not None and first is None:
            first = sent
    return first


async def _to_contact(
    bot: Bot,
    d: Deps,
    contact: int,
    group_chat_id: int | None,
    text: str,
    markup: InlineKeyboardMarkup | None,
) -> tuple[Message, bool] | None:
    try:
        message = await bot.send_message(
            contact, text, parse_mode=ParseMode.HTML, reply_markup=markup, **bulk(bot)
        )
        return message, False
    except Forbidden as exc:
        if "initiate" not in str(exc).lower() or group_chat_id is None:
            log.warning("check-in: contact %s cannot be reached: %s", contact, exc)
            return None
    names = await views.user_names(d.db, {contact})
    mention = f'<a href="tg://user?id={contact}">{escape(names.get(contact, str(contact)))}</a>'
    try:
        message = await bot.send_message(
            group_chat_id,
            f"{mention}\n{text}",
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            **bulk(bot),
        )
    except Forbidden as exc:
        log.warning("check-in: group %s cannot be reached: %s", group_chat_id, exc)
        return None
    return message, True


async def send_reminders(bot: Bot, d: Deps) -> int:
    """One reminder per unanswered ask at 80 % of its window, where the question went."""
    sent = 0
    for ask in await checkins.reminders_due(d.db, d.now(), d.settings.zone):
        if ask.chat_id is None or not await checkins.mark_reminded(d.db, ask, d.now()):
            continue
        enterprise = await views.enterprise(d.db, ask.enterprise_id)
        lang = d.settings.lang if ask.chat_id < 0 else await d.language_of(ask.chat_id)
        text = t(
            lang,
            "checkin.reminder",
            enterprise=escape(enterprise.name if enterprise else ""),
            day=ask.round_date.isoformat(),
            closes=local_time(ask.closes_at, d.settings.zone),
        )
        try:
            await bot.send_message(
                ask.chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboards.question(ask.round_date, lang, has_previous=False),
                **bulk(bot),
            )
            sent += 1
        except TelegramError as exc:
            log.warning("check-in reminder to %s not sent: %s", ask.chat_id, exc)
    return sent


async def send_missing_lists(bot: Bot, d: Deps) -> int:
    """At close, each liaison officer gets the list of their enterprises that did not answer."""
    sent = 0
    for (day, officer), missing in (
        await checkins.closed_missing(d.db, d.now(), d.settings.zone)
    ).items():
        if not await checkins.claim_notice(d.db, day, "missing", officer, d.now()):
            continue
        lang = await d.language_of(officer)
        names = "\n".join(f"• {escape(e.name)}（{e.credit_code}）" for e in missing[:50])
        text = t(
            lang, "checkin.missing_at_close", day=day.isoformat(), count=len(missing), names=names
        )
        try:
            await bot.send_message(officer, text, parse_mode=ParseMode.HTML, **bulk(bot))
            sent += 1
        except Forbidden as exc:
            log.warning("missing list not delivered to officer %s: %s", officer, exc)
        except TelegramError:
            log.exception("missing list to officer %s failed; retried", officer)
            await checkins.release_notice(d.db, day, "missing", officer)
    return sent
