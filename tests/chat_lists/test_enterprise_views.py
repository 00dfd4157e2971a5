"""/enterprise, /chain, /assign and /blockedby through the real Application."""

from __future__ import annotations

from liaisonbot.domain.vocabulary import Role, Tier
from tests.chat_lists.conftest import (
    ADMIN,
    NEW_OFFICER,
    OFFICIAL,
    add_enterprise,
    button_data,
    grant,
    press,
    scalar,
)
from tests.conftest import Bot
from tests.support.fake_telegram import buttons
from tests.support.world import CONTACT, GROUP_ID, LEADING, OFFICER, STRANGER, SUPPLIER


async def test_officer_sees_a_supplier_with_its_leading_enterprise_and_officer(
    bot: Bot, world: tuple[int, int]
) -> None:
    await bot.say(OFFICER, "/enterprise 闽江")
    text = bot.request.last_text(OFFICER.id)
    assert SUPPLIER.name in text and SUPPLIER.credit_code in text
    assert "核心配套" in text and "汽车" in text and "福州" in text
    assert LEADING.name in text and "上游" in text  # the leading enterprise it supplies
    assert "李联络员" in text  # the one-to-one liaison officer
    assert "未办结问题：无" in text


async def test_fuzzy_name_finds_the_company_without_its_legal_form(
    bot: Bot, world: tuple[int, int]
) -> None:
    await grant(bot.db, ADMIN, Role.ADMIN)
    await add_enterprise(bot.db, "比亚迪股份有限公司", 1, tier=Tier.LEADING)
    await add_enterprise(bot.db, "深圳市某某电子有限公司", 2)
    for query in ("比亚迪", "比亚迪集团", "比亚迪 股份", "比亚迪股份公司"):
        bot.request.clear()
        await bot.say(ADMIN, f"/enterprise {query}")
        text = bot.request.last_text(ADMIN.id)
        assert text.startswith("🏭 <b>比亚迪股份有限公司</b>"), (query, text)
        assert "龙头" in text and "深圳" in text


async def test_several_matches_answer_with_buttons_to_pick_from(
    bot: Bot, world: tuple[int, int]
) -> None:
    await grant(bot.db, ADMIN, Role.ADMIN)
    first = await add_enterprise(bot.db, "华为技术有限公司", 3)
    await add_enterprise(bot.db, "华为终端有限公司", 4)
    await bot.say(ADMIN, "/enterprise 华为")
    params, _ = bot.request.last_message(ADMIN.id)
    assert "找到 2 家企业" in params["text"]
    assert f"en|e|{first}" in button_data(params)
    await press(bot, ADMIN, f"en|e|{first}")
    assert bot.request.last_text(ADMIN.id).startswith("🏭 <b>华为技术有限公司</b>")


async def test_who_may_see_an_enterprise(bot: Bot, world: tuple[int, int]) -> None:
    await bot.say(STRANGER, "/enterprise 闽江")
    assert "没有权限" in bot.request.last_text(STRANGER.id)
    # The Fujian officer does not see the Beijing enterprise: it reads as not found.
    await bot.say(OFFICER, "/enterprise 京北汽车")
    assert "未找到" in bot.request.last_text(OFFICER.id)
    # A contact sees their own enterprise (with no argument too), and no other.
    await bot.say(CONTACT, "/enterprise")
    assert SUPPLIER.name in bot.request.last_text(CONTACT.id)
    await bot.say(CONTACT, f"/enterprise {LEADING.credit_code}")
    assert "未找到" in bot.request.last_text(CONTACT.id)
    await bot.say(CONTACT, f"/chain {SUPPLIER.name}")
    assert "没有权限" in bot.request.last_text(CONTACT.id)


async def test_a_button_for_an_enterprise_out_of_scope_shows_nothing(
    bot: Bot, world: tuple[int, int]
) -> None:
    leading_id, _ = world
    await bot.say(OFFICER, "/enterprise 闽江")
    await press(bot, OFFICER, f"en|e|{leading_id}")  # forged: Beijing is not the officer's
    answers = bot.request.sent("answerCallbackQuery")
    assert answers[-1]["show_alert"] and "没有权限" in answers[-1]["text"]
    assert LEADING.name not in bot.request.last_text(OFFICER.id).split("\n")[0]


