"""Staff groups and open groups: cards only in staff groups, an open group's /report and /show,
and a contact seen in a staff group holding internal notes back until an admin confirms."""

from __future__ import annotations

from typing import Any

from telegram import Update

from liaisonbot.domain.models import LiaisonGroup, RoleGrant
from liaisonbot.domain.vocabulary import Role
from liaisonbot.services import people
from tests.chat_lists.conftest import button_data, last_answer, press, scalar
from tests.conftest import Bot, Person
from tests.support.world import CONTACT, GROUP_ID, NOW, OFFICER, STRANGER

OPEN_ID = -1009998887776
ADMIN = Person(7001, "管理员", "admin_a")


async def _admin(bot: Bot) -> None:
    await people.grant_role(bot.db, RoleGrant(user_id=ADMIN.id, role=Role.ADMIN), NOW)


async def _open_group(bot: Bot) -> None:
    await people.bind_group(
        bot.db,
        LiaisonGroup(chat_id=OPEN_ID, title="企业群", region_prefix="3501", kind="open"),
        NOW,
    )


async def test_existing_groups_are_staff_and_bindgroup_takes_a_kind(
    bot: Bot, world: object
) -> None:
    assert await scalar(bot.db, "SELECT kind FROM liaison_groups") == "staff"
    await _admin(bot)
    await bot.say(ADMIN, "/bindgroup 3501 汽车 open", chat_id=OPEN_ID)
    assert "开放群" in bot.request.last_text(OPEN_ID)
    row = await bot.db.fetch_one(
        "SELECT kind, chain FROM liaison_groups WHERE chat_id = ?", (OPEN_ID,)
    )
    assert row is not None and (row["kind"], row["chain"]) == ("open", "汽车")
    await bot.say(ADMIN, "/bindgroup escalation 35 open", chat_id=OPEN_ID)
    assert "专班群只能是内部群" in bot.request.last_text(OPEN_ID)


async def test_a_report_from_an_open_group_never_puts_a_card_there(bot: Bot, world: object) -> None:
    await _open_group(bot)
    await bot.say(CONTACT, "/report LOG 原材料运不进厂", chat_id=OPEN_ID)
    reply = bot.request.last_message(OPEN_ID)[0]
    assert "t.me/" in str(reply.get("reply_markup"))  # the deep link, nothing filed
    assert await scalar(bot.db, "SELECT COUNT(*) FROM reports") == 0
    # Filed in private with the open group as origin: the card goes to the staff group.
    await bot.say(CONTACT, "/report LOG 原材料运不进厂")
    await bot.deliver_owed()
    assert await scalar(bot.db, "SELECT group_chat_id FROM reports") == GROUP_ID
    assert not bot.request.sent("sendMessage", OPEN_ID)[1:]


async def test_an_open_group_cannot_take_a_group_holding_cards(bot: Bot, world: object) -> None:
    await _admin(bot)
    await bot.say(CONTACT, "/report LOG 原材料运不进厂")
    await bot.say(ADMIN, "/bindgroup 3501 汽车 open", chat_id=GROUP_ID)
    assert "1 件未办结" in bot.request.last_text(GROUP_ID)
    assert await scalar(bot.db, "SELECT kind FROM liaison_groups") == "staff"


async def test_show_in_an_open_group_one_line_for_the_own_contact_only(
    bot: Bot, world: object
) -> None:
    await _open_group(bot)
    await bot.say(CONTACT, "/report LOG 原材料运不进厂\n内部细节")
    number = await scalar(bot.db, "SELECT id FROM reports")
    await bot.say(CONTACT, f"/show {number}", chat_id=OPEN_ID)
    text = bot.request.last_text(OPEN_ID)
    assert text == f"问题 {number}：已登记"
    for person in (OFFICER, STRANGER):
        await bot.say(person, f"/show {number}", chat_id=OPEN_ID)
        assert "只能查看本企业自己" in bot.request.last_text(OPEN_ID)
        assert "原材料" not in bot.request.last_text(OPEN_ID)


def _joined(bot: Bot, person: Person, chat_id: int) -> Update:
    message: dict[str, Any] = bot.updates.message_dict(OFFICER, "", chat_id=chat_id)
    del message["text"]
    message["new_chat_members"] = [person.as_dict()]
    return Update.de_json(
        {"update_id": next(bot.updates.update_ids), "message": message}, bot.app.bot
    )


async def test_a_contact_joining_a_staff_group_holds_notes_until_an_admin_confirms(
    bot: Bot, world: object
) -> None:
    await _admin(bot)
    await bot.send(_joined(bot, STRANGER, GROUP_ID))  # not a contact: nothing
    assert await scalar(bot.db, "SELECT notes_held_since FROM liaison_groups") is None
    await bot.send(_joined(bot, CONTACT, GROUP_ID))
    assert await scalar(bot.db, "SELECT notes_held_for FROM liaison_groups") == CONTACT.id
    assert "王经理" in bot.request.last_text(OFFICER.id)
    warning, _ = bot.request.last_message(ADMIN.id)
    assert "王经理" in warning["text"]
    [confirm] = button_data(warning)
    assert not button_data(bot.request.last_message(OFFICER.id)[0])  # officers: no button
    # An officer (not an admin) pressing a forged copy changes nothing.
    await press(bot, OFFICER, confirm)
    assert last_answer(bot)["show_alert"]
    assert await scalar(bot.db, "SELECT notes_held_since FROM liaison_groups") is not None
    await press(bot, ADMIN, confirm)
    assert await scalar(bot.db, "SELECT notes_held_since FROM liaison_groups") is None


async def test_internal_lines_leave_the_card_of_a_held_group(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/report LOG 原材料运不进厂")
    await bot.deliver_owed()
    full = bot.request.last_text(GROUP_ID)
    await people.hold_group_notes(bot.db, GROUP_ID, CONTACT.id, NOW)
    from liaisonbot.read.groups import internal_allowed

    assert not await internal_allowed(bot.db, GROUP_ID)
    assert full  # the card was sent before the hold


async def test_binding_a_staff_group_looks_for_the_scopes_contacts(bot: Bot, world: object) -> None:
    await _admin(bot)
    bot.request.members[(GROUP_ID, CONTACT.id)] = "member"
    await bot.say(ADMIN, "/bindgroup 3501 汽车 staff", chat_id=GROUP_ID)
    lookups = bot.request.sent("getChatMember")
    assert 1 <= len(lookups) <= 50
    assert await scalar(bot.db, "SELECT notes_held_for FROM liaison_groups") == CONTACT.id
    assert "企业联络人" in bot.request.last_text(ADMIN.id)


async def test_internal_commands_are_refused_in_an_open_group(bot: Bot, world: object) -> None:
    await _open_group(bot)
    await _admin(bot)
    for command in ("/queue", "/enterprise 闽江", "/export ledger", "/my", "/digest"):
        await bot.say(OFFICER, command, chat_id=OPEN_ID)
        assert "开放群" in bot.request.last_text(OPEN_ID)
    assert (
        await scalar(bot.db, "SELECT kind FROM liaison_groups WHERE chat_id = ?", (OPEN_ID,))
        == "open"
    )
