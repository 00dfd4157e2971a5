"""Buttons pressed as an adversary would: garbage, forged and stale data, every verb as every
role. Always a short answer, never an exception, never a message in the group, and a change only
where the presser may make it."""

from __future__ import annotations

import logging

import pytest

from handlers.triage.verbs import STATE_CODES, Verb
from liaisonbot.domain.vocabulary import ReportState
from tests.conftest import Bot
from tests.support.updates import Person
from tests.support.world import CONTACT, GROUP_ID, OFFICER, STRANGER
from tests.triage.helpers import (
    ADMIN,
    FAR_OFFICER,
    OFFICIAL,
    events_of,
    file_report,
    press_data,
    seed_triage,
    state_of,
)

GARBAGE = [
    "", "|", "||||", "t", "t|", "t||||", "t|1", "t|²|acc|sub|", "t|٣|acc|sub|",
    "t|9999999999999999999999|acc|sub|", "t|-1|acc|sub|", "t|0|acc|sub|", "t|1|zzz|sub|",
    "t|1|acc|zzz|", "t|1|acc|sub|x|y", "t|1|acu|sub|²0", "t|1|acu|sub|N²", "t|1|acu|sub|Z9",
    "t|1|out|sub|\x00", "t|1|cas|sub|../../", "t|1|sat|sub|9" * 3, "t|1 |acc|sub|",
    "d|", "d|x", "d|²", "d|1|2|3|4|5", "ds|", "ds|²|ff|x|y", "ds|35|zz|x|y", "ds|35|1ffffff|x|y",
    "ds|9999999|1|x|y", "ds|-|0|unsub|²", "ds|-|0|unsub|99999999999999999999999",
    "en|", "en|e|²", "en|c|٣", "en|e|99999999999999999999999", "en|x|1", "en|e|-1",
    "lu|", "lu|²", "lu|x|y|z", "lu|99999999999999999999999", "zz", "<b>", "%s%s%n", "\u202e",
    "t|1|acc|sub|" + "x" * 40,
]  # fmt: skip
ROLES = [STRANGER, CONTACT, FAR_OFFICER, OFFICER, OFFICIAL, ADMIN]
OUTSIDERS = [STRANGER, CONTACT, FAR_OFFICER]


@pytest.fixture
async def card(bot: Bot, world: tuple[int, int]) -> tuple[int, int]:
    await seed_triage(bot.db)
    return await file_report(bot)


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_garbage_buttons_are_answered_and_change_nothing(
    bot: Bot, card: tuple[int, int], caplog: pytest.LogCaptureFixture
) -> None:
    report_id, card_id = card
    caplog.set_level(logging.WARNING)
    before = await events_of(bot, report_id)
    bot.request.clear()
    presses = 0
    for person in ROLES:
        for data in GARBAGE:
            for chat_id in (GROUP_ID, person.id):
                await press_data(bot, person, data, chat_id=chat_id, message_id=card_id)
                presses += 1
    assert len(bot.request.sent("answerCallbackQuery")) == presses
    assert bot.request.sent("sendMessage", GROUP_ID) == []
    assert errors(caplog) == []
    assert await events_of(bot, report_id) == before


def data_for(report_id: int, verb: Verb, state: ReportState, argument: str = "") -> str:
    return f"t|{report_id}|{verb.value}|{STATE_CODES[state]}|{argument}"


@pytest.mark.parametrize("person", ROLES, ids=lambda p: p.first_name)
async def test_every_verb_as_every_role(
    bot: Bot, card: tuple[int, int], person: Person, caplog: pytest.LogCaptureFixture
) -> None:
    report_id, card_id = card
    caplog.set_level(logging.WARNING)
    arguments = {Verb.ACCEPT_PICK: "N0", Verb.OUTCOME_PICK: "S", Verb.RATE: "5"}
    for verb in Verb:
        state = await state_of(bot, report_id)
        stale = next(s for s in ReportState if s is not state)
        argument = arguments.get(verb, "")
        before = await events_of(bot, report_id)
        for data in (
            data_for(report_id, verb, stale, argument),  # stale: the card showed another state
            data_for(report_id + 1000, verb, state, argument),  # forged: no such report
            data_for(report_id, verb, state, argument),  # current
        ):
            bot.request.clear()
            await press_data(bot, person, data, chat_id=GROUP_ID, message_id=card_id)
            assert len(bot.request.sent("answerCallbackQuery")) == 1, (verb, data)
            if person in OUTSIDERS or data != data_for(report_id, verb, state, argument):
                assert bot.request.sent("sendMessage", GROUP_ID) == [], (person, data)
                assert await events_of(bot, report_id) == before, (person, data)
        assert errors(caplog) == [], (person, verb)
