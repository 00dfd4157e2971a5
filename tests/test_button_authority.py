"""Every button outside the triage card, pressed by someone it does not belong to or with data
that is stale or forged: a short alert, nothing changed in the database, no exception and no
message in a group (the triage card's buttons: tests/triage/test_hostile_buttons.py)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from liaisonbot.read.digest.scope import DigestScope
from liaisonbot.services import people, subscriptions
from tests.conftest import Bot
from tests.support.updates import Person
from tests.support.world import CONTACT, GROUP_ID, LEADING, NOW, OFFICER, STRANGER
from tests.triage.helpers import ESCALATION_ID, FAR_OFFICER, OFFICIAL, file_report, seed_triage

OTHER_CONTACT = Person(5002, "赵经理", "zhao_mgr")  # a contact of the leading enterprise
OUTSIDERS = [STRANGER, OTHER_CONTACT, FAR_OFFICER]
# Tables a press may touch without changing anything anyone owns.
BOOKKEEPING = {"processed_updates", "inbox", "users", "sqlite_sequence"}

# {report}: the supplier's report; {sub}: the official's subscription of the task-force group;
# {token}: the contact's report draft; {supplier}, {leading}: the enterprises' ids;
# {search}: the officer's saved search. Left out as harmless: /unsubscribe's 暂不退订 (`ds|…|k`,
# it only edits the presser's own message) and a contact's 反映问题 (`ck|r|…`, their own report).
BUTTONS: dict[str, list[str]] = {
    "ds": [
        "ds|-|0|{sub}|u", "ds|-|0|all|u", "ds|35|0|0745|ok", "ds|35|1|0745|ok",
        "ds|35|0|0745|r", "ds|35|0|0745|x", "ds|-|0|99999|u", "ds|-|0|²|u", "ds|35|zz|x|y",
        "ds|35|0|0745|zz", "ds|9999999|0|0745|ok", "ds|-|0|99999999999999999999999|u",
    ],
    "en": [
        "en|e|{supplier}", "en|c|{supplier}", "en|e|999999", "en|e|²",
        "en|c|٣", "en|x|{supplier}", "en|e|99999999999999999999999",
    ],
    "d": [
        "d|{token}|cancel|", "d|{token}|submit|", "d|{token}|cat|LOG", "d|{token}|edit|title",
        "d|stale0|cancel|", "d|²|cat|LOG", "d|{token}", "d|{token}|zz|zz",
    ],
    "lu": ["lu|nosuch|a", "lu|nosuch|c", "lu|²|v", "lu|x|y|z", "lu|99999999999999999999999|a"],
    "ck": [
        "ck|s|20261126.zz", "ck|s|20261126", "ck|s|²²²²²²²².ok", "ck|same|19000101",
        "ck|same|99991231", "ck|ok|", "ck|redo|", "ck|v|x.y", "ck|zz|zz", "ck|",
    ],
    "pl": [
        "pl|r|{report}", "pl|s|{report}|1", "pl|a|{report}|1", "pl|o|{report}|1|i", "pl|v|1",
        "pl|w|1", "pl|r|²", "pl|s|{report}|²", "pl|r|99999999999999999999999", "pl|zz|1",
        "pl|i|nosuch", "pl|x|nosuch",
    ],
    "f": [
        "f|add|{report}", "f|correct|{report}", "f|withdraw|{report}", "f|withdraw_ok|{report}",
        "f|withdraw_ok|99999", "f|withdraw_ok|²", "f|zz|{report}",
        "f|withdraw_ok|99999999999999999999999",
    ],
    "fs": ["fs|{search}|1", "fs|{search}|0", "fs|99999|0", "fs|²|0", "fs|{search}|²", "fs|"],
    "oc": ["oc|{report}", "oc|99999", "oc|²", "oc|", "oc|99999999999999999999999"],
}  # fmt: skip
# Forged data the contact of the report's own enterprise may not get past either.
FORGED_FOR_CONTACT = [
    "ck|s|20261126.zz", "ck|s|²²²²²²²².ok", "ck|same|19000101", "ck|same|99991231",
    "pl|r|²", "pl|s|{report}|²", "f|withdraw_ok|²", "f|zz|{report}", "oc|{report}", "oc|²",
    "en|e|²", "d|stale0|cancel|", "lu|²|v", "fs|²|0",
]  # fmt: skip


@pytest.fixture
async def things(bot: Bot, world: tuple[int, int]) -> dict[str, Any]:
    leading_id, supplier_id = world
    await seed_triage(bot.db)
    await people.bind_contact(bot.db, LEADING.credit_code, OTHER_CONTACT.id, NOW)
    report_id, _ = await file_report(bot)
    sub = await subscriptions.subscribe(
        bot.db, chat_id=ESCALATION_ID, owner_id=OFFICIAL.id, scope=DigestScope("35", ()), now=NOW
    )
    await bot.say(OFFICER, "/find 原材料")
    await bot.say(CONTACT, "/report")
    draft = await bot.db.fetch_one("SELECT token FROM drafts WHERE user_id = ?", (CONTACT.id,))
    search = await bot.db.fetch_one("SELECT id FROM saved_searches ORDER BY id DESC")
    return {
        "report": report_id,
        "sub": sub.id,
        "token": draft["token"] if draft else "none",
        "supplier": supplier_id,
        "leading": leading_id,
        "search": search["id"] if search else 1,
    }


async def snapshot(bot: Bot) -> dict[str, list[tuple[Any, ...]]]:
    tables = await bot.db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    found = {}
    for row in tables:
        if row["name"] in BOOKKEEPING or row["name"].startswith("search_"):
            continue
        rows = await bot.db.fetch_all(f'SELECT * FROM "{row["name"]}"')
        found[row["name"]] = sorted(tuple(r) for r in rows)
    return found


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def press_everywhere(
    bot: Bot, person: Person, templates: list[str], things: dict[str, Any], caplog: Any
) -> None:
    before = await snapshot(bot)
    for template in templates:
        data = template.format(**things)
        for chat_id in (GROUP_ID, ESCALATION_ID, person.id):
            bot.request.clear()
            update = bot.updates.press(person, {"chat_id": chat_id, "text": ""}, data, 4242)
            await bot.send(update)
            answers = bot.request.sent("answerCallbackQuery")
            where = (person.first_name, data, chat_id)
            assert len(answers) == 1, where
            assert answers[0].get("show_alert") is True, (where, answers[0])
            assert bot.request.sent("sendMessage", GROUP_ID) == [], where
            assert bot.request.sent("sendMessage", ESCALATION_ID) == [], where
            assert errors(caplog) == [], where
    assert await snapshot(bot) == before, person.first_name


@pytest.mark.parametrize("prefix", list(BUTTONS))
@pytest.mark.parametrize("person", OUTSIDERS, ids=lambda p: p.username)
async def test_outsiders_get_an_alert_and_change_nothing(
    bot: Bot,
    things: dict[str, Any],
    person: Person,
    prefix: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    await press_everywhere(bot, person, BUTTONS[prefix], things, caplog)


async def test_forged_data_from_the_contact_gets_an_alert_and_changes_nothing(
    bot: Bot, things: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    await press_everywhere(bot, CONTACT, FORGED_FOR_CONTACT, things, caplog)
