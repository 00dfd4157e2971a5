"""`/report`: the one-line form (`/report LOG urgent 原材料运不进厂`) in any chat; without text,
a deep link to the private chat (in a group) or the guided dialog (in the private chat)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from pydantic import ValidationError
from telegram import Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from handlers import rendering
from handlers.common import deps, language
from handlers.i18n import t
from handlers.refusals import text_problem, text_refusal
from handlers.reporting import keyboards
from handlers.reporting.delivery import deliver_filed
from handlers.reporting.dialog import REPORT_PAYLOAD, start_dialog
from liaisonbot.domain.errors import NotBound
from liaisonbot.domain.models import ReportContent
from liaisonbot.domain.vocabulary import Category, Scope, Urgency
from liaisonbot.read import groups as group_views
from liaisonbot.services import intake

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


@dataclass(frozen=True)
class OneLine:
    category_word: str
    category: Category | None
    urgency: Urgency
    scope: Scope
    text: str


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
    urgency, scope = Urgency.NORMAL, Scope.LOCAL
    while rest:
        word, _, remainder = rest.lstrip(" ").partition(" ")
        key = word.lower()
        if key in URGENCY_WORDS:
            urgency = URGENCY_WORDS[key]
        elif key in SCOPE_WORDS:
            scope = SCOPE_WORDS[key]
        else:
            break
        rest = remainder
    return OneLine(first, Category.parse(first), urgency, scope, rest.strip())


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
        await start_dialog(update, context, origin_chat_id=None, category=parsed.category)
        return
    title, _, description = parsed.text.partition("\n")
    try:
        content = ReportContent(
            category=parsed.category,
            title=title,
            description=description,
            urgency=parsed.urgency,
            scope=parsed.scope,
        )
    except ValidationError as exc:
        problem = text_problem(exc)
        if problem is None:
            raise
        await message.reply_text(text_refusal(lang, problem))
        return

    d = deps(context)
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
        )
    except NotBound:
        await message.reply_text(t(lang, "error.not_bound"))
        return
    await deliver_filed(context.bot, d, filed.report_id)


async def edited_report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited `/report` files nothing; say so, so the sender is not left waiting."""
    message = update.edited_message
    if message is None or message.from_user is None:
        return
    lang = await language(context, message.from_user)
    await message.reply_text(t(lang, "report.edit_ignored"))
