"""Check-in commands for officers and officials:

- `/missing` in a liaison group: who has not answered the latest round in the group's scope;
- `/status` in a liaison group: the round's figures and the 未复工达产名单 for the group's scope;
- `/checkin ENTERPRISE STATUS [在册/在岗] [产能%] [预计日期] [瓶颈] [确认]`: an officer records
  an answer on the enterprise's behalf (after a phone call), marked as such; concerns are named
  and the command is repeated with `确认` to store it anyway.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from html import escape

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.checkins import render
from handlers.common import deps, language
from handlers.i18n import t
from liaisonbot.domain.access import covers
from liaisonbot.domain.checkins import (
    DEFAULT_THRESHOLD,
    Answer,
    InputRefused,
    ResumptionStatus,
    RoundStatus,
    concerns,
    parse_counts,
    parse_date,
    parse_percent,
)
from liaisonbot.domain.vocabulary import Category, Role
from liaisonbot.read import checkins as checkin_views
from liaisonbot.read import groups as group_views
from liaisonbot.read import reports as views
from liaisonbot.services import checkins
from liaisonbot.services import enterprises as enterprise_service

CONFIRM_WORDS = ("确认", "confirm")
_STATUS_WORDS = {
    "未复工": ResumptionStatus.NOT_RESUMED,
    "部分复工": ResumptionStatus.PARTIAL,
    "全面复工": ResumptionStatus.FULL,
    "停产": ResumptionStatus.CLOSED,
    "注销": ResumptionStatus.CLOSED,
    "停产·注销": ResumptionStatus.CLOSED,
}


async def _group_scope(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> tuple[str, str] | None:
    chat = update.effective_chat
    if chat is None or chat.type == "private":
        return None
    group = await group_views.group(deps(context).db, chat.id)
    if group is None:
        return None
    return group.region_prefix, group.chain


async def missing_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    lang = await language(context, update.effective_user)
    scope = await _group_scope(update, context)
    if scope is None:
        await message.reply_text(t(lang, "checkin.group_only"))
        return
    d = deps(context)
    day = await checkin_views.latest_round(d.db)
    if day is None:
        await message.reply_text(t(lang, "checkin.no_rounds"))
        return
    items = await checkin_views.entries(d.db, day, region_prefix=scope[0], chain=scope[1])
    missing = [e for e in items if e.status is RoundStatus.MISSING]
    if not missing:
        await message.reply_text(t(lang, "checkin.none_missing", day=day.isoformat()))
        return
    names = "\n".join(f"• {escape(e.name)}" for e in missing[:60])
    more = t(lang, "checkin.more", count=len(missing) - 60) if len(missing) > 60 else ""
    await message.reply_text(
        t(lang, "checkin.missing", day=day.isoformat(), count=len(missing), names=names) + more,
        parse_mode=ParseMode.HTML,
    )


async def status_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    lang = await language(context, update.effective_user)
    scope = await _group_scope(update, context)
    if scope is None:
        await message.reply_text(t(lang, "checkin.group_only"))
        return
    d = deps(context)
    picture = await checkin_views.picture(d.db, region_prefix=scope[0], chain=scope[1])
    if picture is None:
        await message.reply_text(t(lang, "checkin.no_rounds"))
        return
    shortfalls = await checkin_views.shortfalls(d.db, picture.round_date, items=picture.entries)
    await message.reply_text(
        render.picture_text(picture, shortfalls, lang, threshold=DEFAULT_THRESHOLD),
        parse_mode=ParseMode.HTML,
    )


def parse_on_behalf(words: list[str], d_today: date) -> tuple[Answer, bool]:
    """The status and values of `/checkin` after the enterprise; whether `确认` was given."""
    status: ResumptionStatus | None = None
    answer = Answer(ResumptionStatus.PARTIAL)
    confirmed = False
    for word in words:
        if word.lower() in CONFIRM_WORDS:
            confirmed = True
        elif word in _STATUS_WORDS or ResumptionStatus.parse(word):
            status = _STATUS_WORDS.get(word) or ResumptionStatus.parse(word)
        elif re.fullmatch(r"\d+\s*[/／]\s*\d+", word):
            registered, on_duty = parse_counts(word)
            answer = replace(answer, registered=registered, on_duty=on_duty)
        elif word.endswith(("%", "％")) or word.startswith("百分之"):
            answer = replace(answer, capacity=parse_percent(word))
        elif Category.parse(word) is not None:
            answer = replace(answer, bottleneck=Category.parse(word))
        else:
            answer = replace(answer, expected=parse_date(word, d_today))
    if status is None:
        raise InputRefused("checkin.behalf_no_status", " ".join(words))
    return replace(answer, status=status), confirmed


async def checkin_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    d = deps(context)
    lang = await language(context, user)
    args = list(context.args or ())
    if len(args) < 2:
        await message.reply_text(t(lang, "checkin.behalf_usage"))
        return
    viewer = await views.viewer(d.db, user.id)
    found = [
        e
        for e in await enterprise_service.find_enterprises(d.db, args[0])
        if covers(viewer.grants, e, Role.OFFICER) or e.liaison_officer_id == user.id
    ]
    if len(found) != 1:
        key = "checkin.behalf_not_found" if not found else "checkin.behalf_ambiguous"
        await message.reply_text(
            t(lang, key, query=escape(args[0]), count=len(found)), parse_mode=ParseMode.HTML
        )
        return
    enterprise = found[0]
    assert enterprise.id is not None
    today = d.now().astimezone(d.settings.zone).date()
    try:
        answer, confirmed = parse_on_behalf(args[1:], today)
    except InputRefused as refused:
        await message.reply_text(
            t(lang, refused.key, text=escape(refused.text[:50]))
            + "\n"
            + t(lang, "checkin.behalf_usage"),
            parse_mode=ParseMode.HTML,
        )
        return
    day = await checkins.round_for_answer(d.db, enterprise, d.now(), d.settings.zone)
    previous = await checkins.latest(d.db, enterprise.id, before=day)
    found_concerns = concerns(answer, previous[1] if previous else None, today)
    if found_concerns and not confirmed:
        text = render.concerns_text(found_concerns, answer, previous[1] if previous else None, lang)
        await message.reply_text(
            text + "\n" + t(lang, "checkin.behalf_confirm"), parse_mode=ParseMode.HTML
        )
        return
    version = await checkins.record_answer(
        d.db,
        enterprise.id,
        day,
        answer,
        recorded_by=user.id,
        on_behalf=True,
        confirmed=[c.value for c in found_concerns],
        source_key=f"upd:{update.update_id}",
        now=d.now(),
    )
    await message.reply_text(
        t(
            lang,
            "checkin.behalf_stored",
            enterprise=escape(enterprise.name),
            day=day.isoformat(),
            version=version or 1,
            answer=render.answer_text(answer, lang),
        ),
        parse_mode=ParseMode.HTML,
    )
