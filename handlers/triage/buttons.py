"""The buttons on a report card: plain CallbackQueryHandlers whose state lives in the database.

A press (handlers/triage/verbs.py) counts when the message pressed is that report's card (in its
liaison group or in the escalation group), the card shows that verb in the state named, and the
presser's roles (read from the database by the service) cover the enterprise. A stale state gets
an alert and a refreshed card. `ON_PRESS` says what each verb does.

After every change both cards are edited in place and the reporter is told what concerns them
(handlers/triage/changes.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from handlers.common import Deps, deps, language
from handlers.i18n import t
from handlers.refusals import domain_refusal
from handlers.triage import keyboards
from handlers.triage.assist import ASSIST_VERBS, on_assist_pressed
from handlers.triage.card_memory import swap_buttons
from handlers.triage.cards import refresh_cards
from handlers.triage.changes import after_change
from handlers.triage.questions import ask
from handlers.triage.verbs import Verb, parse_triage_data
from liaisonbot.domain.errors import BadArgument, DomainError, IllegalTransition, StaleState
from liaisonbot.domain.models import Report
from liaisonbot.domain.vocabulary import Category, ReportState, Scope
from liaisonbot.domain.workflow import Action, Activity
from liaisonbot.read import reports as views
from liaisonbot.services import triage
from liaisonbot.services.triage import Change, Satisfaction, Seat

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Press:
    """One press on a card, already known to be a verb that card shows (`_verb_allowed`)."""

    query: CallbackQuery
    d: Deps
    lang: str
    report_id: int
    verb: Verb
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

    async def show(self, markup: InlineKeyboardMarkup | None) -> None:
        """Swap the card's buttons (a panel, or back to the card's own)."""
        await self.query.answer()
        await swap_buttons(self.d, self.query, markup)


# -- panels: the card shows other buttons; nothing changes yet ----------------------------------
# Each is checked first as the step the panel leads to.


async def on_accept_pressed(p: Press) -> None:
    """The accept panel, with the urgency and scope the enterprise filed to confirm."""
    report = await p.preflight(Action.ACCEPT)
    urgency, scope = report.content.urgency, report.content.scope
    await p.show(keyboards.accept_panel(p.report_id, p.expected, urgency, scope, p.lang))


async def on_accept_pick_pressed(p: Press) -> None:
    """Another urgency or scope picked on the accept panel."""
    report = await p.preflight(Action.ACCEPT)
    pick = keyboards.parse_accept_pick(p.argument)
    urgency, scope = pick or (report.content.urgency, report.content.scope)
    await p.show(keyboards.accept_panel(p.report_id, p.expected, urgency, scope, p.lang))


async def on_resolve_pressed(p: Press) -> None:
    """The outcomes (solved, partly, cannot)."""
    await p.preflight(Action.RESOLVE)
    await p.show(keyboards.outcome_panel(p.report_id, p.expected, p.lang))


async def on_recategorize_pressed(p: Press) -> None:
    """The other categories."""
    report = await p.preflight(Activity.RECATEGORIZE)
    await p.show(keyboards.category_panel(p.report_id, p.expected, report.content.category, p.lang))


async def on_back_pressed(p: Press) -> None:
    await p.preflight(None)
    await p.show(p.card_buttons())


# -- changes made at once -----------------------------------------------------------------------


async def on_accept_confirmed(p: Press) -> Change:
    pick = keyboards.parse_accept_pick(p.argument)
    if pick is None:
        raise BadArgument(value=p.argument)
    urgency, scope = pick
    return await triage.accept(
        p.d.db,
        p.report_id,
        p.user_id,
        expected=p.expected,
        now=p.d.now(),
        zone=p.d.settings.zone,
        urgency=urgency,
        scope=scope,
        seat=p.seat,
    )


async def on_category_picked(p: Press) -> Change:
    category = Category.parse(p.argument)
    if category is None:
        raise BadArgument(value=p.argument)
    return await triage.recategorize(
        p.d.db, p.report_id, p.user_id, category, expected=p.expected, now=p.d.now(), seat=p.seat
    )


async def on_sign_pressed(p: Press) -> Change:
    return await triage.sign(
        p.d.db, p.report_id, p.user_id, expected=p.expected, now=p.d.now(), seat=p.seat
    )


async def on_take_pressed(p: Press) -> Change:
    return await triage.assign(
        p.d.db, p.report_id, p.user_id, expected=p.expected, now=p.d.now(), seat=p.seat
    )


async def on_acknowledge_pressed(p: Press) -> Change:
    return await triage.acknowledge(p.d.db, p.report_id, p.user_id, now=p.d.now())


# -- answered with a question (ForceReply); the answer is taken in prompts.py -------------------

# The prompt's action (what the answer will do) and the step the presser must be allowed now.
QUESTIONS: dict[Verb, tuple[str, Action | Activity]] = {
    Verb.RETURN: ("return", Action.RETURN),
    Verb.ESCALATE: ("escalate", Action.ESCALATE),
    Verb.REJECT: ("reject", Action.REJECT),
    Verb.MERGE: ("merge", Action.MERGE),
    Verb.ASSIGN: ("assign", Activity.ASSIGN),
    Verb.LINK: ("link", Activity.LINK),
    Verb.EXTEND: ("extend", Activity.EXTEND),
    Verb.NOTE: ("note", Activity.NOTE),
    Verb.PUBLIC_NOTE: ("pub", Activity.NOTE),
    Verb.SEND_BACK: ("send_back", Action.SEND_BACK),
    Verb.OUTCOME_PICK: ("resolve", Action.RESOLVE),
    Verb.UNITS: ("units", Activity.UNITS),
    Verb.OTHER_REGION: ("region", Activity.ASSIST_REQUEST),
}
# Questions whose answer must find the item at the level the presser saw (the ladder).
LEVEL_BOUND = frozenset({Verb.ESCALATE, Verb.SEND_BACK})


async def on_question_pressed(p: Press) -> None:
    """Return, escalate, reject, merge, assign, link, extend, (public) note, send back: the
    presser is asked for the words (a reason, a number, a person, the note)."""
    await _ask_for_text(p)


async def on_outcome_picked(p: Press) -> None:
    """An outcome picked on the outcome panel: the card gets its own buttons back, and the
    presser is asked for the outcome's text."""
    if p.argument not in keyboards.OUTCOME_CODES:
        raise BadArgument(value=p.argument)
    await _ask_for_text(p, argument=keyboards.OUTCOME_CODES[p.argument], back_to_card=True)


