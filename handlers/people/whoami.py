"""`/id` (or `/whoami`): the user's Telegram id, name and roles — the id an admin needs for
`liaisonbot grant`, and the answer to "why may I not do this?"."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.i18n import t
from handlers.rendering import label
from liaisonbot.domain.codes import region_name
from liaisonbot.domain.models import RoleGrant
from liaisonbot.read import reports as views


def _scope(lang: str, grant: RoleGrant) -> str:
    if grant.region_prefix:
        name = region_name(grant.region_prefix)
        region = (
            t(lang, "group.region", name=name, code=grant.region_prefix)
            if name
            else grant.region_prefix
        )
    else:
        region = t(lang, "group.all_regions")
    chain = grant.chain or t(lang, "group.all_chains")
    return t(lang, "whoami.role", role=label(grant.role, lang), region=region, chain=escape(chain))


async def whoami_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    db = deps(context).db
    viewer = await views.viewer(db, user.id)
    lines = [
        t(lang, "whoami.id", id=user.id),
        t(lang, "whoami.name", name=escape(user.full_name)),
    ]
    if user.username:
        lines.append(t(lang, "whoami.username", username=escape(user.username)))
    if viewer.grants:
        lines.append(t(lang, "whoami.roles"))
        lines.extend(_scope(lang, grant) for grant in viewer.grants)
    if viewer.contact_enterprise_id is not None:
        enterprise = await views.enterprise(db, viewer.contact_enterprise_id)
        if enterprise is not None:
            lines.append(t(lang, "whoami.contact", enterprise=escape(enterprise.name)))
    if not viewer.grants and viewer.contact_enterprise_id is None:
        lines.append(t(lang, "whoami.no_roles", id=user.id))
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)
