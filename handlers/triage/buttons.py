"""The buttons on a report card: plain CallbackQueryHandlers whose state lives in the database.

Callback data (`t|<id>|<verb>|<state>|<arg>`) only says what was pressed. A press counts when the
message pressed is that report's card (in its liaison group or in the escalation group), the verb
is one that card shows in the state named, and the presser's roles (read from the database by
the service) cover the enterprise. A stale state gets an alert and a refreshed card.

After every change both cards are edited in place and the reporter is told what concerns them.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from html import escape
from zoneinfo import ZoneInfo

from telegram import (
    Bot,
    CallbackQuery,
    ForceReply,
    InlineKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError
from telegram.ext import ContextTypes

from handlers import keyboards, rendering
from handlers.common import Deps, deps, language
from handlers.i18n import t
from handlers.refusals import domain_refusal
from liaisonbot.domain.errors import BadArgument, DomainError, IllegalTransition, StaleState
from liaisonbot.domain.models import Report
from liaisonbot.domain.vocabulary import Category, ReportState, Scope, Urgency
from liaisonbot.domain.workflow import Action, Activity
from liaisonbot.read import reports as views
from liaisonbot.services import triage
from liaisonbot.services.triage import Change, Satisfaction, Seat
from liaisonbot.store import UnitOfWork

log = logging.getLogger(__name__)

# Buttons that open a panel on the card, and the verbs of that panel.
PANEL_VERBS = {"acu": "acc", "acx": "acc", "out": "res", "cas": "cat", "back": None}

# Verbs answered with a question (ForceReply): the prompt's action and what the service checks.
PROMPT_VERBS: dict[str, tuple[str, Action | Activity]] = {
    "ret": ("return", Action.RETURN),
    "esc": ("escalate", Action.ESCALATE),
    "rej": ("reject", Action.REJECT),
    "mrg": ("merge", Action.MERGE),
    "asg": ("assign", Activity.ASSIGN),
    "lnk": ("link", Activity.LINK),
    "ext": ("extend", Activity.EXTEND),
    "note": ("note", Activity.NOTE),
    "pub": ("pub", Activity.NOTE),
    "sbk": ("send_back", Action.SEND_BACK),
    "out": ("resolve", Action.RESOLVE),
}


def verbs_on_card(seat: Seat, state: str) -> set[str]:
    rows = keyboards.CARD_VERBS.get((seat.value, state), ())
    return {verb for row in rows for verb in row}


def verb_allowed(seat: Seat, state: str, verb: str) -> bool:
    on_card = verbs_on_card(seat, state)
    if verb in on_card:
        return True
    if verb in PANEL_VERBS:
        opener = PANEL_VERBS[verb]
        return opener is None or opener in on_card
    return False


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    d = deps(context)
    lang = await language(context, query.from_user)
    parsed = keyboards.parse_triage_data(query.data)
    message = query.message
    if parsed is None or message is None:
        await query.answer(t(lang, "triage.forged"), show_alert=True)
        return
    report_id, verb, expected_state, argument = parsed
    expected = ReportState(expected_state)

    if verb == "sat":
        await _on_satisfaction(query, d, lang, report_id, argument)
        return

    report = await views.report(d.db, report_id)
    info = await views.triage_info(d.db, report_id)
    seat = _seat(report, info, message.chat.id, message.message_id)
    if report is None or info is None or seat is None or not verb_allowed(seat, expected, verb):
        log.warning("forged or misplaced button %r from user %s", query.data, query.from_user.id)
        await query.answer(t(lang, "triage.forged"), show_alert=True)
        return

    user_id = query.from_user.id
    try:
        change = await _dispatch(query, d, lang, report_id, verb, expected, argument, seat)
    except (StaleState, IllegalTransition) as exc:
        await query.answer(domain_refusal(lang, exc, html=False), show_alert=True)
        await refresh_cards(context.bot, d, report_id)
        return
    except DomainError as exc:
        log.info("refused %s on report %s for user %s: %s", verb, report_id, user_id, exc.code)
        await query.answer(domain_refusal(lang, exc, html=False), show_alert=True)
        return
    if change is not None:
        await query.answer(t(lang, "triage.done"))
        await after_change(context.bot, d, change)


def _seat(
    report: Report | None, info: views.TriageInfo | None, chat_id: int, message_id: int
) -> Seat | None:
    if report is None or info is None:
        return None
    if report.group_chat_id == chat_id and report.card_message_id == message_id:
        return Seat.GROUP
    if info.escalation_chat_id == chat_id and info.escalation_message_id == message_id:
        return Seat.ESCALATION
    return None


async def _dispatch(
    query: CallbackQuery,
    d: Deps,
    lang: str,
    report_id: int,
    verb: str,
    expected: ReportState,
    argument: str,
    seat: Seat,
) -> Change | None:
    """Run the press; None when it only changed what the card shows (a panel, a question)."""
    press = _Press(query, d, lang, report_id, verb, expected, argument, seat)
    if verb in PANEL_OPENERS:
        await _open_panel(press)
        return None
    if verb in PROMPT_VERBS:
        await _ask_for_text(press)
        return None
    return await _apply(press)


# Buttons that only swap the card's buttons for a panel (or back); nothing changes yet.
PANEL_OPENERS = frozenset({"acc", "acu", "res", "cat", "back"})


@dataclass(frozen=True)
class _Press:
    """One press on a card, already known to be a verb that card shows (`verb_allowed`)."""

    query: CallbackQuery
    d: Deps
    lang: str
    report_id: int
    verb: str
    expected: ReportState
    argument: str
    seat: Seat

    @property
    def user_id(self) -> int:
        return self.query.from_user.id

    async def preflight(self, step: Action | Activity | None) -> Report:
        """Refuse (DomainError) unless the presser may take `step` now; the report otherwise."""
        return await triage.preflight(
            self.d.db, self.report_id, self.user_id, self.seat, self.expected, step
        )

    def card_buttons(self) -> InlineKeyboardMarkup | None:
        return keyboards.triage_card(self.report_id, self.expected, self.seat.value, self.lang)


async def _open_panel(p: _Press) -> None:
    """acc / acu: the accept panel (urgency and scope to confirm); res: the outcomes; cat: the
    categories; back: the card's own buttons. Checked first as the step the panel leads to."""
    markup: InlineKeyboardMarkup | None
    if p.verb in ("acc", "acu"):
        report = await p.preflight(Action.ACCEPT)
        pick = keyboards.parse_accept_pick(p.argument) if p.verb == "acu" else None
        urgency, scope = pick or (report.content.urgency, report.content.scope)
        markup = keyboards.accept_panel(p.report_id, p.expected, urgency, scope, p.lang)
    elif p.verb == "res":
        await p.preflight(Action.RESOLVE)
        markup = keyboards.outcome_panel(p.report_id, p.expected, p.lang)
    elif p.verb == "cat":
        report = await p.preflight(Activity.RECATEGORIZE)
        markup = keyboards.category_panel(p.report_id, p.expected, report.content.category, p.lang)
    else:  # back
        await p.preflight(None)
        markup = p.card_buttons()
    await p.query.answer()
    await p.query.edit_message_reply_markup(markup)


