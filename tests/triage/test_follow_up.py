"""The enterprise follows its report through: adds to it, corrects it, withdraws it, and is told
of every change that concerns it — through the real Application."""

from __future__ import annotations

from liaisonbot.domain.vocabulary import ReportState
from tests.conftest import Bot
from tests.support.fake_telegram import buttons
from tests.support.world import CONTACT, GROUP_ID, OFFICER, STRANGER
from tests.triage.helpers import (
    ESCALATION_ID,
    OFFICIAL,
    accept,
    answer_prompt,
    events_of,
    file_report,
    last_edit,
    press,
    press_data,
    state_of,
)


def _ack_buttons(bot: Bot) -> dict[str, str]:
    """The buttons under the last acknowledgement in the contact's chat, by callback data."""
    for call in reversed(bot.request.sent("sendMessage", CONTACT.id)):
        found = {b["callback_data"]: b["text"] for b in buttons(call)}
        if found:
            return found
    return {}


async def test_acknowledgement_offers_add_correct_withdraw(bot: Bot, triage_world: object) -> None:
    report_id, _ = await file_report(bot)
    assert set(_ack_buttons(bot)) == {
        f"f|add|{report_id}",
        f"f|correct|{report_id}",
        f"f|withdraw|{report_id}",
    }


async def test_add_text_and_a_photo_the_card_and_the_officer_are_told(
    bot: Bot, triage_world: object
) -> None:
    report_id, _ = await file_report(bot)
    await bot.say(CONTACT, f"/add #{report_id} 货车已到高速口 <仍未放行>")
    last = (await events_of(bot, report_id))[-1]
    assert (last["action"], last["note"]) == ("add_info", "货车已到高速口 <仍未放行>")
    assert "企业已补充 1 次" in last_edit(bot, GROUP_ID)["text"]
    told = bot.request.last_text(GROUP_ID)
    assert "&lt;仍未放行&gt;" in bot.request.sent("sendMessage", GROUP_ID)[-1]["text"]
    assert "货车已到高速口" in told and f"tg://user?id={OFFICER.id}" in str(
        bot.request.sent("sendMessage", GROUP_ID)[-1]["text"]
    )

    # /add N alone asks; a photo sent then is added to that report
    await bot.say(CONTACT, f"/add 问题{report_id}")
    assert "照片或文件" in bot.request.last_text(CONTACT.id)
    update = bot.updates.document(CONTACT, "doc-1", "现场照片.pdf")
    await bot.send(update)
    rows = await bot.db.fetch_all(
        "SELECT file_name FROM attachments WHERE report_id = ?", (report_id,)
    )
    assert [r["file_name"] for r in rows] == ["现场照片.pdf"]
    assert "企业已补充 2 次" in last_edit(bot, GROUP_ID)["text"]

    # "补充：…" typed with one report open goes to it
    await bot.say(CONTACT, "补充：司机已做核酸")
    assert (await events_of(bot, report_id))[-1]["note"] == "司机已做核酸"


async def test_only_the_enterprise_adds(bot: Bot, triage_world: object) -> None:
    report_id, _ = await file_report(bot)
    await bot.say(STRANGER, f"/add {report_id} 我来补充")
    assert len(await events_of(bot, report_id)) == 1
    await bot.say(CONTACT, "/add 十二 内容")
    assert "No.12" in bot.request.last_text(CONTACT.id)  # the accepted forms are named


