"""The enterprise follows its report through: `/add N`, `/correct N`, `/withdraw N` and the
buttons under its acknowledgement (docs/domain.md#enterprises-follow-through).

With the text on the command line the step is taken at once; without it the bot asks (a
ForceReply question, answered in handlers/triage/prompts.py), and photos or files sent while an
`/add` question is open are added to that report. Who may: any contact of the enterprise, read
from the database (the button only names the report).
"""

from __future__ import annotations

import re
from html import escape

from telegram import InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.common import Deps, deps, language
from handlers.i18n import t
from handlers.refusals import domain_refusal, text_refusal
from handlers.reporting import keyboards
from handlers.triage.changes import after_change
from handlers.triage.questions import ask
from liaisonbot.domain.errors import DomainError
from liaisonbot.domain.limits import TextRejected
from liaisonbot.domain.models import Attachment, Report
from liaisonbot.domain.numbers import parse_report_number
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.domain.workflow import WORKING_STATES
from liaisonbot.read import reports as views
from liaisonbot.services import follow_up
from liaisonbot.services.triage import Change

VERBS = ("add", "correct", "withdraw", "withdraw_ok")
# `/add 3 text`, `/add #3 text`, `/add 问题3 text`: the number, then the rest.
_NUMBER_THEN_TEXT = re.compile(r"^\s*(\S+?)(?:[\s:：]+|$)(.*)$", re.DOTALL)
# "补充：…" typed without a command: added to the contact's one open report.
ADDITION_PREFIX = re.compile(r"^\s*(补充|add)\s*[:：]\s*", re.IGNORECASE)


async def add_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _command(update, context, "add")


async def correct_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _command(update, context, "correct")


async def withdraw_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _command(update, context, "withdraw")


async def _command(update: Update, context: ContextTypes.DEFAULT_TYPE, verb: str) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = await language(context, user)
    match = _NUMBER_THEN_TEXT.match(command_text(message))
    number = parse_report_number(match.group(1)) if match else None
    if match is None or number is None:
        await message.reply_text(t(lang, f"follow.usage_{verb}"))
        return
    text = match.group(2).strip()
    if not text and verb != "withdraw":
        await _ask(context, user, message.chat.id, number, verb, lang, message)
        return
    await _apply(context, message, user.id, number, verb, text, lang)


async def _ask(
    context: ContextTypes.DEFAULT_TYPE,
    user: User,
    chat_id: int,
    number: int,
    verb: str,
    lang: str,
    message: Message,
) -> None:
    d = deps(context)
    report = await _own_report(d, user.id, number)
    if report is None:
        await message.reply_text(t(lang, "error.report_not_found", number=number))
        return
    await ask(
        context.bot,
        d,
        chat_id=chat_id,
        reply_to=None,
        user_id=user.id,
        user_name=user.full_name,
        report_id=number,
        action=verb,
        expected=report.state,
        lang=lang,
    )


async def _own_report(d: Deps, user_id: int, number: int) -> Report | None:
    """The report, when `user_id` is a contact of its enterprise (else None: not found and not
    yours read the same)."""
    report = await views.report(d.db, number)
    viewer = await views.viewer(d.db, user_id)
    if report is None or viewer.contact_enterprise_id != report.enterprise_id:
        return None
    return report


async def apply_follow_up(
    d: Deps, user_id: int, number: int, verb: str, text: str, files: tuple[Attachment, ...] = ()
) -> Change:
    """One step of the enterprise's, by verb (an answer to a question lands here too)."""
    now = d.now()
    if verb == "add":
        return await follow_up.add_info(d.db, number, user_id, text, attachments=files, now=now)
    if verb == "correct":
        title, _, description = text.strip().partition("\n")
        return await follow_up.correct(d.db, number, user_id, title, description, now=now)
    return await follow_up.withdraw(d.db, number, user_id, text, now=now)


