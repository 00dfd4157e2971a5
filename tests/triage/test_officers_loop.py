"""The officers' loop: 指派 by button, /cancel ending a question, reminders that find the officer,
refusals that name the rule."""

from __future__ import annotations

from datetime import timedelta

from liaisonbot.domain.vocabulary import ReportState
from tests.conftest import Bot
from tests.support.world import GROUP_ID, NOW, OFFICER
from tests.triage.helpers import (
    SECOND_OFFICER,
    SECOND_OFFICER_GRANT,
    accept,
    answer_prompt,
    deps_of,
    events_of,
    file_report,
    last_edit,
    press,
    reply,
    state_of,
)
from tests.triage.test_reminders import run


async def test_assign_offers_the_covering_officers_as_buttons(
    bot: Bot, triage_world: object
) -> None:
    await SECOND_OFFICER_GRANT(bot.db)
    await bot.say(SECOND_OFFICER, "/help")  # the bot learns the name
    report_id, card_id = await file_report(bot)
    await press(bot, OFFICER, report_id, "asg", "submitted", message_id=card_id)
    panel = last_edit(bot, GROUP_ID, "editMessageReplyMarkup")["reply_markup"]["inline_keyboard"]
    names = [b["text"] for row in panel for b in row]
    assert "陈联络员" in names and "李联络员" in names
    assert "北京联络员" not in names  # covers Beijing, not this enterprise
    # the question is there too: typing still works
    assert "force_reply" in str(bot.request.sent("sendMessage", GROUP_ID)[-1])
    pick = next(b for row in panel for b in row if b["text"] == "陈联络员")["callback_data"]
    update = bot.updates.press(OFFICER, {"chat_id": GROUP_ID, "text": ""}, pick, card_id)
    await bot.send(update)
    row = await bot.db.fetch_one("SELECT assignee_id FROM reports WHERE id = ?", (report_id,))
    assert row is not None and row["assignee_id"] == SECOND_OFFICER.id
    # the typed question is no longer waited for
    await answer_prompt(bot, OFFICER, GROUP_ID, "@li_officer")
    row = await bot.db.fetch_one("SELECT assignee_id FROM reports WHERE id = ?", (report_id,))
    assert row is not None and row["assignee_id"] == SECOND_OFFICER.id


async def test_cancel_in_reply_ends_the_question(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "ext", "accepted", message_id=card_id)
    question = bot.request.sent("sendMessage", GROUP_ID)[-1]
    question_id = next(
        c.result["message_id"]
        for c in reversed(bot.request.calls)
        if c.method == "sendMessage" and c.params is question
    )
    await reply(bot, OFFICER, GROUP_ID, question_id, "/cancel")
    assert "已取消" in bot.request.last_text(GROUP_ID)
    await reply(bot, OFFICER, GROUP_ID, question_id, "5 需协调")
    assert len([e for e in await events_of(bot, report_id) if e["action"] == "extend"]) == 0


async def test_extension_refusal_names_the_limit_and_the_form(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "ext", "accepted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "40")
    refusal = bot.request.last_text(GROUP_ID)
    assert "40" in refusal and "30 天" in refusal and "5 需协调省外企业" in refusal
    await answer_prompt(bot, OFFICER, GROUP_ID, "四十 天")
    assert "四十" in bot.request.last_text(GROUP_ID) and "30 天" in bot.request.last_text(GROUP_ID)


async def test_reminder_that_cannot_reach_the_officer_goes_to_the_group(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id, pick="H0")  # due Tue 12-01 10:00
    bot.request.fail_chat[OFFICER.id] = {
        "error_code": 403,
        "description": "Forbidden: bot can't initiate conversation with a user",
    }
    bot.clock.now = NOW + timedelta(days=5, hours=-9)  # the due day
    assert (await run(bot)).sent == {"due_soon": 1}
    text = bot.request.last_text(GROUP_ID)
    assert "今日到期" in text
    assert f"tg://user?id={OFFICER.id}" in bot.request.sent("sendMessage", GROUP_ID)[-1]["text"]
    assert await state_of(bot, report_id) is ReportState.ACCEPTED
    assert deps_of(bot) is not None
