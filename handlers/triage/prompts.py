"""Text answers to the bot's questions (ForceReply), and progress notes by replying to a card.

Group privacy mode lets the bot see replies to its own messages, so everything here arrives as a
reply: to a prompt (its row says which report, which action, whose answer counts and which
state it expects) or to a card (a progress note; starting it with 公开 / public: tells the
enterprise too). Other replies in a private chat belong to the report dialog.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from handlers.common import Deps, deps, language
from handlers.i18n import t
from handlers.refusals import domain_refusal, text_refusal
from handlers.reporting.follow_up import ADDITION_PREFIX
from handlers.triage.cards import refresh_cards
from handlers.triage.changes import after_change
from liaisonbot.domain.errors import (
    BadArgument,
    BadNumber,
    BadPerson,
    DomainError,
    ExtensionOutOfRange,
    IllegalTransition,
    StaleState,
)
from liaisonbot.domain.limits import TextRejected
from liaisonbot.domain.numbers import parse_id, parse_number, parse_report_number
from liaisonbot.read import reports as views
from liaisonbot.services import follow_up, triage
from liaisonbot.services import policies as policy_service
from liaisonbot.services.triage import Change, Outcome, Satisfaction, Seat

log = logging.getLogger(__name__)

PUBLIC_PREFIX = re.compile(r"^\s*(公开|public)\s*[:：]\s*", re.IGNORECASE)


async def on_group_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reply in a group: the answer to a question of the bot, or a progress note on a card.
    (Text in the private chat, replies included, goes through handlers/private_text.py.)"""
    message = update.effective_message
    assert message is not None
    reply_to = message.reply_to_message
    if reply_to is None:
        return
    d = deps(context)
    prompt = await views.prompt(d.db, message.chat.id, reply_to.message_id)
    if prompt is not None:
        await answer_prompt(update, context, prompt)
        return
    card_report = await views.report_by_card(d.db, message.chat.id, reply_to.message_id)
    if card_report is not None:
        await _note_on_card(update, context, card_report)


