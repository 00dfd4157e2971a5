"""The digest's picture and `/chart [days]`: the trend of the caller's scope on demand.

`chart_picture` draws (off the event loop, with a time limit: liaisonbot/charts/runner.py) and
captions one chart; the daily digest sends it between its text and its ledger, through the same
delivery log (handlers/digest/jobs.py). A chart that cannot be drawn is logged and left out: the
digest still goes.
"""

from __future__ import annotations

import logging
from datetime import date
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.digest.choices import _digest_grants
from handlers.digest.render import scope_label
from handlers.i18n import t
from liaisonbot.charts import runner
from liaisonbot.charts.data import MAX_DAYS, ChartData, chart_data
from liaisonbot.domain.numbers import parse_id
from liaisonbot.read.digest.scope import DigestScope
from liaisonbot.services import subscriptions
from liaisonbot.store import Database

log = logging.getLogger(__name__)
MIN_DAYS = 5
CAPTION_LIMIT = 1024


def caption(data: ChartData, lang: str) -> str:
    text = t(
        lang,
        "chart.caption",
        scope=scope_label(data.scope, lang),
        days=len(data.days),
        first=data.days[0].strftime("%m-%d"),
        last=data.days[-1].strftime("%m-%d"),
        new=data.total_new,
        resolved=data.total_resolved,
        open=data.open_now,
    )
    return text[:CAPTION_LIMIT]


async def chart_picture(
    db: Database, scope: DigestScope, day: date, lang: str, zone: ZoneInfo, days: int
) -> tuple[bytes, str]:
    """The PNG and its caption; raises what drawing raised (FontMissing, ChartTimeout …)."""
    data = await chart_data(db, scope, day, zone, days=days)
    png = await runner.render(data, lang, scope_label(scope, lang))
    return png, caption(data, lang)


async def chart_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/chart [days]`: the chart of the chat's subscription scope, else the caller's first
    granted scope (as /digest)."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and user is not None and chat is not None
    lang = await language(context, user)
    d = deps(context)
    days = d.settings.digest_chart_days
    if context.args:
        asked = parse_id(context.args[0]) if len(context.args) == 1 else None
        if asked is None or not MIN_DAYS <= asked <= MAX_DAYS:
            await message.reply_text(t(lang, "chart.usage", limit=MAX_DAYS))
            return
        days = asked
    grants = await _digest_grants(d.db, user.id)
    if not grants:
        await message.reply_text(t(lang, "chart.not_official"))
        return
    own = [
        s.scope
        for s in await subscriptions.for_chat(d.db, chat.id)
        if any(s.scope.within(g) for g in grants)
    ]
    scope = own[0] if own else subscriptions.scopes_of(grants)[0]
    day = d.now().astimezone(d.settings.zone).date()
    try:
        png, text = await chart_picture(d.db, scope, day, lang, d.settings.zone, days)
    except Exception:
        log.warning("chart for %s not drawn", scope, exc_info=True)
        await message.reply_text(t(lang, "chart.failed"))
        return
    await message.reply_photo(png, caption=text)
