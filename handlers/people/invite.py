"""`/invite CREDIT_CODE`: an officer makes a single-use deep link that binds a contact."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes
from telegram.helpers import create_deep_linked_url

from handlers.common import deps, language
from handlers.i18n import t
from handlers.refusals import code_refusal, domain_refusal
from liaisonbot.domain.codes import InvalidCode
from liaisonbot.domain.errors import DomainError
from liaisonbot.services import people


async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    if not context.args:
        await message.reply_text(t(lang, "invite.usage"))
        return
    d = deps(context)
    ttl = timedelta(hours=d.settings.invite_ttl_hours)
    try:
        payload, enterprise = await people.create_invite(
            d.db, user.id, context.args[0], d.now(), ttl
        )
    except InvalidCode as exc:
        await message.reply_text(code_refusal(lang, exc), parse_mode=ParseMode.HTML)
        return
    except DomainError as exc:
        await message.reply_text(domain_refusal(lang, exc), parse_mode=ParseMode.HTML)
        return
    link = create_deep_linked_url(context.bot.username, payload)
    await message.reply_text(
        t(
            lang,
            "invite.created",
            enterprise=escape(enterprise.name),
            link=escape(link),
            hours=d.settings.invite_ttl_hours,
        ),
        parse_mode=ParseMode.HTML,
    )
