"""`/queue [mine|overdue|CATEGORY]`: in a group, its open reports; in the private chat, the open
reports of every group that the officer's scope covers. Overdue first."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from handlers.common import deps, language
from handlers.i18n import t
from handlers.rendering import label, local_time
from handlers.triage.cards import deadline_mark
from liaisonbot.domain import deadlines
from liaisonbot.domain.access import covers, is_admin
from liaisonbot.domain.vocabulary import Category, Role
from liaisonbot.read import reports as views
from liaisonbot.read.reports import QueueItem

QUEUE_LIMIT = 40


async def queue_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    private = message.chat.type == ChatType.PRIVATE
    viewer = await views.viewer(d.db, user.id)
    if not private and await views.group(d.db, message.chat.id) is None:
        await message.reply_text(t(lang, "error.not_bound_group"))
        return
    allowed = is_admin(viewer.grants) or any(
        g.role in (Role.OFFICER, Role.OFFICIAL) for g in viewer.grants
    )
    if not allowed:
        await message.reply_text(t(lang, "error.not_allowed"))
        return
    now = d.now()
    zone = d.settings.zone
    if private:  # every group's items the viewer's scope covers
        items = await views.groups_queue(d.db)
        title = t(lang, "queue.private_title")
    else:
        items = await views.group_queue(d.db, message.chat.id)
        title = message.chat.title or ""
    # only what the viewer's scope covers; each enterprise read once
    enterprises = {
        eid: await views.enterprise(d.db, eid) for eid in {item.enterprise_id for item in items}
    }
    visible = [
        item
        for item in items
        if (enterprise := enterprises[item.enterprise_id]) is not None
        and covers(viewer.grants, enterprise, Role.OFFICER, Role.OFFICIAL)
    ]
    word = (context.args or [""])[0].lower() if context.args else ""
    if word in ("mine", "我的"):
        visible = [i for i in visible if i.assignee_id == user.id]
    elif word in ("overdue", "超期"):
        visible = [i for i in visible if deadlines.flags(i.state, i.due_at, now, zone).overdue]
    elif word:
        category = Category.parse(word)
        if category is None:
            await message.reply_text(t(lang, "queue.usage"))
            return
        visible = [i for i in visible if i.category == category.value]

    def order(item: views.QueueItem) -> tuple[int, object, int]:
        overdue = deadlines.flags(item.state, item.due_at, now, zone).overdue
        due = item.due_at.isoformat() if item.due_at else "9999"
        return (0 if overdue else 1, due, item.id)

    visible.sort(key=order)
    await message.reply_text(
        queue_text(visible[:QUEUE_LIMIT], title, lang, zone, now),
        parse_mode=ParseMode.HTML,
    )


def queue_text(items: list[QueueItem], title: str, lang: str, zone: ZoneInfo, now: datetime) -> str:
    """The open reports, one line each, with their 临期 / 超期 / 督办 mark."""
    if not items:
        return t(lang, "queue.empty")
    lines = [t(lang, "queue.head", title=escape(title), count=len(items))]
    for item in items:
        mark = ""
        if item.due_at is not None:
            mark = deadline_mark(
                deadlines.flags(item.state, item.due_at, now, zone),
                lang,
            )
        lines.append(
            t(
                lang,
                "queue.item",
                number=item.id,
                state=label(item.state, lang),
                category=escape(category_words(item.category, lang)),
                enterprise=escape(item.enterprise),
                title=escape(item.title),
                due=local_time(item.due_at, zone),
                mark=mark,
            )
        )
    return "\n".join(lines)


def category_words(code: str, lang: str) -> str:
    """A category's short name (物流运输); an unknown code as stored."""
    try:
        return Category(code).short_label(lang)
    except ValueError:
        return code
