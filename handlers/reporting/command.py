"""`/report`: the one-line form (`/report LOG urgent 原材料运不进厂`) in any chat; without text,
a deep link to the private chat (in a group) or the guided dialog (in the private chat)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape

from pydantic import ValidationError
from telegram import Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from handlers import rendering
from handlers.common import Deps, deps, language
from handlers.i18n import t
from handlers.refusals import text_problem, text_refusal
from handlers.reporting import keyboards
from handlers.reporting.delivery import deliver_filed
from handlers.reporting.dialog import REPORT_PAYLOAD, start_dialog
from liaisonbot.domain.access import covers
from liaisonbot.domain.errors import NotAllowed, NotBound
from liaisonbot.domain.models import Enterprise, ReportContent
from liaisonbot.domain.vocabulary import Category, Channel, Role, Scope, Urgency
from liaisonbot.read import groups as group_views
from liaisonbot.read import reports as views
from liaisonbot.services import enterprises as enterprise_service
from liaisonbot.services import intake

MAX_NAMED = 8  # enterprises listed when a name matches several

# Words that may follow the category to set urgency or scope, in either language.
URGENCY_WORDS = {
    "urgent": Urgency.URGENT,
    "紧急": Urgency.URGENT,
    "high": Urgency.HIGH,
    "较急": Urgency.HIGH,
    "normal": Urgency.NORMAL,
    "一般": Urgency.NORMAL,
}
SCOPE_WORDS = {
    "local": Scope.LOCAL,
    "属地": Scope.LOCAL,
    "属地解决": Scope.LOCAL,
    "cross_dept": Scope.CROSS_DEPT,
    "跨部门": Scope.CROSS_DEPT,
    "cross_region": Scope.CROSS_REGION,
    "跨地区": Scope.CROSS_REGION,
    "national": Scope.NATIONAL,
    "国家": Scope.NATIONAL,
    "需国家层面协调": Scope.NATIONAL,
}


# How an officer heard what they file for an enterprise (电话、视频连线、走访).
CHANNEL_WORDS = {
    "电话": Channel.PHONE,
    "phone": Channel.PHONE,
    "视频": Channel.VIDEO,
    "视频连线": Channel.VIDEO,
    "video": Channel.VIDEO,
    "走访": Channel.VISIT,
    "visit": Channel.VISIT,
}
# Filed for an enterprise with no channel named: a phone call, the most common.
DEFAULT_CHANNEL = Channel.PHONE


@dataclass(frozen=True)
class OneLine:
    category_word: str
    category: Category | None
    urgency: Urgency
    scope: Scope
    text: str
    channel: Channel | None = None


def command_text(message: Message) -> str:
    """The text after the command, newlines kept (context.args would lose them)."""
    text = message.text or ""
    entity = next((e for e in message.entities if e.type == "bot_command" and e.offset == 0), None)
    return text[entity.length :].strip() if entity else ""


def parse_one_line(text: str) -> OneLine:
    first, _, rest = text.partition(" ")
    if "\n" in first:  # "/report LOG\ntitle": the category ends at the line break
        first, _, tail = first.partition("\n")
        rest = tail + (" " + rest if rest else "")
    urgency, scope, channel = Urgency.NORMAL, Scope.LOCAL, None
    while rest:
        word, _, remainder = rest.lstrip(" ").partition(" ")
        key = word.lower()
        if key in URGENCY_WORDS:
            urgency = URGENCY_WORDS[key]
        elif key in SCOPE_WORDS:
            scope = SCOPE_WORDS[key]
        elif key in CHANNEL_WORDS:
            channel = CHANNEL_WORDS[key]
        else:
            break
        rest = remainder
    return OneLine(first, Category.parse(first), urgency, scope, rest.strip(), channel)


def split_channel(text: str) -> tuple[Channel | None, str]:
    """A channel word before the category (`走访 LOG …`, `电话`), and the rest."""
    word, _, rest = text.strip().partition(" ")
    channel = CHANNEL_WORDS.get(word.lower())
    return (channel, rest) if channel else (None, text)


async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    lang = await language(context, user)
    text = command_text(message)
    private = message.chat.type == ChatType.PRIVATE
    if not private:  # an open group: everyone reads it, so reports are filed in private only
        group = await group_views.group(deps(context).db, message.chat.id)
        if group is not None and group.kind == "open":
            text = ""

    if not text:
        if private:
            await start_dialog(update, context, origin_chat_id=None)
        else:
            await message.reply_text(
                t(lang, "report.go_private"),
                reply_markup=keyboards.open_private_chat(
                    context.bot.username, f"{REPORT_PAYLOAD}{message.chat.id}", lang
                ),
            )
        return

    parsed = parse_one_line(text)
    d = deps(context)
    for_enterprise: Enterprise | None = None
    if parsed.category is None and await _is_officer(d, user.id):
        # `/report 华为 LOG …`: an officer files what an enterprise told them
        query, _, rest = text.partition(" ")
        for_enterprise = await _covered_enterprise(message, d, user.id, query.strip(), lang)
        if for_enterprise is None:
            return
        channel, rest = split_channel(rest)
        parsed = parse_one_line(rest)
        parsed = replace(parsed, channel=parsed.channel or channel or DEFAULT_CHANNEL)
        if not rest.strip():
            if private:
                await start_dialog(
                    update,
                    context,
                    origin_chat_id=None,
                    for_enterprise=for_enterprise,
                    channel=parsed.channel,
                )
            else:
                await message.reply_text(t(lang, "report.for_usage"))
            return
    if parsed.category is None:
        await message.reply_text(
            t(
                lang,
                "error.unknown_category",
                given=escape(parsed.category_word),
                categories=rendering.category_list(lang),
            ),
            parse_mode=ParseMode.HTML,
        )
        return
    if not parsed.text and private:
        await start_dialog(
            update,
            context,
            origin_chat_id=None,
            category=parsed.category,
            for_enterprise=for_enterprise,
            channel=parsed.channel,
        )
        return
    title, _, description = parsed.text.partition("\n")
    try:
        content = ReportContent(
            category=parsed.category,
            title=title,
            description=description,
            urgency=parsed.urgency,
            scope=parsed.scope,
            channel=(parsed.channel or DEFAULT_CHANNEL) if for_enterprise else Channel.CHAT,
        )
    except ValidationError as exc:
        problem = text_problem(exc)
        if problem is None:
            raise
        await message.reply_text(text_refusal(lang, problem))
        return

    try:
        filed = await intake.submit_report(
            d.db,
            reporter_id=user.id,
            content=content,
            source_key=f"msg:{message.chat.id}:{message.message_id}",
            now=d.now(),
            origin_chat_id=message.chat.id,
            origin_message_id=message.message_id,
            preferred_group_id=None if private else message.chat.id,
            for_enterprise_id=for_enterprise.id if for_enterprise else None,
        )
    except NotBound:
        await message.reply_text(t(lang, "error.not_bound"))
        return
    except NotAllowed:
        await message.reply_text(t(lang, "error.not_allowed"))
        return
    await deliver_filed(context.bot, d, filed.report_id)


async def _is_officer(d: Deps, user_id: int) -> bool:
    viewer = await views.viewer(d.db, user_id)
    return any(g.role in (Role.OFFICER, Role.ADMIN) for g in viewer.grants)


async def _covered_enterprise(
    message: Message, d: Deps, user_id: int, query: str, lang: str
) -> Enterprise | None:
    """The one enterprise in the officer's scope that `query` names (a name or credit code);
    else an answer saying what was found, and None."""
    viewer = await views.viewer(d.db, user_id)
    found = [
        e
        for e in await enterprise_service.find_enterprises(d.db, query)
        if covers(viewer.grants, e, Role.OFFICER)
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        await message.reply_text(
            t(
                lang,
                "report.for_not_found",
                query=escape(query),
                categories=rendering.category_list(lang),
            ),
            parse_mode=ParseMode.HTML,
        )
        return None
    names = "\n".join(
        f"• {escape(e.name)} <code>{escape(e.credit_code)}</code>" for e in found[:MAX_NAMED]
    )
    await message.reply_text(
        t(lang, "report.for_ambiguous", query=escape(query), names=names),
        parse_mode=ParseMode.HTML,
    )
    return None


async def edited_report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited `/report` files nothing; say so, so the sender is not left waiting."""
    message = update.edited_message
    if message is None or message.from_user is None:
        return
    lang = await language(context, message.from_user)
    await message.reply_text(t(lang, "report.edit_ignored"))
