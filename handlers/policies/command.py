"""`/policy [关键词|类别]`: the library in any chat; for a contact, what fits their enterprise
first. `/policyauto on|off`: an admin lets matched policies go to the enterprise at filing."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.i18n import t
from handlers.policies.render import button, checks_lines, short_title, summary_line
from liaisonbot.domain.access import is_admin
from liaisonbot.read import reports as views
from liaisonbot.services import policies
from liaisonbot.services.policies import local_day

MAX_SHOWN = 8
MAX_WORDS = 40


async def policy_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    words = " ".join(context.args or [])[:MAX_WORDS]
    viewer = await views.viewer(d.db, user.id)
    enterprise = None
    if viewer.contact_enterprise_id is not None:
        enterprise = await views.enterprise(d.db, viewer.contact_enterprise_id)
    day = local_day(d.now(), d.settings.zone)
    fitting, others = await policies.search(d.db, words, day, enterprise)
    if not fitting and not others:
        key = "policy.search_none" if words else "policy.library_empty"
        await message.reply_text(t(lang, key, words=escape(words)), parse_mode=ParseMode.HTML)
        return
    lines = [t(lang, "policy.search_head", words=escape(words) or t(lang, "policy.all"))]
    shown = []
    if fitting:
        lines.append(t(lang, "policy.fits_yours"))
        for found in fitting[:MAX_SHOWN]:
            lines.append(summary_line(found.version, lang))
            lines += checks_lines(found, lang)
            shown.append(found.version)
    rest = others[: MAX_SHOWN - len(shown)]
    if rest:
        if fitting:
            lines.append(t(lang, "policy.others"))
        for v in rest:
            lines.append(summary_line(v, lang))
            shown.append(v)
    more = len(fitting) + len(others) - len(shown)
    if more > 0:
        lines.append(t(lang, "policy.more", count=more))
    keyboard = [[button(short_title(v, 30), "v", v.id)] for v in shown]
    await message.reply_text(
        "\n".join(lines)[:4000],
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup(keyboard),
    )


async def policyauto_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    if not is_admin((await views.viewer(d.db, user.id)).grants):
        await message.reply_text(t(lang, "policy.auto_not_admin"))
        return
    word = (context.args or [""])[0].lower()
    if word in ("on", "开", "开启"):
        await policies.set_auto_send(d.db, True)
    elif word in ("off", "关", "关闭"):
        await policies.set_auto_send(d.db, False)
    elif word:
        await message.reply_text(t(lang, "policy.auto_usage"))
        return
    on = await policies.auto_send(d.db)
    await message.reply_text(t(lang, "policy.auto_on" if on else "policy.auto_off"))