async def _apply(p: _Press) -> Change:
    """The presses that change the report at once."""
    db, now, user_id, expected, seat = p.d.db, p.d.now(), p.user_id, p.expected, p.seat
    if p.verb == "acx":
        pick = keyboards.parse_accept_pick(p.argument)
        if pick is None:
            raise BadArgument(value=p.argument)
        urgency, scope = pick
        return await triage.accept(
            db,
            p.report_id,
            user_id,
            expected=expected,
            now=now,
            zone=p.d.settings.zone,
            urgency=urgency,
            scope=scope,
            seat=seat,
        )
    if p.verb == "cas":
        category = Category.parse(p.argument)
        if category is None:
            raise BadArgument(value=p.argument)
        return await triage.recategorize(
            db, p.report_id, user_id, category, expected=expected, now=now, seat=seat
        )
    if p.verb == "sig":
        return await triage.sign(db, p.report_id, user_id, expected=expected, now=now, seat=seat)
    if p.verb == "tak":
        return await triage.assign(db, p.report_id, user_id, expected=expected, now=now, seat=seat)
    if p.verb == "ack":
        return await triage.acknowledge(db, p.report_id, user_id, now=now)
    raise BadArgument(value=p.verb)


async def _ask_for_text(p: _Press) -> None:
    """A verb that needs words (a reason, a number, the outcome's text): ask with ForceReply.
    For an outcome (`out`), the panel goes back to the card's buttons."""
    action, step = PROMPT_VERBS[p.verb]
    outcome = p.verb == "out"
    if outcome and p.argument not in keyboards.OUTCOME_CODES:
        raise BadArgument(value=p.argument)
    await p.preflight(step)
    await p.query.answer()
    if outcome:
        await p.query.edit_message_reply_markup(p.card_buttons())
    message = p.query.message
    assert message is not None
    await ask(
        p.query.get_bot(),
        p.d,
        chat_id=message.chat.id,
        reply_to=message.message_id,
        user_id=p.user_id,
        user_name=p.query.from_user.full_name,
        report_id=p.report_id,
        action=action,
        expected=p.expected,
        argument=keyboards.OUTCOME_CODES[p.argument] if outcome else "",
        lang=p.lang,
        seat=p.seat,
    )


