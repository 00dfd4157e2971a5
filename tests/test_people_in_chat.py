"""Invites, /my, /show and /start, /help, /lang through the real Application."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import Bot, Person
from tests.support.world import CONTACT, GROUP_ID, OFFICER, STRANGER, SUPPLIER


async def invite_link(bot: Bot) -> str:
    await bot.say(OFFICER, f"/invite {SUPPLIER.credit_code}")
    text = bot.request.last_text(OFFICER.id)
    start = text.index("https://t.me/")
    return text[start:].split()[0]


async def test_officer_invite_binds_a_new_contact_once(bot: Bot, world: object) -> None:
    link = await invite_link(bot)
    payload = link.split("start=")[1]
    assert len(payload) <= 64 and link.startswith("https://t.me/LiaisonTestBot?start=inv-")

    newcomer = Person(5002, "赵会计")
    await bot.say(newcomer, f"/start {payload}")
    assert "闽江精密部件有限公司" in bot.request.last_text(newcomer.id)
    row = await bot.db.fetch_one("SELECT enterprise_id FROM contacts WHERE user_id = 5002")
    assert row is not None

    await bot.say(STRANGER, f"/start {payload}")
    assert "已被使用" in bot.request.last_text(STRANGER.id)
    assert (
        await bot.db.fetch_one("SELECT 1 FROM contacts WHERE user_id = ?", (STRANGER.id,)) is None
    )


async def test_expired_invite_is_refused(bot: Bot, world: object) -> None:
    link = await invite_link(bot)
    bot.clock.now += timedelta(hours=73)
    await bot.say(STRANGER, f"/start {link.split('start=')[1]}")
    assert "已过期" in bot.request.last_text(STRANGER.id)
    assert (
        await bot.db.fetch_one("SELECT 1 FROM contacts WHERE user_id = ?", (STRANGER.id,)) is None
    )


async def test_invite_needs_an_officer_covering_the_enterprise(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, f"/invite {SUPPLIER.credit_code}")
    assert "没有权限" in bot.request.last_text(CONTACT.id)
    # the officer covers Fujian (35), not Beijing
    await bot.say(OFFICER, "/invite 91110108551385082Q")
    assert "没有权限" in bot.request.last_text(OFFICER.id)
    assert await bot.db.fetch_one("SELECT 1 FROM invites") is None


async def test_invite_with_a_mistyped_code_says_what_is_wrong(bot: Bot, world: object) -> None:
    await bot.say(OFFICER, "/invite 91350100M000100Y44")
    assert "校验位" in bot.request.last_text(OFFICER.id)
    await bot.say(OFFICER, "/invite 9135")
    assert "18 位" in bot.request.last_text(OFFICER.id)


async def test_my_lists_the_enterprises_reports_with_states(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/report LOG 原材料运不进厂")
    await bot.say(CONTACT, "/report FIN 货款拖欠")
    await bot.say(CONTACT, "/my")
    text = bot.request.last_text(CONTACT.id)
    assert "货款拖欠" in text and "原材料运不进厂" in text and "已登记" in text
    assert text.index("货款拖欠") < text.index("原材料运不进厂")  # newest first


async def test_show_gives_the_timeline_to_those_allowed(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/report LOG 原材料运不进厂")
    row = await bot.db.fetch_one("SELECT id FROM reports")
    assert row is not None
    await bot.say(CONTACT, f"/show {row['id']}")
    text = bot.request.last_text(CONTACT.id)
    assert "办理过程" in text and "王经理" in text and "已登记" in text

    await bot.say(OFFICER, f"/show {row['id']}", chat_id=GROUP_ID)
    assert "原材料运不进厂" in bot.request.last_text(GROUP_ID)

    await bot.say(STRANGER, f"/show {row['id']}")
    refused = bot.request.last_text(STRANGER.id)
    assert "未找到" in refused and "原材料" not in refused


async def test_help_and_language_switch(bot: Bot, world: object) -> None:
    await bot.say(STRANGER, "/start")
    assert "反映问题" in bot.request.last_text(STRANGER.id)
    await bot.say(STRANGER, "/lang en")
    assert "English" in bot.request.last_text(STRANGER.id)
    await bot.say(STRANGER, "/help")
    assert "Reporting" in bot.request.last_text(STRANGER.id)
    await bot.say(STRANGER, "/report LOG trucks stuck")
    assert "invite link" in bot.request.last_text(STRANGER.id)


async def test_commands_are_registered_for_private_chats_and_groups(
    bot: Bot, world: object
) -> None:
    await bot.app.post_init(bot.app)
    calls = bot.request.sent("setMyCommands")
    scopes = {(c["scope"]["type"], c.get("language_code")) for c in calls}
    assert scopes == {
        ("all_private_chats", None),
        ("all_group_chats", None),
        ("all_private_chats", "en"),
        ("all_group_chats", "en"),
    }
    private_zh = next(
        c for c in calls if c["scope"]["type"] == "all_private_chats" and "language_code" not in c
    )
    assert {"report", "my", "show", "cancel"} <= {c["command"] for c in private_zh["commands"]}


async def test_start_greets_a_contact_with_their_enterprise(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/start")
    greeting, help_text = bot.request.texts(CONTACT.id)[-2:]
    assert "王经理" in greeting and "闽江精密部件有限公司" in greeting
    assert "反映问题" in help_text
    bot.request.clear()
    await bot.say(STRANGER, "/start")
    assert len(bot.request.texts(STRANGER.id)) == 1  # no greeting for someone not bound


async def test_help_shows_staff_commands_to_staff_only(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/help")
    contact_help = bot.request.last_text(CONTACT.id)
    assert "/report" in contact_help and "/bindgroup" not in contact_help
    await bot.say(OFFICER, "/help")
    officer_help = bot.request.last_text(OFFICER.id)
    assert "/report" in officer_help and "/queue" in officer_help and "/bindgroup" in officer_help
