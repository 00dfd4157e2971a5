"""/find and /搜: scoped, newest first, ten a page, matching words in bold, Chinese two-character
words found through the jieba index (and LIKE for short words inside longer ones)."""

from __future__ import annotations

from datetime import timedelta

from liaisonbot.services.triage.activities import add_note
from liaisonbot.store import Database
from tests.conftest import Bot
from tests.support.fake_telegram import buttons
from tests.support.updates import Person
from tests.support.world import CONTACT, LEADING, NOW, OFFICER, STRANGER
from tests.triage.helpers import ADMIN, FAR_OFFICER, file_report

OTHER_CONTACT = Person(5002, "赵经理", "zhao_mgr")


async def _ids(bot: Bot) -> list[int]:
    return [r["id"] for r in await bot.db.fetch_all("SELECT id FROM reports ORDER BY id")]


async def test_two_character_words_are_found_and_highlighted(
    bot: Bot, triage_world: object
) -> None:
    chips, _ = await file_report(bot, "/report SUP 芯片供应短缺\n进口芯片断供两周")
    subsidy, _ = await file_report(bot, "/report FIN 申请稳岗补贴\n资金周转困难")
    await file_report(bot, "/report LOG 原材料运不进厂")
    await bot.say(OFFICER, "/find 芯片")
    text = bot.request.last_text(OFFICER.id)
    assert f"<b>{chips}</b>" in text and "<b>芯片</b>供应短缺" in text
    assert f"<b>{subsidy}</b>" not in text and "原材料" not in text
    await bot.say(OFFICER, "/find 补贴")
    text = bot.request.last_text(OFFICER.id)
    assert f"<b>{subsidy}</b>" in text and "稳岗<b>补贴</b>" in text
    await bot.say(OFFICER, "/find 复工")
    assert "没有找到" in bot.request.last_text(OFFICER.id)


async def test_a_word_inside_a_longer_one_is_found_by_like(bot: Bot, triage_world: object) -> None:
    number, _ = await file_report(bot, "/report OTH 华芯片区道路封闭")
    await bot.say(OFFICER, "/find 芯")
    assert f"<b>{number}</b>" in bot.request.last_text(OFFICER.id)


async def test_newest_first_ten_a_page_with_next_page_buttons(
    bot: Bot, triage_world: object
) -> None:
    for i in range(12):
        await file_report(bot, f"/report LOG 芯片运输受阻{i}")
    ids = await _ids(bot)
    await bot.say(OFFICER, "/find 芯片")
    sent, message_id = bot.request.last_message(OFFICER.id)
    first = sent["text"]
    assert first.index(f"<b>{ids[-1]}</b>") < first.index(f"<b>{ids[-2]}</b>")
    assert f"<b>{ids[1]}</b>" not in first and first.count("芯片</b>运输") == 10
    [next_button] = buttons(sent)
    assert next_button["text"] == "下一页"
    assert len(next_button["callback_data"].encode()) <= 64

    # someone else's press: an alert, nothing edited
    await bot.send(bot.updates.press(FAR_OFFICER, sent, next_button["callback_data"], message_id))
    assert bot.request.sent("answerCallbackQuery")[-1].get("show_alert")
    assert not bot.request.sent("editMessageText")

    await bot.send(bot.updates.press(OFFICER, sent, next_button["callback_data"], message_id))
    [edited] = bot.request.sent("editMessageText")
    assert f"<b>{ids[0]}</b>" in edited["text"] and f"<b>{ids[1]}</b>" in edited["text"]
    assert [b["text"] for b in buttons(edited)] == ["上一页"]


async def test_forged_page_button_gets_an_alert(bot: Bot, triage_world: object) -> None:
    await file_report(bot, "/report LOG 芯片运输受阻")
    await bot.say(OFFICER, "/find 芯片")
    sent, message_id = bot.request.last_message(OFFICER.id)
    await bot.send(bot.updates.press(OFFICER, sent, "fs|99999|1", message_id))
    assert bot.request.sent("answerCallbackQuery")[-1].get("show_alert")
    await bot.send(bot.updates.press(OFFICER, sent, "fs|x|-1", message_id))
    assert bot.request.sent("answerCallbackQuery")[-1].get("show_alert")
    assert not bot.request.sent("editMessageText")


