"""/bindgroup and /grant through the Application: region codes checked against GB/T 2260, a rebind
says what it replaced, and confirmations read as names, divisions and "all" rather than raw values.
"""

from __future__ import annotations

from tests.conftest import Bot
from tests.support.world import GROUP_ID, OFFICER, STRANGER
from tests.triage.helpers import ADMIN

NEW_GROUP = -1005555555555


async def binding(bot: Bot, chat_id: int) -> tuple[str, str, int] | None:
    row = await bot.db.fetch_one(
        "SELECT region_prefix, chain, is_escalation FROM liaison_groups WHERE chat_id = ?",
        (chat_id,),
    )
    return (row["region_prefix"], row["chain"], row["is_escalation"]) if row else None


async def test_bindgroup_refuses_an_unknown_region_and_changes_nothing(
    bot: Bot, triage_world: object
) -> None:
    await bot.say(ADMIN, "/bindgroup 99", chat_id=GROUP_ID)
    answer = bot.request.last_text(GROUP_ID)
    assert "99" in answer and "行政区划代码" in answer
    assert await binding(bot, GROUP_ID) == ("3501", "汽车", 0)
    await bot.say(ADMIN, "/bindgroup 350199 汽车", chat_id=NEW_GROUP)
    assert "行政区划代码" in bot.request.last_text(NEW_GROUP)
    assert await binding(bot, NEW_GROUP) is None


async def test_a_new_binding_names_the_region_and_says_all_chains(
    bot: Bot, triage_world: object
) -> None:
    await bot.say(ADMIN, "/bindgroup 35", chat_id=NEW_GROUP)
    answer = bot.request.last_text(NEW_GROUP)
    assert "福建省（35）" in answer and "产业链 全部" in answer and "—" not in answer
    assert "改为" not in answer
    assert await binding(bot, NEW_GROUP) == ("35", "", 0)


async def test_rebinding_a_bound_group_says_what_it_was(bot: Bot, triage_world: object) -> None:
    await bot.say(ADMIN, "/bindgroup 3502 汽车", chat_id=GROUP_ID)
    answer = bot.request.last_text(GROUP_ID)
    assert "已由 联络群 福建省福州市（3501）·汽车 改为 联络群 福建省厦门市（3502）·汽车" in answer
    assert await binding(bot, GROUP_ID) == ("3502", "汽车", 0)
    await bot.say(ADMIN, "/bindgroup escalation", chat_id=GROUP_ID)
    answer = bot.request.last_text(GROUP_ID)
    assert "福建省厦门市（3502）·汽车" in answer and "上报（专班）群" in answer
    # the same binding again is no change
    await bot.say(ADMIN, "/bindgroup escalation", chat_id=GROUP_ID)
    assert "改为" not in bot.request.last_text(GROUP_ID)


async def test_grant_to_an_unseen_user_is_allowed_and_said(bot: Bot, triage_world: object) -> None:
    await bot.say(ADMIN, "/grant officer 9999 35")
    answer = bot.request.last_text(ADMIN.id)
    assert "已授予 9999" in answer and "福建省（35）" in answer and "产业链 全部" in answer
    assert "该用户尚未与机器人互动" in answer
    assert await bot.db.fetch_one("SELECT 1 FROM roles WHERE user_id = 9999") is not None


async def test_grant_checks_the_region(bot: Bot, triage_world: object) -> None:
    await bot.say(ADMIN, "/grant officer 9999 99")
    assert "行政区划代码" in bot.request.last_text(ADMIN.id)
    assert await bot.db.fetch_one("SELECT 1 FROM roles WHERE user_id = 9999") is None


async def test_grant_and_revoke_name_the_user(bot: Bot, triage_world: object) -> None:
    await bot.say(STRANGER, "/help")
    await bot.say(OFFICER, "/help")
    await bot.say(ADMIN, f"/grant official {STRANGER.id} 3501 汽车")
    answer = bot.request.last_text(ADMIN.id)
    assert "已授予 路人" in answer and str(STRANGER.id) not in answer
    assert "福建省福州市（3501）" in answer and "尚未与机器人互动" not in answer
    await bot.say(ADMIN, f"/grant officer @{OFFICER.username} 35")
    assert f"{OFFICER.first_name} 已有" in bot.request.last_text(ADMIN.id)
    await bot.say(ADMIN, f"/revoke official {STRANGER.id} 3501 汽车")
    assert "已撤销 路人" in bot.request.last_text(ADMIN.id)