async def _ask_for_text(
    p: Press, *, argument: str = "", back_to_card: bool = False, answered: bool = False
) -> None:
    action, asked = QUESTIONS[p.verb]
    step: Action | Activity | None = asked
    if p.verb is Verb.SEND_BACK:
        step = None  # down to a task force (send_down) or to the group (send_back)
    await p.preflight(step)
    if p.verb in LEVEL_BOUND and p.seat is Seat.ESCALATION:
        info = await views.triage_info(p.d.db, p.report_id)
        argument = str(info.level) if info is not None else ""
    if not answered:
        await p.query.answer()
    if back_to_card:
        await swap_buttons(p.d, p.query, p.card_buttons())
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
        argument=argument,
        lang=p.lang,
        seat=p.seat,
    )


# What each verb on a card or panel does: a Change when the report changed, else None.
ON_PRESS: dict[Verb, Callable[[Press], Awaitable[Change | None]]] = {
    Verb.ACCEPT: on_accept_pressed,
    Verb.ACCEPT_PICK: on_accept_pick_pressed,
    Verb.ACCEPT_CONFIRM: on_accept_confirmed,
    Verb.REJECT: on_question_pressed,
    Verb.TAKE: on_take_pressed,
    Verb.ASSIGN: on_question_pressed,
    Verb.RECATEGORIZE: on_recategorize_pressed,
    Verb.CATEGORY_PICK: on_category_picked,
    Verb.MERGE: on_question_pressed,
    Verb.LINK: on_question_pressed,
    Verb.SIGN: on_sign_pressed,
    Verb.RETURN: on_question_pressed,
    Verb.ESCALATE: on_question_pressed,
    Verb.EXTEND: on_question_pressed,
    Verb.NOTE: on_question_pressed,
    Verb.PUBLIC_NOTE: on_question_pressed,
    Verb.RESOLVE: on_resolve_pressed,
    Verb.OUTCOME_PICK: on_outcome_picked,
    Verb.ACKNOWLEDGE: on_acknowledge_pressed,
    Verb.SEND_BACK: on_question_pressed,
    Verb.UNITS: on_question_pressed,
    Verb.OTHER_REGION: on_question_pressed,
    Verb.BACK: on_back_pressed,
}

