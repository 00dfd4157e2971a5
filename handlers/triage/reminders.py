"""Scheduled work: deadline reminders (临期 / 超期 / 督办) and closing unanswered resolutions.

JobQueue jobs are not persisted, so `schedule` re-creates them at every start (post_init); what
was already sent is in the database (reminders_sent), so a restart sends nothing twice and
catches up on what fell due while the bot was down. APScheduler's default misfire grace of one
second would silently skip a late run: it is set generously, with `coalesce` so that runs missed
while busy collapse into one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from html import escape

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from handlers import rendering
from handlers.common import Deps
from handlers.i18n import t
from handlers.scheduling import run_every
from handlers.triage.cards import refresh_cards
from handlers.triage.changes import after_change
from liaisonbot.read import reports as views
from liaisonbot.services import reminders, triage
from liaisonbot.services.reminders import Kind

log = logging.getLogger(__name__)

JOB_NAME = "triage-reminders"
INTERVAL_SECONDS = 300
FIRST_SECONDS = 5
MISFIRE_GRACE_SECONDS = 600


@dataclass
class RunResult:
    sent: dict[str, int] = field(default_factory=dict)
    closed: int = 0


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
    await run_once(context.bot, context.bot_data["deps"])


def confirm_timeout_days(d: Deps) -> int:
    return d.settings.confirm_timeout_days


async def run_once(bot: Bot, d: Deps) -> RunResult:
    """Send every reminder now due, once each; close resolutions nobody answered in time."""
    result = RunResult()
    now = d.now()
    zone = d.settings.zone
    lang = d.settings.lang
    for reminder in reminders.due_reminders(await views.reminder_candidates(d.db), now, zone):
        if not await reminders.claim(d.db, reminder, now):
            continue
        try:
            delivered = await _send(bot, d, reminder, lang)
        except TelegramError:
            log.exception("reminder %s for report %s failed", reminder.kind, reminder.report_id)
            await reminders.release(d.db, reminder)
            continue
        if delivered:
            result.sent[reminder.kind.value] = result.sent.get(reminder.kind.value, 0) + 1
        await refresh_cards(bot, d, reminder.report_id)
    for change in await triage.auto_close_due(d.db, now=now, timeout_days=confirm_timeout_days(d)):
        result.closed += 1
        await after_change(bot, d, change)
    return result


async def _send(bot: Bot, d: Deps, reminder: reminders.Reminder, lang: str) -> bool:
    c = reminder.candidate
    params = {
        "number": c.report_id,
        "title": escape(c.title),
        "due": rendering.local_time(c.due_at, d.settings.zone),
    }
    if reminder.kind is Kind.DUE_SOON:
        targets = [c.assignee_id] if c.assignee_id else []
    elif reminder.kind is Kind.OVERDUE:
        targets = [c.group_chat_id] if c.group_chat_id else []
    else:
        targets = await views.officials_covering(d.db, c.region_code, c.chain)
        if not targets and c.group_chat_id:
            targets = [c.group_chat_id]
    sent = False
    for chat_id in targets:
        assert chat_id is not None
        target_lang = (await views.user_language(d.db, chat_id) if chat_id > 0 else None) or lang
        text = t(target_lang, f"remind.{reminder.kind.value}", **params)
        try:
            await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
            sent = True
        except Forbidden as exc:  # blocked, removed or never started: not retried
            log.warning("reminder for report %s not delivered to %s: %s", c.report_id, chat_id, exc)
            if chat_id > 0 and c.group_chat_id is not None:
                sent = await _in_group(bot, d, c.group_chat_id, chat_id, text) or sent
    return sent


async def _in_group(bot: Bot, d: Deps, group_id: int, person_id: int, text: str) -> bool:
    """A person the bot may not write to privately is reminded in the liaison group, by mention
    (in the group's language: everyone there reads it)."""
    names = await views.user_names(d.db, {person_id})
    mention = (
        f'<a href="tg://user?id={person_id}">{escape(names.get(person_id, str(person_id)))}</a>'
    )
    try:
        await bot.send_message(group_id, f"{mention}\n{text}", parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.warning("reminder for %s not posted in group %s either: %s", person_id, group_id, exc)
        return False
    return True
