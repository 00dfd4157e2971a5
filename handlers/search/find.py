"""`/find 关键词 [状态] [地区] [近N天]`: reports in the caller's scope, newest first, ten a page.

Telegram commands are Latin letters, digits and underscores, so `/搜 芯片` is no command to
Telegram: it arrives as plain text, and the private chat's text router (handlers/private_text.py)
hands it here. The page buttons name a saved search (`fs|<id>|<page>`); only the person who
searched may turn its pages, and each page is searched again in their present scope.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, ContextTypes

from handlers.common import deps, language
from handlers.i18n import t
from handlers.people.my_reports import show_number
from handlers.search.render import page_buttons, render_page
from liaisonbot.clock import to_db
from liaisonbot.domain.numbers import parse_id
from liaisonbot.read import reports as views
from liaisonbot.search import index, segmenter
from liaisonbot.search.query import SearchScope, region_lookup, search
from liaisonbot.search.terms import QueryProblem, parse

CHINESE_COMMAND = "/搜"
log = logging.getLogger(__name__)


def warm_up(application: Application) -> None:
    """At start, in the background: load jieba (about 1 s, in a worker thread) and index what
    changed while the bot was down (every report, the first time), so the first search is quick."""

    async def run() -> None:
        try:
            await segmenter.load()
            indexed = await index.refresh(application.bot_data["deps"].db)
            log.info("search index: %d report(s) indexed at start", indexed)
        except Exception:
            log.warning("search index not brought up to date at start", exc_info=True)

    application.bot_data["search_warm_up"] = asyncio.get_running_loop().create_task(run())


async def find_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_search(update, context, " ".join(context.args or ()))


async def on_chinese_search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """`/搜 …` typed in the private chat; False when the text is something else."""
    message = update.effective_message
    text = message.text if message is not None and message.text else ""
    if not text.startswith(CHINESE_COMMAND):
        return False
    await run_search(update, context, text[len(CHINESE_COMMAND) :])
    return True


async def run_search(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    scope = SearchScope.of(await views.viewer(d.db, user.id))
    if scope is None:
        await message.reply_text(t(lang, "find.not_allowed"))
        return
    try:
        query = parse(text, await region_lookup(d.db))
    except QueryProblem as problem:
        reason = t(lang, problem.key, **problem.params)
        await message.reply_text(reason + "\n" + t(lang, "find.usage_line"))
        return
    page = await search(d.db, scope, query, now=d.now())
    search_id = None
    if page.has_more:
        async with d.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO saved_searches (user_id, query, created_at) VALUES (?, ?, ?)",
                (user.id, text.strip(), to_db(d.now())),
            )
            search_id = cursor.lastrowid
    await message.reply_text(
        render_page(page, query, lang),
        parse_mode=ParseMode.HTML,
        reply_markup=page_buttons(page, search_id, lang),
    )


async def on_page_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """下一页 / 上一页: the saved search's page, in the presser's scope; anyone else's press, a
    forged or a stale button gets a short alert and changes nothing."""
    query_cb = update.callback_query
    user = update.effective_user
    assert query_cb is not None and user is not None
    lang = await language(context, user)
    d = deps(context)
    parts = (query_cb.data or "").split("|")
    search_id = parse_id(parts[1]) if len(parts) == 3 else None
    number = parse_id(parts[2]) if len(parts) == 3 and parts[2] != "0" else 0
    saved = (
        await d.db.fetch_one("SELECT user_id, query FROM saved_searches WHERE id = ?", (search_id,))
        if search_id is not None
        else None
    )
    if saved is None or number is None:
        await query_cb.answer(t(lang, "find.stale"), show_alert=True)
        return
    if saved["user_id"] != user.id:
        await query_cb.answer(t(lang, "find.not_yours"), show_alert=True)
        return
    scope = SearchScope.of(await views.viewer(d.db, user.id))
    if scope is None:
        await query_cb.answer(t(lang, "find.not_allowed"), show_alert=True)
        return
    try:
        query = parse(saved["query"], await region_lookup(d.db))
    except QueryProblem:
        await query_cb.answer(t(lang, "find.stale"), show_alert=True)
        return
    page = await search(d.db, scope, query, page=number, now=d.now())
    await query_cb.answer()
    await query_cb.edit_message_text(
        render_page(page, query, lang),
        parse_mode=ParseMode.HTML,
        reply_markup=page_buttons(page, search_id, lang),
    )


async def on_number_alone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A number sent alone (12, #12) opens that report, as /show does; False otherwise."""
    message = update.effective_message
    text = (message.text or "").strip().lstrip("#") if message is not None else ""
    number = parse_id(text) if text.isascii() and text.isdigit() else None
    if number is None:
        return False
    await show_number(update, context, number)
    return True