async def test_a_contact_finds_only_their_enterprises_reports(
    bot: Bot, db: Database, triage_world: object
) -> None:
    from liaisonbot.services import people

    own, _ = await file_report(bot, "/report SUP 芯片供应短缺")
    await people.bind_contact(db, LEADING.credit_code, OTHER_CONTACT.id, NOW)
    await bot.say(OTHER_CONTACT, "/report SUP 芯片库存告急")
    other = (await _ids(bot))[-1]
    await bot.say(CONTACT, "/find 芯片")
    text = bot.request.last_text(CONTACT.id)
    assert f"<b>{own}</b>" in text and f"<b>{other}</b>" not in text
    # the Fujian officer does not see the Beijing enterprise's report; the admin sees both
    await bot.say(OFFICER, "/find 芯片")
    assert f"<b>{other}</b>" not in bot.request.last_text(OFFICER.id)
    await bot.say(ADMIN, "/find 芯片")
    text = bot.request.last_text(ADMIN.id)
    assert f"<b>{own}</b>" in text and f"<b>{other}</b>" in text


async def test_internal_notes_are_searched_for_staff_only(
    bot: Bot, db: Database, triage_world: object
) -> None:
    number, _ = await file_report(bot, "/report LOG 原材料运不进厂")
    await add_note(db, number, OFFICER.id, "已协调海关绿色通道", now=NOW)
    await bot.say(OFFICER, "/find 海关")
    assert f"<b>{number}</b>" in bot.request.last_text(OFFICER.id)
    assert "<b>海关</b>" in bot.request.last_text(OFFICER.id)  # in the snippet
    await bot.say(CONTACT, "/find 海关")
    assert "没有找到" in bot.request.last_text(CONTACT.id)
    await add_note(db, number, OFFICER.id, "已联系交通部门", public=True, now=NOW)
    await bot.say(CONTACT, "/find 交通")
    assert f"<b>{number}</b>" in bot.request.last_text(CONTACT.id)


async def test_filters_state_region_and_days(bot: Bot, triage_world: object) -> None:
    number, _ = await file_report(bot, "/report SUP 芯片供应短缺")
    await bot.say(OFFICER, "/find 芯片 已登记 福州 近7天")
    assert f"<b>{number}</b>" in bot.request.last_text(OFFICER.id)
    await bot.say(OFFICER, "/find 芯片 办理中")
    assert "没有找到" in bot.request.last_text(OFFICER.id)
    await bot.say(OFFICER, "/find 芯片 厦门")  # not a known region here: one more keyword
    assert "没有找到" in bot.request.last_text(OFFICER.id)
    bot.clock.now = NOW + timedelta(days=10)
    await bot.say(OFFICER, "/find 芯片 近7天")
    assert "没有找到" in bot.request.last_text(OFFICER.id)
    await bot.say(OFFICER, "/find 芯片 近0天")
    assert "1 到 366" in bot.request.last_text(OFFICER.id)


async def test_chinese_command_and_a_number_alone_in_the_private_chat(
    bot: Bot, triage_world: object
) -> None:
    number, _ = await file_report(bot, "/report SUP 芯片供应短缺")
    await bot.say(OFFICER, "/搜 芯片")
    assert f"<b>{number}</b>" in bot.request.last_text(OFFICER.id)
    await bot.say(OFFICER, str(number))
    assert "芯片供应短缺" in bot.request.last_text(OFFICER.id)
    assert "时间线" in bot.request.last_text(OFFICER.id) or "办理" in bot.request.last_text(
        OFFICER.id
    )


async def test_user_text_is_escaped(bot: Bot, triage_world: object) -> None:
    await file_report(bot, "/report OTH <b>芯片</b> & <script>")
    await bot.say(OFFICER, "/find 芯片")
    text = bot.request.last_text(OFFICER.id)
    assert "&lt;b&gt;<b>芯片</b>&lt;/b&gt; &amp; &lt;script&gt;" in text


async def test_a_renamed_enterprise_is_found_by_its_new_name(
    bot: Bot, db: Database, triage_world: object
) -> None:
    number, _ = await file_report(bot, "/report LOG 原材料运不进厂")
    await db.write(
        "UPDATE enterprises SET name = '闽芯微电子有限公司' WHERE credit_code = ?",
        ("91350100M000100Y43",),
    )
    await bot.say(OFFICER, "/find 微电子")
    assert f"<b>{number}</b>" in bot.request.last_text(OFFICER.id)


async def test_strangers_and_empty_queries_are_refused(bot: Bot, triage_world: object) -> None:
    await bot.say(STRANGER, "/find 芯片")
    assert "只有企业联络人" in bot.request.last_text(STRANGER.id)
    await bot.say(OFFICER, "/find")
    assert "用法" in bot.request.last_text(OFFICER.id)