async def _apply(
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    user_id: int,
    number: int,
    verb: str,
    text: str,
    lang: str,
    files: tuple[Attachment, ...] = (),
) -> None:
    d = deps(context)
    try:
        change = await apply_follow_up(d, user_id, number, verb, text, files)
    except TextRejected as problem:
        await message.reply_text(text_refusal(lang, problem))
        return
    except DomainError as exc:
        await message.reply_text(domain_refusal(lang, exc), parse_mode=ParseMode.HTML)
        return
    await message.reply_text(t(lang, f"done.{verb}", number=number))
    await after_change(context.bot, d, change)


async def on_follow_up_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """补充 / 修改 / 撤回 under the acknowledgement. 撤回 asks to confirm with a second press."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    lang = await language(context, user)
    parts = (query.data or "").split("|")
    number = parse_report_number(parts[2]) if len(parts) == 3 else None
    message = query.message if isinstance(query.message, Message) else None
    d = deps(context)
    report = await _own_report(d, user.id, number) if number else None
    if number is None or parts[1] not in VERBS or message is None or report is None:
        await query.answer(t(lang, "button.unknown"), show_alert=True)
        return
    verb = parts[1]
    if verb != "add" and report.state is not ReportState.SUBMITTED:  # a stale button
        state = report.state.label(lang)
        await query.answer(
            t(lang, "error.not_withdrawable", number=number, state=state), show_alert=True
        )
        return
    if verb == "withdraw":
        await query.answer()
        await message.reply_text(
            t(lang, "follow.confirm_withdraw", number=number),
            reply_markup=InlineKeyboardMarkup(
                [[keyboards.follow_up_button(lang, "withdraw_ok", number)]]
            ),
        )
        return
    if verb == "withdraw_ok":
        await query.answer()
        await message.edit_reply_markup(None)
        await _apply(context, message, user.id, number, "withdraw", "", lang)
        return
    await query.answer()
    await _ask(context, user, message.chat.id, number, verb, lang, message)


async def add_file_to_open_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A photo or file in the private chat while an `/add` question waits: added to that report.
    False when no such question is open."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    d = deps(context)
    waiting = [
        p for p in await views.open_prompts(d.db, message.chat.id, user.id) if p.action == "add"
    ]
    if not waiting:
        return False
    lang = await language(context, user)
    number = waiting[-1].report_id
    await _apply(
        context, message, user.id, number, "add", message.caption or "", lang, _files_of(message)
    )
    return True


def command_text(message: Message) -> str:
    """The text after the command, newlines kept."""
    text = message.text or ""
    entity = next((e for e in message.entities if e.type == "bot_command" and e.offset == 0), None)
    return text[entity.length :].strip() if entity else ""


def _files_of(message: Message) -> tuple[Attachment, ...]:
    if message.photo:
        photo = message.photo[-1]
        return (
            Attachment(kind="photo", file_id=photo.file_id, file_unique_id=photo.file_unique_id),
        )
    if message.document:
        doc = message.document
        return (
            Attachment(
                kind="document",
                file_id=doc.file_id,
                file_unique_id=doc.file_unique_id,
                file_name=doc.file_name or "",
            ),
        )
    return ()


async def add_typed_addition(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """ "补充：…" typed in the private chat by a contact: added to their one open report, or they
    are asked which (/add N). False when the text is no addition or the sender no contact."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    text = message.text or ""
    if not ADDITION_PREFIX.match(text):
        return False
    d = deps(context)
    viewer = await views.viewer(d.db, user.id)
    if viewer.contact_enterprise_id is None:
        return False
    lang = await language(context, user)
    items = await views.enterprise_reports(d.db, viewer.contact_enterprise_id, limit=50)
    open_ones = [i.id for i in items if i.state in WORKING_STATES]
    if len(open_ones) != 1:
        numbers = t(lang, "text.list_sep").join(str(n) for n in open_ones) or "—"
        await message.reply_text(t(lang, "follow.which_report", numbers=escape(numbers)))
        return True
    body = ADDITION_PREFIX.sub("", text, count=1)
    await _apply(context, message, user.id, open_ones[0], "add", body, lang)
    return True
