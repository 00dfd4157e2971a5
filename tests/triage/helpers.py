"""Helpers for the triage tests: filing a report, pressing card buttons, replying to prompts."""

from __future__ import annotations

import time
from typing import Any

from telegram import Update

from handlers.common import Deps
from handlers.triage import verbs as keyboards
from liaisonbot.domain.models import LiaisonGroup, RoleGrant
from liaisonbot.domain.vocabulary import ReportState, Role
from liaisonbot.services import people
from liaisonbot.store import Database
from tests.conftest import Bot
from tests.support.fake_telegram import BOT_ID, buttons
from tests.support.updates import Person
from tests.support.world import CONTACT, GROUP_ID, NOW, OFFICER

OFFICIAL = Person(7001, "张处长", "zhang_official")
ADMIN = Person(8001, "管理员", "admin_user")
FAR_OFFICER = Person(6002, "北京联络员", "bj_officer")  # covers Beijing, not Fujian
ESCALATION_ID = -1009999999999
SECOND_OFFICER = Person(6003, "陈联络员", "chen_officer")


async def SECOND_OFFICER_GRANT(db: Database) -> None:
    await people.grant_role(
        db, RoleGrant(user_id=SECOND_OFFICER.id, role=Role.OFFICER, region_prefix="3501"), NOW
    )


async def seed_triage(db: Database) -> None:
    """On top of the world: an official for Fujian, an admin, a Beijing officer and the
    task-force group."""
    await people.grant_role(
        db, RoleGrant(user_id=OFFICIAL.id, role=Role.OFFICIAL, region_prefix="35"), NOW
    )
    await people.grant_role(db, RoleGrant(user_id=ADMIN.id, role=Role.ADMIN), NOW)
    await people.grant_role(
        db, RoleGrant(user_id=FAR_OFFICER.id, role=Role.OFFICER, region_prefix="11"), NOW
    )
    await people.bind_group(
        db,
        LiaisonGroup(chat_id=ESCALATION_ID, title="专班", region_prefix="35", is_escalation=True),
        NOW,
    )


def deps_of(bot: Bot) -> Deps:
    return bot.app.bot_data["deps"]  # type: ignore[no-any-return]


async def file_report(bot: Bot, text: str = "/report LOG 原材料运不进厂") -> tuple[int, int]:
    """File a report as the contact; return (report id, card message id in the group)."""
    await bot.say(CONTACT, text)
    row = await bot.db.fetch_one("SELECT id, card_message_id FROM reports ORDER BY id DESC")
    assert row is not None and row["card_message_id"] is not None
    return row["id"], row["card_message_id"]


async def state_of(bot: Bot, report_id: int) -> ReportState:
    row = await bot.db.fetch_one("SELECT state FROM reports WHERE id = ?", (report_id,))
    assert row is not None
    return ReportState(row["state"])


async def events_of(bot: Bot, report_id: int) -> list[dict[str, Any]]:
    rows = await bot.db.fetch_all(
        "SELECT * FROM report_events WHERE report_id = ? ORDER BY id", (report_id,)
    )
    return [dict(r) for r in rows]


async def press(
    bot: Bot,
    person: Person,
    report_id: int,
    verb: str,
    state: str,
    argument: str = "",
    *,
    chat_id: int = GROUP_ID,
    message_id: int,
) -> Update:
    data = keyboards.triage_data(report_id, verb, state, argument)
    return await press_data(bot, person, data, chat_id=chat_id, message_id=message_id)


async def press_data(
    bot: Bot, person: Person, data: str, *, chat_id: int, message_id: int
) -> Update:
    update = bot.updates.press(person, {"chat_id": chat_id, "text": ""}, data, message_id)
    await bot.send(update)
    return update


def last_answer(bot: Bot) -> dict[str, Any]:
    return bot.request.sent("answerCallbackQuery")[-1]


def last_edit(bot: Bot, chat_id: int, method: str = "editMessageText") -> dict[str, Any]:
    edits = bot.request.sent(method, chat_id)
    assert edits, f"no {method} in {chat_id}"
    return edits[-1]


def verbs(params: dict[str, Any]) -> set[str]:
    found = set()
    for b in buttons(params):
        parsed = keyboards.parse_triage_data(b.get("callback_data"))
        if parsed:
            found.add(parsed[1])
    return found


async def reply(bot: Bot, person: Person, chat_id: int, to_message_id: int, text: str) -> Update:
    """`person` replies in `chat_id` to the bot's message `to_message_id`."""
    message = bot.updates.message_dict(person, text, chat_id)
    message["reply_to_message"] = {
        "message_id": to_message_id,
        "date": int(time.time()),
        "chat": message["chat"],
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "LiaisonBot"},
        "text": "?",
    }
    update = Update.de_json(
        {"update_id": next(bot.updates.update_ids), "message": message}, bot.app.bot
    )
    await bot.send(update)
    return update


async def answer_prompt(bot: Bot, person: Person, chat_id: int, text: str) -> Update:
    """Reply to the last ForceReply question the bot sent in `chat_id`."""
    for call in reversed(bot.request.calls):
        if (
            call.method == "sendMessage"
            and int(call.params["chat_id"]) == chat_id
            and (call.params.get("reply_markup") or {}).get("force_reply")
        ):
            return await reply(bot, person, chat_id, call.result["message_id"], text)
    raise AssertionError(f"no question was asked in {chat_id}")


async def accept(bot: Bot, report_id: int, card_id: int, pick: str = "N0") -> None:
    await press(bot, OFFICER, report_id, "acc", "submitted", message_id=card_id)
    await press(bot, OFFICER, report_id, "acx", "submitted", pick, message_id=card_id)
    assert await state_of(bot, report_id) is ReportState.ACCEPTED