async def test_correct_until_accepted(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await bot.say(CONTACT, f"/correct No.{report_id} 原材料运不进厂区\n钢材卡在省界检查站")
    row = await bot.db.fetch_one(
        "SELECT title, description FROM reports WHERE id = ?", (report_id,)
    )
    assert row is not None and tuple(row) == ("原材料运不进厂区", "钢材卡在省界检查站")
    last = (await events_of(bot, report_id))[-1]
    assert (last["action"], last["note"]) == ("correct", "原材料运不进厂")
    card = last_edit(bot, GROUP_ID)["text"]
    assert "原材料运不进厂区" in card and "修改过" in card

    await accept(bot, report_id, card_id)
    await bot.say(CONTACT, f"/correct {report_id} 再改一次")
    refusal = bot.request.last_text(CONTACT.id)
    assert "已受理" in refusal and "不能再修改" in refusal and "/add" in refusal
    await bot.say(CONTACT, f"/withdraw {report_id}")
    assert "不能再修改或撤回" in bot.request.last_text(CONTACT.id)
    assert await state_of(bot, report_id) is ReportState.ACCEPTED


async def test_withdraw_by_button_ends_the_report(bot: Bot, triage_world: object) -> None:
    report_id, _ = await file_report(bot)
    ack = bot.request.sent("sendMessage", CONTACT.id)[-1]
    await press_data(bot, STRANGER, f"f|withdraw_ok|{report_id}", chat_id=STRANGER.id, message_id=1)
    assert await state_of(bot, report_id) is ReportState.SUBMITTED  # not theirs: nothing changed
    await press_data(bot, CONTACT, f"f|withdraw|{report_id}", chat_id=CONTACT.id, message_id=1)
    assert "确定撤回" in bot.request.last_text(CONTACT.id)
    assert ack  # the acknowledgement was there to press under
    await press_data(bot, CONTACT, f"f|withdraw_ok|{report_id}", chat_id=CONTACT.id, message_id=2)
    assert await state_of(bot, report_id) is ReportState.WITHDRAWN
    assert "已撤回" in last_edit(bot, GROUP_ID)["text"]
    assert "撤回了问题" in bot.request.last_text(GROUP_ID)


async def test_contact_is_told_of_extension_escalation_and_send_back(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "ext", "accepted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "5 需协调省外企业")
    told = bot.request.last_text(CONTACT.id)
    assert "延至" in told and "需协调省外企业" in told and "2026-12-14" in told

    await press(bot, OFFICER, report_id, "esc", "accepted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "内部：需省厅出面")
    told = bot.request.last_text(CONTACT.id)
    assert "上报" in told and "内部" not in told
    row = await bot.db.fetch_one(
        "SELECT escalation_message_id FROM reports WHERE id = ?", (report_id,)
    )
    assert row is not None
    await press(
        bot,
        OFFICIAL,
        report_id,
        "sbk",
        "escalated",
        chat_id=ESCALATION_ID,
        message_id=row["escalation_message_id"],
    )
    await answer_prompt(bot, OFFICIAL, ESCALATION_ID, "属地可解决，请联络员继续跟进")
    assert "交回联络员" in bot.request.last_text(CONTACT.id)
    # the reason, under the card in the liaison group
    assert "属地可解决" in bot.request.last_text(GROUP_ID)


async def test_report_numbers_in_every_form(bot: Bot, triage_world: object) -> None:
    report_id, _ = await file_report(bot)
    for form in (f"{report_id}", f"#{report_id}", f"问题{report_id}", f"No.{report_id}"):
        await bot.say(CONTACT, f"/show {form}")
        assert "原材料运不进厂" in bot.request.last_text(CONTACT.id), form


async def test_edit_and_stray_photo_point_to_the_follow_up_commands(
    bot: Bot, triage_world: object
) -> None:
    await file_report(bot)
    await bot.send(bot.updates.edited(CONTACT, "/report LOG 改了", None, 1))
    assert "/correct" in bot.request.last_text(CONTACT.id)
    await bot.send(bot.updates.document(CONTACT, "doc-9", "合同.pdf"))
    assert "/add" in bot.request.last_text(CONTACT.id)


async def test_stale_correct_button_after_acceptance_is_an_alert(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press_data(bot, CONTACT, f"f|correct|{report_id}", chat_id=CONTACT.id, message_id=1)
    answer = bot.request.sent("answerCallbackQuery")[-1]
    assert answer["show_alert"] is True and "已受理" in answer["text"]
    assert "force_reply" not in str(bot.request.sent("sendMessage", CONTACT.id)[-1])
