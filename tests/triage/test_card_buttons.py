"""The card's buttons through the real Application: accept, sign, resolve, reject, return,
escalate; authority, stale and forged buttons; the reporter told and answering."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.triage import keyboards
from liaisonbot.domain.vocabulary import ReportState
from tests.conftest import Bot
from tests.support.world import CONTACT, GROUP_ID, OFFICER, STRANGER
from tests.triage.helpers import (
    ADMIN,
    ESCALATION_ID,
    FAR_OFFICER,
    OFFICIAL,
    accept,
    answer_prompt,
    events_of,
    file_report,
    last_answer,
    last_edit,
    press,
    press_data,
    state_of,
    verbs,
)


async def test_new_card_carries_the_submitted_buttons(bot: Bot, triage_world: object) -> None:
    report_id, _ = await file_report(bot)
    card, _ = bot.request.last_message(GROUP_ID)
    assert {"acc", "rej", "tak", "asg", "cat", "mrg", "lnk"} == verbs(card)
    for b in keyboards.CARD_VERBS[("group", "submitted")]:
        for verb in b:
            assert len(keyboards.triage_data(report_id, verb, "submitted", "N0").encode()) <= 64


async def test_accept_confirms_urgency_and_scope_and_sets_due_date(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot)
    await press(bot, OFFICER, report_id, "acc", "submitted", message_id=card_id)
    panel = last_edit(bot, GROUP_ID, "editMessageReplyMarkup")
    assert {"acu", "acx", "back"} == verbs(panel)
    await press(bot, OFFICER, report_id, "acu", "submitted", "U1", message_id=card_id)
    await press(bot, OFFICER, report_id, "acx", "submitted", "U1", message_id=card_id)

    row = await bot.db.fetch_one("SELECT * FROM reports WHERE id = ?", (report_id,))
    assert row is not None
    assert (row["state"], row["urgency"], row["scope"]) == ("accepted", "URGENT", "CROSS_DEPT")
    # 2026-11-26 is a Thursday: one working day later is Friday, same time
    assert row["due_at"].startswith("2026-11-27T02:00")
    assert row["assignee_id"] == OFFICER.id
    card = last_edit(bot, GROUP_ID)
    assert (
        "已受理" in card["text"]
        and "李联络员" in card["text"]
        and "2026-11-27 10:00" in card["text"]
    )
    assert {"sig", "ret", "esc"} <= verbs(card)
    told = bot.request.last_text(CONTACT.id)
    assert "已受理" in told and "2026-11-27 10:00" in told
    ev = await events_of(bot, report_id)
    assert [(e["action"], e["from_state"], e["to_state"]) for e in ev][-1] == (
        "accept",
        "submitted",
        "accepted",
    )


async def test_stranger_and_officer_of_another_region_are_refused(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot)
    for person in (STRANGER, FAR_OFFICER, CONTACT, OFFICIAL):
        await press(bot, person, report_id, "acx", "submitted", "N0", message_id=card_id)
        answer = last_answer(bot)
        assert answer["show_alert"] is True and "没有权限" in answer["text"]
    assert await state_of(bot, report_id) is ReportState.SUBMITTED
    assert len(await events_of(bot, report_id)) == 1
    # an admin may
    await press(bot, ADMIN, report_id, "acx", "submitted", "N0", message_id=card_id)
    assert await state_of(bot, report_id) is ReportState.ACCEPTED


async def test_stale_button_alerts_and_refreshes_the_card(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    edits_before = len(bot.request.sent("editMessageText", GROUP_ID))
    await press(bot, OFFICER, report_id, "acx", "submitted", "N0", message_id=card_id)
    answer = last_answer(bot)
    assert answer["show_alert"] is True and "状态已经变化" in answer["text"]
    assert len(bot.request.sent("editMessageText", GROUP_ID)) == edits_before + 1
    assert len([e for e in await events_of(bot, report_id) if e["action"] == "accept"]) == 1


async def test_two_officers_pressing_at_once_move_it_once(bot: Bot, triage_world: object) -> None:
    import asyncio

    from tests.triage.helpers import SECOND_OFFICER, SECOND_OFFICER_GRANT

    await SECOND_OFFICER_GRANT(bot.db)
    report_id, card_id = await file_report(bot)
    first = bot.updates.press(
        OFFICER,
        {"chat_id": GROUP_ID},
        keyboards.triage_data(report_id, "acx", "submitted", "N0"),
        card_id,
    )
    second = bot.updates.press(
        SECOND_OFFICER,
        {"chat_id": GROUP_ID},
        keyboards.triage_data(report_id, "rej", "submitted"),
        card_id,
    )
    third = bot.updates.press(
        SECOND_OFFICER,
        {"chat_id": GROUP_ID},
        keyboards.triage_data(report_id, "acx", "submitted", "H0"),
        card_id,
    )
    await asyncio.gather(bot.send(first), bot.send(third), bot.send(second))
    moves = [e for e in await events_of(bot, report_id) if e["action"] == "accept"]
    assert len(moves) == 1
    alerts = [a for a in bot.request.sent("answerCallbackQuery") if a.get("show_alert")]
    assert len(alerts) >= 1 and "状态已经变化" in alerts[-1]["text"]


async def test_forged_callback_data_changes_nothing(bot: Bot, triage_world: object) -> None:
    first, first_card = await file_report(bot)
    second, _ = await file_report(bot, "/report FIN 货款拖欠")
    # the second report's number on the first report's card
    await press(bot, OFFICER, second, "acx", "submitted", "N0", message_id=first_card)
    assert last_answer(bot)["show_alert"] is True
    # a verb the card does not show in that state (resolve a submitted report)
    await press(bot, OFFICER, first, "out", "submitted", "S", message_id=first_card)
    assert last_answer(bot)["show_alert"] is True
    for data in ("t|x|acc|sub|", "t|1|acc|zzz|", "t|1", "t|1|a c|sub|", "t|1|acx|sub|Q9"):
        await press_data(bot, OFFICER, data, chat_id=GROUP_ID, message_id=first_card)
        assert last_answer(bot)["show_alert"] is True
    assert await state_of(bot, first) is ReportState.SUBMITTED
    assert await state_of(bot, second) is ReportState.SUBMITTED


async def test_sign_resolve_and_enterprise_satisfied_closes(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "sig", "accepted", message_id=card_id)
    assert await state_of(bot, report_id) is ReportState.IN_PROGRESS
    await press(bot, OFFICER, report_id, "res", "in_progress", message_id=card_id)
    assert {"out", "back"} == verbs(last_edit(bot, GROUP_ID, "editMessageReplyMarkup"))
    await press(bot, OFFICER, report_id, "out", "in_progress", "P", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "已协调开通绿色通道 <b>\n政策：交通运输保障十条")
    assert await state_of(bot, report_id) is ReportState.RESOLVED
    row = await bot.db.fetch_one("SELECT * FROM reports WHERE id = ?", (report_id,))
    assert row is not None
    assert (row["outcome"], row["outcome_text"], row["policies"]) == (
        "PARTLY",
        "已协调开通绿色通道 <b>",
        "交通运输保障十条",
    )
    card = last_edit(bot, GROUP_ID)
    assert "部分解决" in card["text"] and "&lt;b&gt;" in card["text"]

    told, told_id = bot.request.last_message(CONTACT.id)
    assert "已办结" in told["text"] and "交通运输保障十条" in told["text"]
    assert verbs(told) == {"sat"}
    await press(
        bot, CONTACT, report_id, "sat", "resolved", "B", chat_id=CONTACT.id, message_id=told_id
    )
    assert await state_of(bot, report_id) is ReportState.CLOSED
    row = await bot.db.fetch_one("SELECT satisfaction FROM reports WHERE id = ?", (report_id,))
    assert row is not None and row["satisfaction"] == "BASIC"
    assert "已销号" in bot.request.last_text(CONTACT.id)
    assert verbs(last_edit(bot, GROUP_ID)) == set()  # a closed card has no buttons

    await bot.say(CONTACT, f"/show {report_id}")
    timeline = bot.request.last_text(CONTACT.id)
    assert "部分解决：已协调开通绿色通道 &lt;b&gt;；适用政策：交通运输保障十条" in timeline
    assert "[PARTLY]" not in timeline


async def test_unsatisfied_reopens_with_the_reason(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "sig", "accepted", message_id=card_id)
    await press(bot, OFFICER, report_id, "out", "in_progress", "S", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "已解决")
    _, told_id = bot.request.last_message(CONTACT.id)
    # someone else cannot answer for the enterprise
    await press(
        bot, STRANGER, report_id, "sat", "resolved", "S", chat_id=STRANGER.id, message_id=told_id
    )
    assert last_answer(bot)["show_alert"] is True
    await press(
        bot, CONTACT, report_id, "sat", "resolved", "U", chat_id=CONTACT.id, message_id=told_id
    )
    assert await state_of(bot, report_id) is ReportState.RESOLVED  # waits for the reason
    await answer_prompt(bot, CONTACT, CONTACT.id, "货车仍然进不来")
    assert await state_of(bot, report_id) is ReportState.IN_PROGRESS
    last = (await events_of(bot, report_id))[-1]
    assert (last["action"], last["note"], last["actor_id"]) == (
        "reopen",
        "货车仍然进不来",
        CONTACT.id,
    )


async def test_return_question_and_reporter_answer(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "ret", "accepted", message_id=card_id)
    question, _ = bot.request.last_message(GROUP_ID)
    assert question["reply_markup"]["force_reply"] is True
    # only the officer who pressed answers this question
    await answer_prompt(bot, STRANGER, GROUP_ID, "乱答")
    assert await state_of(bot, report_id) is ReportState.ACCEPTED
    await answer_prompt(bot, OFFICER, GROUP_ID, "请提供被拦车辆的车牌号")
    assert await state_of(bot, report_id) is ReportState.NEED_INFO
    asked, _ = bot.request.last_message(CONTACT.id)
    assert "请提供被拦车辆的车牌号" in asked["text"] and asked["reply_markup"]["force_reply"]
    await answer_prompt(bot, CONTACT, CONTACT.id, "闽A12345")
    assert await state_of(bot, report_id) is ReportState.ACCEPTED
    assert (await events_of(bot, report_id))[-1]["note"] == "闽A12345"
    assert "闽A12345" in bot.request.last_text(GROUP_ID)  # the officers see the answer
    # /show lists the question and the answer
    await bot.say(OFFICER, f"/show {report_id}")
    shown = bot.request.last_text(OFFICER.id)
    assert "退回补充" in shown and "请提供被拦车辆的车牌号" in shown and "闽A12345" in shown


async def test_enterprise_timeline_leaves_internal_notes_out(
    bot: Bot, triage_world: object
) -> None:
    from tests.triage.helpers import reply

    report_id, card_id = await file_report(bot)
    await reply(bot, OFFICER, GROUP_ID, card_id, "内部：企业资金紧张，需关注")
    await reply(bot, OFFICER, GROUP_ID, card_id, "公开：已联系交通局")
    await bot.say(CONTACT, f"/show {report_id}")
    shown = bot.request.last_text(CONTACT.id)
    assert "已联系交通局" in shown and "资金紧张" not in shown
    await bot.say(OFFICER, f"/show {report_id}")
    shown = bot.request.last_text(OFFICER.id)
    assert "已联系交通局" in shown and "资金紧张" in shown


async def test_reject_with_reason_tells_the_enterprise(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await press(bot, OFFICER, report_id, "rej", "submitted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "长" * 501)
    assert "500" in bot.request.last_text(GROUP_ID)
    assert await state_of(bot, report_id) is ReportState.SUBMITTED
    await answer_prompt(bot, OFFICER, GROUP_ID, "不属于本机制受理范围")
    assert await state_of(bot, report_id) is ReportState.REJECTED
    assert "不属于本机制受理范围" in bot.request.last_text(CONTACT.id)


async def test_escalation_card_ack_and_send_back(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "esc", "accepted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "涉及省外高速管控，需部级协调")
    assert await state_of(bot, report_id) is ReportState.ESCALATED
    row = await bot.db.fetch_one(
        "SELECT escalation_chat_id, escalation_message_id FROM reports WHERE id = ?", (report_id,)
    )
    assert row is not None and row["escalation_chat_id"] == ESCALATION_ID
    esc_card = bot.request.sent("sendMessage", ESCALATION_ID)[0]
    assert {"ack", "res", "esc", "sbk", "note", "unt"} == verbs(esc_card)
    assert "部级协调" in bot.request.last_text(ESCALATION_ID)
    esc_id = row["escalation_message_id"]

    # an officer is not the task force
    await press(
        bot, OFFICER, report_id, "ack", "escalated", chat_id=ESCALATION_ID, message_id=esc_id
    )
    assert last_answer(bot)["show_alert"] is True
    await press(
        bot, OFFICIAL, report_id, "ack", "escalated", chat_id=ESCALATION_ID, message_id=esc_id
    )
    assert "已阅：张处长" in last_edit(bot, ESCALATION_ID)["text"]
    assert "已阅：张处长" in last_edit(bot, GROUP_ID)["text"]  # both cards in step
    ack = await bot.db.fetch_one("SELECT user_id FROM escalation_acks")
    assert ack is not None and ack["user_id"] == OFFICIAL.id

    await press(
        bot, OFFICIAL, report_id, "sbk", "escalated", chat_id=ESCALATION_ID, message_id=esc_id
    )
    await answer_prompt(bot, OFFICIAL, ESCALATION_ID, "属地可解决，请市里牵头")
    assert await state_of(bot, report_id) is ReportState.IN_PROGRESS
    assert "办理中" in last_edit(bot, ESCALATION_ID)["text"]
    assert "办理中" in last_edit(bot, GROUP_ID)["text"]
    assert verbs(last_edit(bot, ESCALATION_ID)) == set()


async def test_reporter_blocked_is_logged_not_failing(
    bot: Bot, triage_world: object, caplog: object
) -> None:
    report_id, card_id = await file_report(bot)
    bot.request.fail_next["sendMessage"] = {
        "error_code": 403,
        "description": "Forbidden: bot was blocked by the user",
    }
    await accept(bot, report_id, card_id)
    row = await bot.db.fetch_one("SELECT blocked_at FROM users WHERE user_id = ?", (CONTACT.id,))
    assert row is not None and row["blocked_at"] is not None
    assert datetime.now(UTC)  # the press itself succeeded


async def test_reporter_who_never_opened_the_private_chat_is_told_in_the_group(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot, "/report LOG 原材料运不进厂")
    bot.request.fail_chat[CONTACT.id] = {
        "error_code": 403,
        "description": "Forbidden: bot can't initiate conversation with a user",
    }
    await accept(bot, report_id, card_id)
    notice = bot.request.sent("sendMessage", GROUP_ID)[-1]
    assert f"tg://user?id={CONTACT.id}" in notice["text"] and "已受理" in notice["text"]
    assert notice["reply_parameters"]["message_id"] == card_id
    blocked = await bot.db.fetch_one(
        "SELECT blocked_at FROM users WHERE user_id = ?", (CONTACT.id,)
    )
    assert blocked is not None and blocked["blocked_at"] is None  # not blocked: never started

    await press(bot, OFFICER, report_id, "sig", "accepted", message_id=card_id)
    await press(bot, OFFICER, report_id, "res", "in_progress", message_id=card_id)
    await press(bot, OFFICER, report_id, "out", "in_progress", "S", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "已协调")
    rate, rate_id = bot.request.last_message(GROUP_ID)
    assert verbs(rate) == {"sat"}  # the 满意 buttons come to the group
    await press(bot, OFFICER, report_id, "sat", "resolved", "S", message_id=rate_id)
    assert await state_of(bot, report_id) is ReportState.RESOLVED  # only the reporter may rate
    await press(bot, CONTACT, report_id, "sat", "resolved", "S", message_id=rate_id)
    assert await state_of(bot, report_id) is ReportState.CLOSED
