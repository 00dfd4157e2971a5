"""What everyone gets: /id, an answer to unknown commands and stray text, the bot's introduction
when added to a group."""

from __future__ import annotations

import time

from telegram import Update

from tests.conftest import Bot
from tests.support.fake_telegram import BOT_ID
from tests.support.world import CONTACT, GROUP_ID, OFFICER, STRANGER


async def test_id_shows_the_id_name_and_roles(bot: Bot, world: object) -> None:
    await bot.say(OFFICER, "/id")
    text = bot.request.last_text(OFFICER.id)
    assert str(OFFICER.id) in text and OFFICER.first_name in text
    assert "联络员" in text and "福建省" in text


async def test_whoami_for_a_stranger_shows_the_grant_command(bot: Bot, world: object) -> None:
    await bot.say(STRANGER, "/whoami")
    text = bot.request.last_text(STRANGER.id)
    assert f"liaisonbot grant officer {STRANGER.id}" in text


async def test_whoami_names_the_contacts_enterprise(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/id")
    assert "企业联系人" in bot.request.last_text(CONTACT.id)


async def test_unknown_command_in_private_points_to_help(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/frobnicate now")
    text = bot.request.last_text(CONTACT.id)
    assert "/frobnicate" in text and "/help" in text


async def test_known_command_in_the_wrong_chat_says_so(bot: Bot, world: object) -> None:
    await bot.say(OFFICER, "/bindgroup@LiaisonTestBot", chat_id=GROUP_ID)
    await bot.say(OFFICER, "/start@LiaisonTestBot", chat_id=GROUP_ID)
    assert "不能在这里使用" in bot.request.last_text(GROUP_ID)


async def test_group_answers_only_commands_addressed_to_the_bot(bot: Bot, world: object) -> None:
    before = len(bot.request.texts(GROUP_ID))
    await bot.say(OFFICER, "/frobnicate", chat_id=GROUP_ID)  # maybe another bot's
    await bot.say(OFFICER, "/frobnicate@OtherBot", chat_id=GROUP_ID)
    assert len(bot.request.texts(GROUP_ID)) == before
    await bot.say(OFFICER, "/frobnicate@LiaisonTestBot", chat_id=GROUP_ID)
    assert "/help" in bot.request.last_text(GROUP_ID)


async def test_stray_private_text_points_to_help(bot: Bot, world: object) -> None:
    await bot.say(STRANGER, "你好")
    assert "/help" in bot.request.last_text(STRANGER.id)


def member_update(bot: Bot, chat_id: int, old: str, new: str) -> Update:
    me = {"id": BOT_ID, "is_bot": True, "first_name": "LiaisonBot"}
    data = {
        "update_id": next(bot.updates.update_ids),
        "my_chat_member": {
            "chat": {"id": chat_id, "type": "supergroup", "title": "新的群"},
            "from": OFFICER.as_dict(),
            "date": int(time.time()),
            "old_chat_member": {"status": old, "user": me},
            "new_chat_member": {"status": new, "user": me},
        },
    }
    return Update.de_json(data, bot.app.bot)


async def test_added_to_a_group_the_bot_introduces_itself(bot: Bot, world: object) -> None:
    await bot.send(member_update(bot, -100777, "left", "member"))
    text = bot.request.last_text(-100777)
    assert "/bindgroup 地区代码" in text and "/bindgroup escalation" in text


async def test_back_in_a_bound_group_the_bot_says_nothing(bot: Bot, world: object) -> None:
    before = len(bot.request.texts(GROUP_ID))
    await bot.send(member_update(bot, GROUP_ID, "left", "member"))
    assert len(bot.request.texts(GROUP_ID)) == before
