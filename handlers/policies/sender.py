"""Sending offers: each unsent `policy_offers` row claimed, sent to the enterprise's contacts,
marked sent (services/policies.py says why this is once). A JobQueue job drains them every few
seconds; a chosen offer is sent at once, a wave in a task of its own. Waves go in the rate
limiter's bulk lane (handlers/rate_lanes.py), so they never hold up answers to people."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ContextTypes, ExtBot

from handlers import rate_lanes
from handlers.common import Deps
from handlers.i18n import t
from handlers.policies.render import button
from handlers.scheduling import run_every
from liaisonbot.services import policies

log = logging.getLogger(__name__)

INTERVAL = timedelta(seconds=10)
JOB_NAME = "policy-offers"


def offer_keyboard(offer_id: int, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(t(lang, "policy.btn_open"), "o", offer_id, "read")]])


async def send_offer(bot: ExtBot[Any], d: Deps, row: object, *, bulk: bool = False) -> bool:
    """Send one claimed offer to every reachable contact; True when at least one got it."""
    offer = dict(row)  # type: ignore[call-overload]
    version = await policies.version(d.db, offer["version_id"])
    contacts = await policies.contacts_of(d.db, offer["enterprise_id"])
    if version is None or not contacts:
        await policies.mark_failed(d.db, offer["id"], "no contact")
        return False
    lane = rate_lanes.bulk(bot).get("rate_limit_args") if bulk else None
    delivered = False
    for user_id in contacts:
        lang = await d.language_of(user_id)
        text = t(
            lang,
            "policy.offer",
            title=_escape(version.content.title),
            benefit=version.content.benefit.label(lang),
        )
        try:
            await bot.send_message(
                user_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=offer_keyboard(offer["id"], lang),
                rate_limit_args=lane,
            )
            delivered = True
        except Forbidden as exc:
            log.info("offer %s: contact %s unreachable: %s", offer["id"], user_id, exc)
        except TelegramError:
            log.warning("offer %s: not sent to %s", offer["id"], user_id, exc_info=True)
            if not delivered:
                return False  # claimed: the next run, or the next start, tries again
    if delivered:
        await policies.mark_sent(d.db, offer["id"], d.now())
    else:
        await policies.mark_failed(d.db, offer["id"], "blocked")
    return delivered


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


async def send_pending(bot: ExtBot[Any], d: Deps) -> int:
    """Send every unsent offer (in batches); how many went."""
    sent = 0
    while True:
        claimed = await policies.claim_unsent(d.db, d.now())
        if not claimed:
            return sent
        for row in claimed:
            if await send_offer(bot, d, row, bulk=row["wave_id"] is not None):
                sent += 1
        if len(claimed) < 50:
            return sent


async def _tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_pending(context.bot, context.bot_data["deps"])


async def on_startup(application: Application) -> None:
    """Claims a stopped process left are freed; the job resumes unfinished waves."""
    await policies.take_over_dead_claims(application.bot_data["deps"].db)
    seconds = INTERVAL.total_seconds()
    run_every(application, _tick, seconds=seconds, first=1, name=JOB_NAME, grace_seconds=30)