async def test_chain_lists_suppliers_with_their_open_reports(
    bot: Bot, world: tuple[int, int]
) -> None:
    await grant(bot.db, OFFICIAL, Role.OFFICIAL)
    await bot.say(CONTACT, "/report SUP 配套企业未复工，缺少关键零件")
    await bot.say(OFFICIAL, f"/chain {LEADING.credit_code}")
    text = bot.request.last_text(OFFICIAL.id)
    assert "配套企业 1 家，有未办结问题的 1 家" in text
    assert SUPPLIER.name in text and "未办结 1 项" in text and "配套企业未复工" in text


async def test_a_long_chain_is_cut_to_one_message(bot: Bot, world: tuple[int, int]) -> None:
    leading_id, _ = world
    await grant(bot.db, ADMIN, Role.ADMIN)
    for i in range(300):
        await add_enterprise(
            bot.db, f"某某精密零部件制造有限公司第{i:03d}分厂", 100 + i, leading_id=leading_id
        )
    await bot.say(ADMIN, f"/chain {LEADING.name}")
    text = bot.request.last_text(ADMIN.id)
    assert len(text) <= 4096
    assert "配套企业 301 家" in text and "…… 另有" in text


async def test_chain_of_an_enterprise_without_suppliers(bot: Bot, world: tuple[int, int]) -> None:
    await bot.say(OFFICER, f"/chain {SUPPLIER.credit_code}")
    assert "没有登记配套企业" in bot.request.last_text(OFFICER.id)


async def test_assign_makes_the_officer_get_new_reports(bot: Bot, world: tuple[int, int]) -> None:
    _, supplier_id = world
    await grant(bot.db, ADMIN, Role.ADMIN)
    await bot.say(NEW_OFFICER, "/help")  # the bot learns the @username
    await bot.say(ADMIN, "/assign 闽江精密 @chen_officer")
    text = bot.request.last_text(ADMIN.id)
    assert "陈联络员" in text and "一对一联络员" in text and "授予" in text
    assert (
        await scalar(
            bot.db, "SELECT liaison_officer_id FROM enterprises WHERE id = ?", (supplier_id,)
        )
        == NEW_OFFICER.id
    )
    # The grant covers the enterprise's region and chain; the change is in the history.
    assert await scalar(
        bot.db,
        "SELECT COUNT(*) FROM roles WHERE user_id = ? AND role = 'officer'"
        " AND region_prefix = '350100' AND chain = '汽车'",
        (NEW_OFFICER.id,),
    )
    assert await scalar(
        bot.db,
        "SELECT new FROM enterprise_changes WHERE enterprise_id = ?"
        " AND field = 'liaison_officer_id'",
        (supplier_id,),
    ) == str(NEW_OFFICER.id)
    # Intake assigns a new report to the enterprise's liaison officer.
    await bot.say(CONTACT, "/report LOG 原材料运不进厂")
    assert (
        await scalar(bot.db, "SELECT assignee_id FROM reports ORDER BY id DESC") == NEW_OFFICER.id
    )
    await bot.say(NEW_OFFICER, "/enterprise 闽江")
    assert "陈联络员" in bot.request.last_text(NEW_OFFICER.id)


async def test_assign_refusals_change_nothing(bot: Bot, world: tuple[int, int]) -> None:
    _, supplier_id = world
    await grant(bot.db, ADMIN, Role.ADMIN)
    await add_enterprise(bot.db, "闽江另一家有限公司", 5, region="350100")

    async def officer_now() -> int:
        return await scalar(
            bot.db, "SELECT liaison_officer_id FROM enterprises WHERE id = ?", (supplier_id,)
        )

    await bot.say(OFFICER, "/assign 闽江精密 6002")
    assert "没有权限" in bot.request.last_text(OFFICER.id)
    await bot.say(ADMIN, "/assign 闽江精密 @nobody_known")
    assert "无法识别用户" in bot.request.last_text(ADMIN.id)
    await bot.say(ADMIN, "/assign 闽江 6002")
    text = bot.request.last_text(ADMIN.id)
    assert "对应多家企业" in text and SUPPLIER.credit_code in text
    await bot.say(ADMIN, "/assign 不存在的企业 6002")
    assert "未找到" in bot.request.last_text(ADMIN.id)
    await bot.say(ADMIN, "/assign 6002")
    assert "用法" in bot.request.last_text(ADMIN.id)
    assert await officer_now() == OFFICER.id
    assert not await scalar(bot.db, "SELECT COUNT(*) FROM roles WHERE user_id = 6002")