# The panels' verbs are taken when the card shows the button that opens the panel.
_PANEL_OF: dict[Verb, Verb | None] = {
    Verb.ACCEPT_PICK: Verb.ACCEPT,
    Verb.ACCEPT_CONFIRM: Verb.ACCEPT,
    Verb.OUTCOME_PICK: Verb.RESOLVE,
    Verb.CATEGORY_PICK: Verb.RECATEGORIZE,
    Verb.BACK: None,  # any panel
}


def _verb_allowed(seat: Seat, state: ReportState, verb: Verb) -> bool:
    on_card = keyboards.verbs_on_card(seat.value, state)
    if verb in on_card:
        return True
    if verb in _PANEL_OF:
        opener = _PANEL_OF[verb]
        return opener is None or opener in on_card
    return False


def _seat(
    report: Report | None, info: views.TriageInfo | None, chat_id: int, message_id: int
) -> Seat | None:
    if report is None or info is None:
        return None
    if report.group_chat_id == chat_id and report.card_message_id == message_id:
        return Seat.GROUP
    if not info.levels:  # escalated before the ladder: the one task-force card
        if info.escalation_chat_id == chat_id and info.escalation_message_id == message_id:
            return Seat.ESCALATION
        return None
    # Only the card of the level holding the item takes presses; the others are a record.
    for card in info.levels:
        if card.chat_id == chat_id and card.message_id == message_id and card.level == info.level:
            return Seat.ESCALATION
    return None


async def on_triage_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any triage button (t|…): checked against the card pressed, then `ON_PRESS[verb]`."""
    query = update.callback_query
    assert query is not None
    d = deps(context)
    lang = await language(context, query.from_user)
    parsed = parse_triage_data(query.data)
    message = query.message
    if parsed is None or message is None:
        await query.answer(t(lang, "triage.forged"), show_alert=True)
        return
    report_id, verb, expected, argument = parsed

    if verb is Verb.RATE:
        await on_satisfaction_pressed(query, d, lang, report_id, argument)
        return
    if verb in ASSIST_VERBS:
        assisted = await on_assist_pressed(query, d, lang, report_id, verb)
        if assisted is not None:
            await after_change(context.bot, d, assisted)
        return

    report = await views.report(d.db, report_id)
    info = await views.triage_info(d.db, report_id)
    seat = _seat(report, info, message.chat.id, message.message_id)
    if report is None or info is None or seat is None or not _verb_allowed(seat, expected, verb):
        log.warning("forged or misplaced button %r from user %s", query.data, query.from_user.id)
        await query.answer(t(lang, "triage.forged"), show_alert=True)
        return

    press = Press(query, d, lang, report_id, verb, expected, argument, seat)
    try:
        change = await ON_PRESS[verb](press)
    except (StaleState, IllegalTransition) as exc:
        await query.answer(domain_refusal(lang, exc, html=False), show_alert=True)
        await refresh_cards(context.bot, d, report_id, force=True)
        return
    except DomainError as exc:
        log.info(
            "refused %s on report %s for user %s: %s", verb, report_id, press.user_id, exc.code
        )
        await query.answer(domain_refusal(lang, exc, html=False), show_alert=True)
        return
    if change is not None:
        await query.answer(t(lang, "triage.done"))
        await after_change(context.bot, d, change)
        pick = keyboards.parse_accept_pick(argument)
        if verb is Verb.ACCEPT_CONFIRM and pick is not None and pick[1] is Scope.CROSS_REGION:
            # 跨地区 asks at once which other region is involved (its group gets a 协办 card)
            follow_up = Press(
                query, d, lang, report_id, Verb.OTHER_REGION, change.to_state, "", seat
            )
            await _ask_for_text(follow_up, answered=True)


# -- the reporter's 满意 / 基本满意 / 不满意 -----------------------------------------------------


async def on_satisfaction_pressed(
    query: CallbackQuery, d: Deps, lang: str, report_id: int, argument: str
) -> None:
    """Pressed in the private chat, or in the group when the reporter never opened one; either
    way only the reporter may answer (checked by the service against the database). 不满意 asks
    for the reason first."""
    message = query.message
    assert message is not None
    name = keyboards.SATISFACTION_CODES.get(argument)
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