async def ask(
    bot: Bot,
    d: Deps,
    *,
    chat_id: int,
    reply_to: int | None,
    user_id: int,
    user_name: str,
    report_id: int,
    action: str,
    expected: ReportState,
    argument: str = "",
    lang: str,
    extra: str = "",
    seat: Seat | None = None,
) -> None:
    """Ask `user_id` for the text an action needs; their reply to this message answers it.

    ForceReply works with group privacy mode on: the bot receives replies to its own messages.
    When the question cannot be posted in the group, it is asked in the user's private chat.
    The seat the button was pressed in travels with the prompt (`argument@seat`).
    """
    mention = f'<a href="tg://user?id={user_id}">{escape(user_name)}</a>'
    text = t(lang, f"prompt.{action}", who=mention, number=report_id)
    if extra:
        text += "\n" + extra
    try:
        sent = await bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=ForceReply(selective=True),
            reply_parameters=(
                ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
            ),
        )
    except TelegramError as exc:
        if chat_id == user_id:
            raise
        log.warning(
            "question for report %s not posted in %s (%s); asked privately", report_id, chat_id, exc
        )
        chat_id = user_id
        sent = await bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=ForceReply()
        )
    if seat is not None:
        argument = f"{argument}@{seat.value}"
    await triage.add_prompt(
        d.db,
        chat_id=chat_id,
        message_id=sent.message_id,
        report_id=report_id,
        user_id=user_id,
        action=action,
        expected_state=expected,
        argument=argument,
        now=d.now(),
    )


# -- the reporter's 满意 / 基本满意 / 不满意 -----------------------------------------------------


async def _on_satisfaction(
    query: CallbackQuery, d: Deps, lang: str, report_id: int, argument: str
) -> None:
    message = query.message
    assert message is not None
    name = keyboards.SATISFACTION_CODES.get(argument)
    # Pressed in the private chat, or in the group when the reporter never opened one; either
    # way only the reporter may answer (checked by the service against the database).
    if name is None:
        await query.answer(t(lang, "triage.forged"), show_alert=True)
        return
    satisfaction = Satisfaction(name)
    try:
        if satisfaction is Satisfaction.UNSATISFIED:
            await triage.preflight_reporter(d.db, report_id, query.from_user.id)
            await query.answer()
            await ask(
                query.get_bot(),
                d,
                chat_id=message.chat.id,
                reply_to=message.message_id,
                user_id=query.from_user.id,
                user_name=query.from_user.full_name,
                report_id=report_id,
                action="reopen",
                expected=ReportState.RESOLVED,
                lang=lang,
            )
            return
        change = await triage.rate(d.db, report_id, query.from_user.id, satisfaction, now=d.now())
    except DomainError as exc:
        await query.answer(domain_refusal(lang, exc, html=False), show_alert=True)
        return
    await query.answer(t(lang, "triage.thanks"))
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest:
        log.debug("satisfaction keyboard already gone", exc_info=True)
    await after_change(query.get_bot(), d, change)


# -- after a change ------------------------------------------------------------------------------


async def after_change(bot: Bot, d: Deps, change: Change) -> None:
    """Post the escalation card when escalated, edit both cards, tell the reporter."""
    if change.action == Action.ESCALATE:
        await post_escalation(bot, d, change)
    await refresh_cards(bot, d, change.report_id)
    for other in ("target", "other"):
        if other in change.details:
            await refresh_cards(bot, d, int(change.details[other]))
    if change.tell_reporter:
        await notify_reporter(bot, d, change)
    if change.action in (Action.INFO_GIVEN, Action.REOPEN):  # the enterprise's words, to the group
        report = await views.report(d.db, change.report_id)
        if report is not None and report.group_chat_id is not None:
            await _send_quietly(
                bot,
                report.group_chat_id,
                t(
                    d.settings.lang,
                    f"triage.enterprise_{change.action}",
                    number=report.id,
                    text=escape(change.note),
                ),
                reply_to=report.card_message_id,
            )