async def prompt_replied_to(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> views.Prompt | None:
    """The question of the bot `update`'s message replies to, if any."""
    message = update.effective_message
    assert message is not None
    reply_to = message.reply_to_message
    if reply_to is None:
        return None
    return await views.prompt(deps(context).db, message.chat.id, reply_to.message_id)


async def answer_open_prompt(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Text in the private chat that is no reply to a question (typed as a plain message, or a
    reply to another message) when no report form is open: the answer to the one question still
    waiting for this user there, taken as if it were a reply to it. With several, the user is
    asked to reply to the one they mean. False when none waits."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    if message.chat.type != ChatType.PRIVATE:
        return False
    d = deps(context)
    waiting = await views.open_prompts(d.db, message.chat.id, user.id)
    if not waiting:
        return False
    # One question asked twice (不满意 pressed twice) is still one question: the latest counts.
    latest = {(p.report_id, p.action): p for p in waiting}
    if len(latest) > 1:
        lang = await language(context, user)
        numbers = sorted({p.report_id for p in latest.values()})
        await message.reply_text(
            t(
                lang,
                "prompt.several_open",
                count=len(latest),
                numbers=t(lang, "text.list_sep").join(
                    t(lang, "prompt.open_item", number=n) for n in numbers
                ),
            )
        )
        return True
    (prompt,) = latest.values()
    await answer_prompt(update, context, prompt)
    return True


async def answer_prompt(
    update: Update, context: ContextTypes.DEFAULT_TYPE, prompt: views.Prompt
) -> None:
    """`update`'s text as the answer to `prompt`: checked, applied, the people concerned told."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    d = deps(context)
    lang = await language(context, user)
    if prompt.user_id != user.id:
        await message.reply_text(t(lang, "prompt.not_yours"))
        return
    if prompt.used:
        await message.reply_text(t(lang, "prompt.used"))
        return
    text = message.text or ""
    try:
        change = await _answer(d, prompt, user.id, text)
    except TextRejected as problem:
        await message.reply_text(text_refusal(lang, problem))  # the question stays open
        return
    except BadArgument as exc:
        await message.reply_text(domain_refusal(lang, exc), parse_mode=ParseMode.HTML)
        return
    except (StaleState, IllegalTransition) as exc:
        await triage.close_prompt(d.db, prompt.chat_id, prompt.message_id, d.now())
        await message.reply_text(domain_refusal(lang, exc), parse_mode=ParseMode.HTML)
        await refresh_cards(context.bot, d, prompt.report_id)
        return
    except DomainError as exc:
        await message.reply_text(domain_refusal(lang, exc), parse_mode=ParseMode.HTML)
        return
    await triage.close_prompt(d.db, prompt.chat_id, prompt.message_id, d.now())
    await message.reply_text(t(lang, f"done.{prompt.action}", number=prompt.report_id))
    await after_change(context.bot, d, change)


async def _seat_of(d: Deps, chat_id: int, report_id: int) -> Seat:
    info = await views.triage_info(d.db, report_id)
    if info is not None and (
        info.escalation_chat_id == chat_id or any(c.chat_id == chat_id for c in info.levels)
    ):
        return Seat.ESCALATION
    return Seat.GROUP


async def _answer(d: Deps, prompt: views.Prompt, user_id: int, text: str) -> Change:
    now = d.now()
    rid = prompt.report_id
    expected = prompt.expected_state
    argument, _, seat_text = prompt.argument.partition("@")
    seat = Seat(seat_text) if seat_text else await _seat_of(d, prompt.chat_id, rid)
    action = prompt.action
    if action == "return":
        return await triage.return_for_info(
            d.db, rid, user_id, text, expected=expected, now=now, seat=seat
        )
    level = int(argument) if argument.isdigit() else None
    if action == "escalate":
        return await triage.escalate(
            d.db, rid, user_id, text, expected=expected, now=now, seat=seat, at_level=level
        )
    if action == "reject":
        return await triage.reject(d.db, rid, user_id, text, expected=expected, now=now)
    if action == "send_back":
        return await triage.send_back(
            d.db, rid, user_id, text, expected=expected, now=now, at_level=level
        )
    if action == "units":
        return await triage.set_units(d.db, rid, user_id, text, now=now, seat=seat)
    if action == "region":
        return await triage.name_other_region(d.db, rid, user_id, text, now=now, seat=seat)
    if action == "assist_note":
        return await triage.assist_note(d.db, rid, argument, user_id, text, now=now)
    if action == "resolve":
        body, policies = triage.split_policies(text)
        policies = _with_ticked(policies, await policy_service.applied_titles(d.db, rid))
        return await triage.resolve(
            d.db,
            rid,
            user_id,
            Outcome(argument),
            body,
            policies=policies,
            expected=expected,
            now=now,
            seat=seat,
        )
    if action in ("note", "pub"):
        return await triage.add_note(
            d.db, rid, user_id, text, public=action == "pub", now=now, seat=seat
        )
    if action == "merge":
        return await triage.merge(d.db, rid, user_id, _number(text), expected=expected, now=now)
    if action == "link":
        return await triage.link(d.db, rid, user_id, _number(text), now=now)
    if action == "assign":
        assignee = await _person(d, text)
        return await triage.assign(
            d.db, rid, user_id, assignee, expected=expected, now=now, seat=seat
        )
    if action == "extend":
        days_text, _, reason = text.strip().partition(" ")
        days = parse_number(unicodedata.normalize("NFKC", days_text), maximum=999)
        try:
            return await triage.extend(
                d.db,
                rid,
                user_id,
                days or 0,
                reason,
                expected=expected,
                now=now,
                zone=d.settings.zone,
                seat=seat,
            )
        except ExtensionOutOfRange as exc:
            exc.params["value"] = days_text[:20]  # as typed: `四十`, `40天`
            raise
    if action == "add":
        text = ADDITION_PREFIX.sub("", text, count=1)  # "补充：…" as the answer
        return await follow_up.add_info(d.db, rid, user_id, text, now=now)
    if action == "correct":
        title, _, description = text.strip().partition("\n")
        return await follow_up.correct(d.db, rid, user_id, title, description, now=now)
    if action == "withdraw":
        return await follow_up.withdraw(d.db, rid, user_id, text, now=now)
    if action == "info":
        return await triage.give_info(d.db, rid, user_id, text, now=now)
    if action == "reopen":
        return await triage.rate(d.db, rid, user_id, Satisfaction.UNSATISFIED, now=now, reason=text)
    raise BadArgument(value=action)


def _with_ticked(typed: str, ticked: list[str]) -> str:
    """The policies typed after 政策： and those ticked on the card's policy panel, once each."""
    names = [p for p in typed.split("；") if p] if typed else []
    names += [title for title in ticked if title not in names]
    return "；".join(names)


def _number(text: str) -> int:
    number = parse_report_number(text)
    if number is None:
        raise BadNumber(value=text.strip()[:20])
    return number


async def _person(d: Deps, text: str) -> int:
    """A user id, or an @username the bot has seen."""
    word = text.strip()
    if (user_id := parse_id(word)) is not None:
        return user_id
    if word.startswith("@"):
        user_id = await views.user_id_by_username(d.db, word[1:])
        if user_id is not None:
            return user_id
    raise BadPerson(value=word[:40])


async def _note_on_card(update: Update, context: ContextTypes.DEFAULT_TYPE, report_id: int) -> None:
    """A reply to a card in a group: a progress note by an officer (anyone else: refused)."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    d = deps(context)
    lang = await language(context, user)
    text = message.text or ""
    public = bool(PUBLIC_PREFIX.match(text))
    text = PUBLIC_PREFIX.sub("", text, count=1)
    seat = await _seat_of(d, message.chat.id, report_id)
    try:
        change = await triage.add_note(
            d.db, report_id, user.id, text, public=public, now=d.now(), seat=seat
        )
    except TextRejected as problem:
        await message.reply_text(text_refusal(lang, problem))
        return
    except DomainError as exc:
        await message.reply_text(domain_refusal(lang, exc), parse_mode=ParseMode.HTML)
        return
    await message.reply_text(t(lang, "done.pub" if public else "done.note", number=report_id))
    await after_change(context.bot, d, change)