async def test_blocked_by_is_recorded_and_shown(bot: Bot, world: tuple[int, int]) -> None:
    leading_id, _ = world
    await grant(bot.db, ADMIN, Role.ADMIN)
    blocker = await add_enterprise(bot.db, "闽侯橡胶制品有限公司", 6, region="350121")
    await bot.say(CONTACT, "/report SUP 上游橡胶件供应商未复工")
    number = await scalar(bot.db, "SELECT MAX(id) FROM reports")
    await bot.say(OFFICER, f"/blockedby {number} 闽侯橡胶", chat_id=GROUP_ID)
    assert "受阻于 闽侯橡胶制品有限公司" in bot.request.last_text(GROUP_ID)
    assert (
        await scalar(bot.db, "SELECT blocked_by_enterprise_id FROM reports WHERE id = ?", (number,))
        == blocker
    )
    assert await scalar(
        bot.db,
        "SELECT COUNT(*) FROM report_events WHERE report_id = ? AND action = 'blocked_by'",
        (number,),
    )
    await bot.say(CONTACT, f"/show {number}")
    assert "⛓ 受阻于：闽侯橡胶制品有限公司" in bot.request.last_text(CONTACT.id)
    await bot.say(OFFICER, "/enterprise 闽江")
    assert "（受阻于 闽侯橡胶制品有限公司）" in bot.request.last_text(OFFICER.id)
    await bot.say(ADMIN, "/enterprise 闽侯橡胶")
    assert f"本企业阻碍的问题：{number} 闽江精密部件有限公司" in bot.request.last_text(ADMIN.id)
    # Cleared with "-".
    await bot.say(OFFICER, f"/blockedby {number} -")
    assert "已清除" in bot.request.last_text(OFFICER.id)
    assert (
        await scalar(bot.db, "SELECT blocked_by_enterprise_id FROM reports WHERE id = ?", (number,))
        is None
    )
    del leading_id


async def test_blocked_by_refusals(bot: Bot, world: tuple[int, int]) -> None:
    await bot.say(CONTACT, "/report SUP 上游供应商未复工")
    number = await scalar(bot.db, "SELECT MAX(id) FROM reports")
    await bot.say(CONTACT, f"/blockedby {number} 京北")  # a contact is no officer
    assert "未找到编号" in bot.request.last_text(CONTACT.id)
    await bot.say(OFFICER, f"/blockedby {number} 闽江精密")  # its own enterprise
    assert "本企业自身" in bot.request.last_text(OFFICER.id)
    await bot.say(OFFICER, f"/blockedby {number} 没有这家")
    assert "未找到" in bot.request.last_text(OFFICER.id)
    await bot.say(OFFICER, "/blockedby abc")
    assert "用法" in bot.request.last_text(OFFICER.id)
    assert (
        await scalar(bot.db, "SELECT blocked_by_enterprise_id FROM reports WHERE id = ?", (number,))
        is None
    )


async def test_answers_in_english(bot: Bot, world: tuple[int, int]) -> None:
    await bot.say(OFFICER, "/lang en")
    await bot.say(OFFICER, "/enterprise 闽江")
    text = bot.request.last_text(OFFICER.id)
    assert "Liaison officer" in text and "Credit code" in text
    await bot.say(OFFICER, "/enterprise nothing-like-this")
    assert "No enterprise matches" in bot.request.last_text(OFFICER.id)
    assert buttons(bot.request.last_message(OFFICER.id)[0]) == []
