"""A contact answering a round: status button, then only the questions that status needs, each
with quick buttons and typed values accepted; 与上次相同 in one tap; concerns asked once; the
answer stored as a new version. The state is a `checkin_sessions` row written at every step, so a
restart loses nothing."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from html import escape

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.checkins import keyboards, render
from handlers.common import Deps, deps, language
from handlers.i18n import t
from handlers.reporting.dialog import start_dialog
from liaisonbot.domain.checkins import (
    Answer,
    InputRefused,
    ResumptionStatus,
    concerns,
    parse_count,
    parse_counts,
    parse_date,
    parse_percent,
)
from liaisonbot.domain.vocabulary import Category
from liaisonbot.read import reports as views
from liaisonbot.services import checkins
from liaisonbot.store.checkins import Session

log = logging.getLogger(__name__)

STEPS: dict[ResumptionStatus, tuple[str, ...]] = {
    ResumptionStatus.NOT_RESUMED: ("counts", "bottleneck", "expected"),
    ResumptionStatus.PARTIAL: ("counts", "capacity", "bottleneck", "expected"),
    ResumptionStatus.FULL: ("counts", "capacity"),
    ResumptionStatus.CLOSED: (),
}


def _today(d: Deps) -> date:
    return d.now().astimezone(d.settings.zone).date()


def _answer(data: dict[str, object]) -> Answer:
    expected = data.get("expected")
    bottleneck = data.get("bottleneck")
    return Answer(
        status=ResumptionStatus(str(data["status"])),
        registered=data.get("registered"),  # type: ignore[arg-type]
        on_duty=data.get("on_duty"),  # type: ignore[arg-type]
        capacity=data.get("capacity"),  # type: ignore[arg-type]
        expected=date.fromisoformat(str(expected)) if expected else None,
        bottleneck=Category(str(bottleneck)) if bottleneck else None,
    )


def _next_step(session: Session) -> str:
    """The first step of the status not answered yet; 'done' when all are."""
    status = ResumptionStatus(session.data["status"])
    for step in STEPS[status]:
        if step not in session.data.get("done", []):
            return step
    return "done"


async def _previous(d: Deps, session: Session) -> Answer | None:
    found = await checkins.latest(d.db, session.enterprise_id, before=session.round_date)
    return found[1] if found else None


async def _prompt(message: Message, d: Deps, session: Session, lang: str) -> None:
    previous = await _previous(d, session)
    step = session.step
    if step == "counts":
        before = (
            (previous.registered, previous.on_duty) if previous and previous.registered else None
        )
        markup = keyboards.counts(lang, before)
    elif step == "on_duty":
        markup = keyboards.on_duty(lang)
    elif step == "capacity":
        markup = keyboards.capacity(lang, previous.capacity if previous else None)
    elif step == "bottleneck":
        markup = keyboards.bottleneck(lang, previous.bottleneck if previous else None)
    elif step == "expected":
        markup = keyboards.expected(lang)
    else:
        return
    await message.reply_text(t(lang, f"checkin.ask_{step}"), reply_markup=markup)


async def begin(
    message: Message, d: Deps, user_id: int, enterprise_id: int, day: date, status: str, lang: str
) -> None:
    session = Session(user_id, enterprise_id, day, "", {"status": status, "done": []})
    await _advance(message, d, session, lang, source_key=None)


async def _advance(
    message: Message, d: Deps, session: Session, lang: str, *, source_key: str | None
) -> None:
    """Go to the next step, or, when all are answered, check and store the answer."""
    session.step = _next_step(session)
    if session.step != "done":
        await checkins.save_session(d.db, session, d.now())
        await _prompt(message, d, session, lang)
        return
    answer = _answer(session.data)
    previous = await _previous(d, session)
    found = [
        c
        for c in concerns(answer, previous, _today(d))
        if c.value not in session.data.get("confirmed", [])
    ]
    if found:
        session.step = "confirm"
        session.data["pending"] = [c.value for c in found]
        await checkins.save_session(d.db, session, d.now())
        await message.reply_text(
            render.concerns_text(found, answer, previous, lang),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboards.confirm(lang),
        )
        return
    await _store(message, d, session, answer, lang, source_key)


async def _store(
    message: Message,
    d: Deps,
    session: Session,
    answer: Answer,
    lang: str,
    source_key: str | None,
) -> None:
    version = await checkins.record_answer(
        d.db,
        session.enterprise_id,
        session.round_date,
        answer,
        recorded_by=session.user_id,
        confirmed=list(session.data.get("confirmed", [])),
        source_key=source_key,
        now=d.now(),
        end_session_of=session.user_id,
    )
    if version is None:
        return  # this action was recorded already
    await message.reply_text(
        t(
            lang,
            "checkin.stored",
            day=session.round_date.isoformat(),
            version=version,
            answer=render.answer_text(answer, lang),
        ),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.after_answer(session.round_date, lang, answer.bottleneck),
    )


def _apply(session: Session, value: str, d: Deps, previous: Answer | None) -> bool:
    """Put a button's or a typed value into the session's current step; True when the step
    became another question to ask (在册 typed alone: 在岗 next). Raises InputRefused with the
    accepted forms when the value cannot be read."""
    step, data = session.step, session.data
    skip = value == "skip"
    if step == "counts":
        if value == "prev" and previous is not None:
            data["registered"], data["on_duty"] = previous.registered, previous.on_duty
        elif not skip:
            registered, on_duty = parse_counts(value)
            data["registered"] = registered
            if on_duty is None:
                session.step = "on_duty"
                return True
            data["on_duty"] = on_duty
    elif step == "on_duty":
        data["on_duty"] = None if skip else parse_count(value)
        data["done"].append("counts")
        return False
    elif step == "capacity":
        if value == "prev" and previous is not None:
            data["capacity"] = previous.capacity
        elif not skip:
            data["capacity"] = parse_percent(value)
    elif step == "bottleneck":
        if not skip:
            category = Category.parse(value)
            if category is None:
                raise InputRefused("checkin.bad_category", value)
            data["bottleneck"] = category.value
    elif step == "expected":
        if value.startswith("+") and value[1:].isdigit():
            data["expected"] = (_today(d) + timedelta(days=int(value[1:]))).isoformat()
        elif not skip:
            data["expected"] = parse_date(value, _today(d)).isoformat()
    data["done"].append(step)
    return False


async def answer_step(
    message: Message, d: Deps, session: Session, value: str, lang: str, source_key: str
) -> None:
    previous = await _previous(d, session)
    if session.step == "confirm":
        await message.reply_text(t(lang, "checkin.use_buttons"))
        return
    try:
        ask_next = _apply(session, value, d, previous)
    except InputRefused as refused:
        await message.reply_text(t(lang, refused.key, text=escape(refused.text[:50])))
        await _prompt(message, d, session, lang)
        return
    if ask_next:
        await checkins.save_session(d.db, session, d.now())
        await _prompt(message, d, session, lang)
        return
    await _advance(message, d, session, lang, source_key=source_key)


async def answer_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Plain private text as the answer to the open check-in step; False when none is open."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or not message.text:
        return False
    d = deps(context)
    session = await checkins.session(d.db, user.id)
    if session is None:
        return False
    lang = await language(context, user)
    await answer_step(message, d, session, message.text, lang, f"upd:{update.update_id}")
    return True


async def same_as_before(
    message: Message, d: Deps, user_id: int, enterprise_id: int, day: date, lang: str, key: str
) -> None:
    found = await checkins.latest(d.db, enterprise_id)
    if found is None:
        await message.reply_text(t(lang, "checkin.no_previous"))
        return
    answer = found[1].same_again(_today(d))
    session = Session(user_id, enterprise_id, day, "done", _data_of(answer))
    await _advance(message, d, session, lang, source_key=key)


def _data_of(answer: Answer) -> dict[str, object]:
    return {
        "status": answer.status.value,
        "registered": answer.registered,
        "on_duty": answer.on_duty,
        "capacity": answer.capacity,
        "expected": answer.expected.isoformat() if answer.expected else None,
        "bottleneck": answer.bottleneck.value if answer.bottleneck else None,
        "done": list(STEPS[answer.status]),
    }


async def on_checkin_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    d = deps(context)
    lang = await language(context, user)
    parsed = keyboards.parse(query.data or "")
    enterprise_id = await _contact_enterprise(d, user.id)
    if parsed is None or enterprise_id is None:
        await query.answer(t(lang, "checkin.not_yours"), show_alert=True)
        return
    verb, argument = parsed
    message = query.message
    if not isinstance(message, Message):
        await query.answer(t(lang, "checkin.stale"), show_alert=True)
        return
    key = f"upd:{update.update_id}"
    if verb in ("s", "same", "fix"):
        day = _day(argument.split(".")[0])
        if (
            day is None
            or (verb == "s" and _status(argument) is None)
            or not (day == _today(d) or await checkins.is_known_round(d.db, enterprise_id, day))
        ):
            log.warning("check-in button %r from user %s refused", query.data, user.id)
            await query.answer(t(lang, "checkin.stale"), show_alert=True)
            return
        await query.answer()
        if verb == "s":
            status = _status(argument)
            assert status is not None
            await begin(message, d, user.id, enterprise_id, day, status.value, lang)
        elif verb == "same":
            await same_as_before(message, d, user.id, enterprise_id, day, lang, key)
        else:
            previous = await checkins.latest(d.db, enterprise_id)
            await message.reply_text(
                t(lang, "checkin.correct", day=day.isoformat()),
                reply_markup=keyboards.question(day, lang, has_previous=previous is not None),
            )
        return
    if verb == "r":
        await query.answer()
        category = Category.parse(argument)
        await start_dialog(update, context, origin_chat_id=None, category=category)
        return
    session = await checkins.session(d.db, user.id)
    if session is None:
        await query.answer(t(lang, "checkin.stale"), show_alert=True)
        return
    if verb == "ok" and session.step == "confirm":
        await query.answer()
        session.data["confirmed"] = [
            *session.data.get("confirmed", []),
            *session.data.pop("pending", []),
        ]
        await _advance(message, d, session, lang, source_key=key)
    elif verb == "redo" and session.step == "confirm":
        await query.answer()
        await message.reply_text(
            t(lang, "checkin.redo"),
            reply_markup=keyboards.question(session.round_date, lang, has_previous=False),
        )
        await checkins.end_session(d.db, user.id)
    elif verb == "v" and argument.split(".", 1)[0] == session.step:
        await query.answer()
        await answer_step(message, d, session, argument.split(".", 1)[1], lang, key)
    else:
        await query.answer(t(lang, "checkin.stale"), show_alert=True)


def _status(argument: str) -> ResumptionStatus | None:
    """The status of a `<day>.<status>` argument, or None when it names no status."""
    _, _, value = argument.partition(".")
    return next((s for s in ResumptionStatus if s.value == value), None)


def _day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


async def _contact_enterprise(d: Deps, user_id: int) -> int | None:
    viewer = await views.viewer(d.db, user_id)
    return viewer.contact_enterprise_id
