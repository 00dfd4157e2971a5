"""`/digest`: today so far (截至 now), with the previous day's figures beside it, and its ledger.
The scheduled digest covers the previous day (docs/domain.md#digest-figures)."""

from __future__ import annotations

import io
from dataclasses import replace

from telegram import (
    InputFile,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.digest import render as digest_render
from handlers.digest.choices import _digest_grants
from handlers.i18n import t
from liaisonbot.files.ledger import ledger_filename, ledger_xlsx
from liaisonbot.read.digest import today_so_far
from liaisonbot.services import digest_delivery as delivery
from liaisonbot.services import subscriptions
from liaisonbot.services.subscriptions import Subscription


async def digest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Today's digest so far, for the chat's subscriptions or else the caller's granted scope. It is
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
        today = await cache.get(sub.scope, today_so_far(now, zone))
        yesterday = await cache.get(sub.scope, delivery.period_for(sub, day, zone))
        digest = replace(today, previous=yesterday.total)
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
