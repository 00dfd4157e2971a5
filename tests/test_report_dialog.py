"""The guided dialog in the private chat, its buttons, and a restart in the middle of it."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from telegram import Update

from liaisonbot.store import Database
from tests.conftest import Bot, make_settings, start_bot
from tests.support.fake_telegram import buttons
from tests.support.world import CONTACT, GROUP_ID, NOW, OFFICER, STRANGER, Clock


def button_data(params: dict[str, Any], label_part: str) -> str:
    for button in buttons(params):
        if label_part in button["text"]:
            return str(button["callback_data"])
    raise AssertionError(f"no button with {label_part!r} in {buttons(params)}")


async def press(bot: Bot, label_part: str, update_id: int | None = None) -> Update:
    params, message_id = bot.request.last_message(CONTACT.id)
    update = bot.updates.press(
        CONTACT, params, button_data(params, label_part), message_id, update_id=update_id
    )
    await bot.send(update)
    return update


async def fill_until_summary(bot: Bot) -> None:
    await bot.say(CONTACT, "/report")
    await press(bot, "物流运输")
    await bot.say(CONTACT, "原材料运不进厂")
    await bot.say(CONTACT, "高速公路封闭，货车无法到达工厂")
    await bot.say(CONTACT, "协调开通绿色通道")
    await press(bot, "紧急")
    await press(bot, "跨地区")
    await bot.send(bot.updates.document(CONTACT, "FILE1", "通行证明.pdf"))
    await press(bot, "完成")


async def test_dialog_files_a_complete_report(bot: Bot, world: object) -> None:
    await fill_until_summary(bot)
    summary = bot.request.last_text(CONTACT.id)
    assert "请核对" in summary and "原材料运不进厂" in summary and "附件：1" in summary

    await press(bot, "提交")
    row = await bot.db.fetch_one("SELECT * FROM reports")
    assert row is not None
    assert (row["category"], row["title"], row["ask"], row["urgency"], row["scope"]) == (
        "LOG",
        "原材料运不进厂",
        "协调开通绿色通道",
        "URGENT",
        "CROSS_REGION",
    )
    assert row["description"] == "高速公路封闭，货车无法到达工厂"
    files = await bot.db.fetch_all("SELECT kind, file_id, file_name FROM attachments")
    assert [tuple(f) for f in files] == [("document", "FILE1", "通行证明.pdf")]
    assert await bot.db.fetch_one("SELECT * FROM drafts") is None
    assert f"编号 {row['id']}" in bot.request.last_text(CONTACT.id)
    assert "原材料运不进厂" in bot.request.last_text(GROUP_ID)


async def test_pressing_submit_twice_files_once(bot: Bot, world: object) -> None:
    await fill_until_summary(bot)
    params, message_id = bot.request.last_message(CONTACT.id)
    data = button_data(params, "提交")
    await bot.send(bot.updates.press(CONTACT, params, data, message_id))
    await bot.send(bot.updates.press(CONTACT, params, data, message_id))
    row = await bot.db.fetch_one("SELECT COUNT(*) FROM reports")
    assert row is not None and row[0] == 1
    answers = bot.request.sent("answerCallbackQuery")
    assert answers[-1].get("show_alert") is True  # the second press: the button is stale


async def test_edit_from_summary_returns_to_summary(bot: Bot, world: object) -> None:
    await fill_until_summary(bot)
    await press(bot, "修改")
    # the keyboard was swapped in place for the field list
    edit = bot.request.sent("editMessageReplyMarkup")[-1]
    title_button = next(
        b for b in edit["reply_markup"]["inline_keyboard"][0] if b["text"] == "标题"
    )
    params, message_id = bot.request.last_message(CONTACT.id)
    await bot.send(bot.updates.press(CONTACT, params, title_button["callback_data"], message_id))
    await bot.say(CONTACT, "原材料和零部件运不进厂")
    summary = bot.request.last_text(CONTACT.id)
    assert "请核对" in summary and "原材料和零部件运不进厂" in summary
    await press(bot, "提交")
    row = await bot.db.fetch_one("SELECT title, ask FROM reports")
    assert row is not None and tuple(row) == ("原材料和零部件运不进厂", "协调开通绿色通道")


async def test_cancel_at_any_step_discards_the_draft(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/report")
    await press(bot, "物流运输")
    await bot.say(CONTACT, "/cancel")
    assert "已取消" in bot.request.last_text(CONTACT.id)
    assert await bot.db.fetch_one("SELECT * FROM drafts") is None
    await bot.say(CONTACT, "这段文字不再属于任何问题")
    assert await bot.db.fetch_one("SELECT * FROM reports") is None


async def test_over_long_description_is_refused_and_step_kept(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/report")
    await press(bot, "物流运输")
    await bot.say(CONTACT, "原材料运不进厂")
    await bot.say(CONTACT, "长" * 2001)
    assert "2000" in bot.request.last_text(CONTACT.id)
    draft = await bot.db.fetch_one("SELECT step, data FROM drafts")
    assert draft is not None and draft["step"] == "description"
    assert "长" not in draft["data"]


async def test_stale_button_of_an_old_draft_changes_nothing(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/report")
    old_params, old_id = bot.request.last_message(CONTACT.id)
    await bot.say(CONTACT, "/cancel")
    await bot.say(CONTACT, "/report")
    stale = button_data(old_params, "物流运输")
    await bot.send(bot.updates.press(CONTACT, old_params, stale, old_id))
    assert bot.request.sent("answerCallbackQuery")[-1]["show_alert"] is True
    draft = await bot.db.fetch_one("SELECT step, data FROM drafts")
    assert draft is not None and draft["step"] == "category" and draft["data"] == "{}"


async def test_someone_elses_button_is_refused(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/report")
    params, message_id = bot.request.last_message(CONTACT.id)
    await bot.send(bot.updates.press(STRANGER, params, button_data(params, "物流运输"), message_id))
    assert bot.request.sent("answerCallbackQuery")[-1]["show_alert"] is True
    draft = await bot.db.fetch_one("SELECT step FROM drafts WHERE user_id = ?", (CONTACT.id,))
    assert draft is not None and draft["step"] == "category"


async def test_dialog_survives_a_restart(tmp_path: Path, db: Database, world: object) -> None:
    settings = make_settings(tmp_path)
    clock = Clock(NOW)
    first = await start_bot(settings, db, clock)
    await first.say(CONTACT, "/report")
    params, message_id = first.request.last_message(CONTACT.id)
    await first.send(
        first.updates.press(CONTACT, params, button_data(params, "物流运输"), message_id)
    )
    await first.say(CONTACT, "原材料运不进厂")
    await first.app.shutdown()

    second = await start_bot(settings, db, clock)
    second.updates.update_ids = itertools.count(100)  # Telegram keeps counting
    await second.say(CONTACT, "高速公路封闭")
    assert "第 4 步" in second.request.last_text(CONTACT.id)
    draft = await db.fetch_one("SELECT step, data FROM drafts")
    assert draft is not None and draft["step"] == "ask"
    assert "原材料运不进厂" in draft["data"] and "高速公路封闭" in draft["data"]
    await second.app.shutdown()


async def test_dialog_from_group_deep_link_routes_card_to_that_group(
    bot: Bot, world: object
) -> None:
    await bot.say(CONTACT, f"/start rep_{GROUP_ID}")
    draft = await bot.db.fetch_one("SELECT origin_chat_id FROM drafts")
    assert draft is not None and draft["origin_chat_id"] == GROUP_ID


async def test_unbound_user_cannot_start_the_dialog(bot: Bot, world: object) -> None:
    await bot.say(STRANGER, "/report")
    assert "邀请链接" in bot.request.last_text(STRANGER.id)
    assert await bot.db.fetch_one("SELECT * FROM drafts") is None


async def test_forged_edit_button_is_answered_once_and_changes_nothing(
    bot: Bot, world: object
) -> None:
    await fill_until_summary(bot)
    params, message_id = bot.request.last_message(CONTACT.id)
    token = button_data(params, "提交").split("|")[1]
    await bot.send(bot.updates.press(CONTACT, params, f"d|{token}|edit|owner", message_id))
    answers = bot.request.sent("answerCallbackQuery")
    assert answers[-1]["show_alert"] is True
    draft = await bot.db.fetch_one("SELECT step, editing FROM drafts")
    assert draft is not None and (draft["step"], draft["editing"]) == ("confirm", 0)
    # the fixture fails the test if the query was answered twice


async def test_show_sends_the_reports_files_again(bot: Bot, world: object) -> None:
    await fill_until_summary(bot)
    await press(bot, "提交")
    row = await bot.db.fetch_one("SELECT id FROM reports")
    assert row is not None
    await bot.say(OFFICER, f"/show {row['id']}", chat_id=GROUP_ID)
    files = bot.request.sent("sendDocument", GROUP_ID)
    assert [f["document"] for f in files] == ["FILE1"]  # by file id: nothing downloaded
    assert f"问题 {row['id']} 的附件（1/1）" == files[0]["caption"]
