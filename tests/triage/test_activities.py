"""Notes (reply to the card), take and assign, change of category, merge and link."""

from __future__ import annotations

from liaisonbot.domain.models import RoleGrant
from liaisonbot.domain.vocabulary import ReportState, Role
from liaisonbot.services import people
from tests.conftest import Bot
from tests.support.updates import Person
from tests.support.world import CONTACT, GROUP_ID, NOW, OFFICER, STRANGER
from tests.triage.helpers import (
    accept,
    answer_prompt,
    events_of,
    file_report,
    last_answer,
    last_edit,
    press,
    reply,
    state_of,
)

SECOND_OFFICER = Person(6003, "陈联络员", "chen_officer")


async def test_reply_to_card_is_an_internal_note(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    told_before = len(bot.request.texts(CONTACT.id))
    await reply(bot, OFFICER, GROUP_ID, card_id, "已电话联系企业 & 交通局")
    last = (await events_of(bot, report_id))[-1]
    assert (last["action"], last["note"], last["to_state"]) == (
        "note",
        "已电话联系企业 & 交通局",
        "submitted",
    )
    assert len(bot.request.texts(CONTACT.id)) == told_before  # internal stays internal

    await reply(bot, OFFICER, GROUP_ID, card_id, "公开：已协调交通局，明天开通绿色通道")
    assert "明天开通绿色通道" in bot.request.last_text(CONTACT.id)
    assert "公开" not in (await events_of(bot, report_id))[-1]["note"]


async def test_notes_over_the_limit_and_from_strangers_change_nothing(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot)
    await reply(bot, OFFICER, GROUP_ID, card_id, "长" * 1001)
    assert "1000" in bot.request.last_text(GROUP_ID)
    await reply(bot, STRANGER, GROUP_ID, card_id, "我也来写一条")
    assert "没有权限" in bot.request.last_text(GROUP_ID)
    assert len(await events_of(bot, report_id)) == 1


async def test_take_and_assign(bot: Bot, triage_world: object) -> None:
    await people.grant_role(
        bot.db, RoleGrant(user_id=SECOND_OFFICER.id, role=Role.OFFICER, region_prefix="3501"), NOW
    )
    await bot.say(SECOND_OFFICER, "/help")
    await bot.say(OFFICER, "/help")  # the bot learns the @username
    report_id, card_id = await file_report(bot)
    await press(bot, SECOND_OFFICER, report_id, "tak", "submitted", message_id=card_id)
    assert "陈联络员" in last_edit(bot, GROUP_ID)["text"]
    await press(bot, SECOND_OFFICER, report_id, "asg", "submitted", message_id=card_id)
    await answer_prompt(bot, SECOND_OFFICER, GROUP_ID, "@nobody_here")
    assert "找不到“@nobody_here”" in bot.request.last_text(GROUP_ID)
    await answer_prompt(bot, SECOND_OFFICER, GROUP_ID, str(STRANGER.id))  # not an officer
    assert "无法使用" in bot.request.last_text(GROUP_ID)
    await answer_prompt(bot, SECOND_OFFICER, GROUP_ID, "@li_officer")
    row = await bot.db.fetch_one("SELECT assignee_id FROM reports WHERE id = ?", (report_id,))
    assert row is not None and row["assignee_id"] == OFFICER.id
    assert [e["action"] for e in await events_of(bot, report_id)][-2:] == ["take", "assign"]


async def test_change_category_tells_the_enterprise_and_keeps_both(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot)
    await press(bot, OFFICER, report_id, "cat", "submitted", message_id=card_id)
    await press(bot, OFFICER, report_id, "cas", "submitted", "SUP", message_id=card_id)
    row = await bot.db.fetch_one("SELECT category FROM reports WHERE id = ?", (report_id,))
    assert row is not None and row["category"] == "SUP"
    assert (await events_of(bot, report_id))[-1]["note"] == "LOG → SUP"
    told = bot.request.last_text(CONTACT.id)
    assert "物流运输" in told and "原材料·零部件供应" in told


async def test_merge_and_link_show_enterprises_affected(bot: Bot, triage_world: object) -> None:
    first, first_card = await file_report(bot)
    second, second_card = await file_report(bot, "/report LOG 货车被拦在省界")
    third, _ = await file_report(bot, "/report LOG 物流园封闭")

    await press(bot, OFFICER, first, "lnk", "submitted", message_id=first_card)
    await answer_prompt(bot, OFFICER, GROUP_ID, f"No.{third}")  # any form of the number
    assert "1 家企业" in last_edit(bot, GROUP_ID)["text"]  # two reports of one company

    await press(bot, OFFICER, second, "mrg", "submitted", message_id=second_card)
    await answer_prompt(bot, OFFICER, GROUP_ID, "第二个")  # no number: the forms are named
    assert "问题1" in bot.request.last_text(GROUP_ID)
    await answer_prompt(bot, OFFICER, GROUP_ID, f"问题{second}")  # itself: refused
    assert await state_of(bot, second) is ReportState.SUBMITTED
    await answer_prompt(bot, OFFICER, GROUP_ID, str(first))
    assert await state_of(bot, second) is ReportState.MERGED
    row = await bot.db.fetch_one("SELECT merged_into FROM reports WHERE id = ?", (second,))
    assert row is not None and row["merged_into"] == first
    first_text = [
        e["text"]
        for e in bot.request.sent("editMessageText", GROUP_ID)
        if f"问题 {first}</b>" in e["text"]
    ][-1]
    assert "1 家企业" in first_text  # three reports, one company
    assert f"问题 {first}" in bot.request.last_text(CONTACT.id)


async def test_extension_is_limited_to_30_days(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "ext", "accepted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "31 太复杂")
    assert "累计最多 30 天" in bot.request.last_text(GROUP_ID)
    await answer_prompt(bot, OFFICER, GROUP_ID, "20 需协调省外企业")
    row = await bot.db.fetch_one(
        "SELECT due_at, extension_days FROM reports WHERE id = ?", (report_id,)
    )
    assert row is not None and row["extension_days"] == 20
    await press(bot, OFFICER, report_id, "ext", "accepted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "11 还要等")
    assert "还可延 10 天" in bot.request.last_text(GROUP_ID)
    row = await bot.db.fetch_one("SELECT extension_days FROM reports WHERE id = ?", (report_id,))
    assert row is not None and row["extension_days"] == 20
    assert "show_alert" not in last_answer(bot)  # the press itself was fine