async def refresh_cards(bot: Bot, d: Deps, report_id: int) -> None:
    report = await views.report(d.db, report_id)
    info = await views.triage_info(d.db, report_id)
    if report is None or info is None:
        return
    enterprise = await views.enterprise(d.db, report.enterprise_id)
    assert enterprise is not None
    lang = d.settings.lang
    text = rendering.report_card(report, enterprise, lang, d.settings.zone, info, d.now())
    places = (
        (report.group_chat_id, report.card_message_id, Seat.GROUP),
        (info.escalation_chat_id, info.escalation_message_id, Seat.ESCALATION),
    )
    for chat_id, message_id, seat in places:
        if chat_id is None or message_id is None:
            continue
        markup = keyboards.triage_card(report.id, report.state.value, seat.value, lang)
        try:
            try:
                await bot.edit_message_text(
                    text,
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
            except ChatMigrated as exc:  # the migration update was missed: follow it now
                log.warning("chat %s migrated to %s; following it", chat_id, exc.new_chat_id)
                await triage.move_chat(d.db, chat_id, exc.new_chat_id)
                await bot.edit_message_text(
                    text,
                    chat_id=exc.new_chat_id,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                log.warning("report %s: card in %s not edited: %s", report.id, chat_id, exc)
        except Forbidden as exc:
            log.warning("report %s: no longer in chat %s: %s", report.id, chat_id, exc)
        except TelegramError:
            log.exception("report %s: card in %s not edited", report.id, chat_id)


async def post_escalation(bot: Bot, d: Deps, change: Change) -> None:
    """The card goes to the task-force group once; later escalations reuse it."""
    info = await views.triage_info(d.db, change.report_id)
    report = await views.report(d.db, change.report_id)
    assert info is not None and report is not None
    lang = d.settings.lang
    chat_id = await views.escalation_group(d.db)
    if chat_id is None:
        log.warning("report %s escalated but no escalation group is bound", report.id)
        if report.group_chat_id is not None:
            await _send_quietly(bot, report.group_chat_id, t(lang, "triage.no_escalation_group"))
        return
    if info.escalation_message_id is None or info.escalation_chat_id != chat_id:
        enterprise = await views.enterprise(d.db, report.enterprise_id)
        assert enterprise is not None
        try:
            card = await bot.send_message(
                chat_id,
                rendering.report_card(report, enterprise, lang, d.settings.zone, info, d.now()),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboards.triage_card(
                    report.id, report.state.value, Seat.ESCALATION.value, lang
                ),
            )
        except TelegramError as exc:
            log.warning("report %s: escalation card not sent to %s: %s", report.id, chat_id, exc)
            return
        await triage.record_escalation_card(d.db, report.id, chat_id, card.message_id)
        reply_to = card.message_id
    else:
        reply_to = info.escalation_message_id
    await _send_quietly(
        bot,
        chat_id,
        t(lang, "triage.escalated_reason", number=report.id, reason=escape(change.note)),
        reply_to=reply_to,
    )


async def _send_quietly(bot: Bot, chat_id: int, text: str, reply_to: int | None = None) -> bool:
    try:
        await bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_parameters=(
                ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
            ),
        )
    except Forbidden as exc:
        log.warning("chat %s: the bot may not write there: %s", chat_id, exc)
        return False
    except TelegramError as exc:
        log.warning("chat %s: message not sent: %s", chat_id, exc)
        return False
    return True


async def notify_reporter(bot: Bot, d: Deps, change: Change) -> None:
    """Tell the reporter, in their private chat, about a change that concerns them."""
    report = await views.report(d.db, change.report_id)
    if report is None or report.reporter_id is None:
        return
    reporter = report.reporter_id
    if change.action == Action.REOPEN and change.actor_id == reporter:
        return  # they reopened it themselves: the answer to their reason has told them
    lang = await d.language_of(reporter)
    try:
        if change.action == Action.RETURN:
            await _ask_reporter(bot, d, report, lang, escape(change.note))
            return
        told = _reporter_text(change, report, lang, d.settings.zone)
        if told is not None:
            text, markup = told
            await _tell_reporter(bot, d, report, lang, _with_title(text, report, lang), markup)
    except Forbidden as exc:
        if _never_started(exc):
            log.warning("report %s: reporter %s cannot be reached: %s", report.id, reporter, exc)
            return
        log.warning("report %s: reporter %s has blocked the bot; not told", report.id, reporter)
        async with UnitOfWork(d.db) as uow:
            await uow.triage.mark_blocked(reporter, d.now())
    except TelegramError:
        log.exception(
            "report %s: reporter %s not told about %s", report.id, reporter, change.action
        )


# What the reporter is told after a change that needs no more than the report's number and note.
_PLAIN_TELLS: dict[str, str] = {
    Action.REJECT: "tell.rejected",
    Action.MERGE: "tell.merged",
    Action.REOPEN: "tell.reopened",
    Action.CONFIRM: "tell.closed",
    Action.AUTO_CLOSE: "tell.auto_closed",
}


def _reporter_text(
    change: Change, report: Report, lang: str, zone: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup | None] | None:
    """The message (HTML) and buttons that tell the reporter about `change`; None for a change
    they are not told about."""
    number, action = report.id, change.action
    if action == Action.ACCEPT:
        due = rendering.local_time(report.due_at, zone)
        lines = [t(lang, "tell.accepted", number=number, due=due)]
        if "urgency" in change.details:  # the officer changed what the enterprise filed
            urgency = rendering.label(Urgency(change.details["urgency"]), lang)
            lines.append(t(lang, "tell.urgency_changed", urgency=urgency))
        if "scope" in change.details:
            scope = rendering.label(Scope(change.details["scope"]), lang)
            lines.append(t(lang, "tell.scope_changed", scope=scope))
        return "\n".join(lines), None
    if action == Activity.PUBLIC_NOTE:
        return t(lang, "tell.note", number=number, note=escape(change.note)), None
    if action == Activity.RECATEGORIZE:
        old, new = (Category(change.details[k]) for k in ("old", "new"))
        text = t(
            lang,
            "tell.recategorized",
            number=number,
            old=rendering.label(old, lang),
            new=rendering.label(new, lang),
        )
        return text, None
    if action == Action.RESOLVE:
        return _resolved_text(change, number, lang), keyboards.satisfaction(number, lang)
    key = _PLAIN_TELLS.get(action)
    if key is None:
        return None
    target = change.details.get("target", "")
    return t(lang, key, number=number, note=escape(change.note), target=target), None


def _resolved_text(change: Change, number: int, lang: str) -> str:
    """The outcome, its text and the policies applied, then the question the 满意 buttons answer."""
    text = t(
        lang,
        "tell.resolved",
        number=number,
        outcome=t(lang, f"triage.outcome_{change.details['outcome'].lower()}"),
        text=escape(change.details.get("text", "")),
    )
    policies = change.details.get("policies", "")
    if policies:
        text += "\n" + t(lang, "card.policies", policies=escape(policies))
    return text + "\n\n" + t(lang, "tell.rate")


def _with_title(text: str, report: Report, lang: str) -> str:
    """A notice to the reporter with the report's title under its first line: an enterprise may
    have several items open, and the number alone does not say which."""
    head, newline, rest = text.partition("\n")
    title = t(lang, "field.title", value=escape(report.content.title))
    return f"{head}\n{title}{newline}{rest}"


async def _ask_reporter(bot: Bot, d: Deps, report: Report, lang: str, question: str) -> None:
    """退回补充: the officer's question (HTML), asked so that the reporter's reply answers it; in
    the group under the card when the reporter never opened the private chat."""
    assert report.reporter_id is not None
    ask_them = functools.partial(
        ask,
        bot,
        d,
        user_id=report.reporter_id,
        user_name=await _name(d, report.reporter_id),
        report_id=report.id,
        action="info",
        expected=ReportState.NEED_INFO,
        lang=lang,
        extra="\n".join(
            (
                t(lang, "field.title", value=escape(report.content.title)),
                t(lang, "tell.question", question=question),
            )
        ),
    )
    try:
        await ask_them(chat_id=report.reporter_id, reply_to=None)
    except Forbidden as exc:
        if not _never_started(exc) or report.group_chat_id is None:
            raise
        await ask_them(chat_id=report.group_chat_id, reply_to=report.card_message_id)


def _never_started(exc: Forbidden) -> bool:
    """403 for a user who never opened the private chat, as opposed to one who blocked the bot."""
    return "initiate" in str(exc).lower()


async def _tell_reporter(
    bot: Bot,
    d: Deps,
    report: Report,
    lang: str,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """In the reporter's private chat; a contact who only ever wrote in the group (the bot may not
    write first) is told in that group instead, by mention under the card, buttons included: who
    may press them is checked against the database, not the chat."""
    assert report.reporter_id is not None
    try:
        await bot.send_message(
            report.reporter_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
        )
        return
    except Forbidden as exc:
        if not _never_started(exc) or report.group_chat_id is None:
            raise
    name = await _name(d, report.reporter_id)
    mention = f'<a href="tg://user?id={report.reporter_id}">{escape(name)}</a>'
    await bot.send_message(
        report.group_chat_id,
        f"{mention}\n{text}",
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        reply_parameters=(
            ReplyParameters(report.card_message_id, allow_sending_without_reply=True)
            if report.card_message_id
            else None
        ),
    )


async def _name(d: Deps, user_id: int) -> str:
    names = await views.user_names(d.db, {user_id})
    return names.get(user_id, str(user_id))
