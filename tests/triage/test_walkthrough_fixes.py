"""What the UX walkthrough of the triage flow found, through the real Application: an answer typed
without "reply", a second 已阅, codes in /show, the card after 重办, what the enterprise is told,
and 签收 by someone who is not the assignee."""

from __future__ import annotations

import re

from liaisonbot.domain.vocabulary import ReportState
from tests.conftest import Bot
from tests.support.world import CONTACT, GROUP_ID, OFFICER
from tests.triage.helpers import (
    ESCALATION_ID,
    OFFICIAL,
    SECOND_OFFICER,
    SECOND_OFFICER_GRANT,
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

# An internal code in a user's text: an upper-case code word, an action code in quotes, [CODE].
CODES = re.compile(
    r"\b(URGENT|HIGH|NORMAL|LOCAL|CROSS_DEPT|CROSS_REGION|NATIONAL|SATISFIED|BASIC|UNSATISFIED"
    r"|TIMEOUT|SOLVED|PARTLY|CANNOT)\b|“(ack|acx|cas|sig)”|\[[A-Z]+\]"
)


async def _returned(bot: Bot, report_id: int, card_id: int, question: str) -> None:
    """退回补充 with `question`: the report waits for the enterprise."""
    await press(bot, OFFICER, report_id, "ret", "accepted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, question)
    assert await state_of(bot, report_id) is ReportState.NEED_INFO


async def _resolved(bot: Bot, report_id: int, card_id: int, text: str) -> int:
    """签收 and 办结 (solved); the id of the message with the 满意 buttons."""
    await press(bot, OFFICER, report_id, "sig", "accepted", message_id=card_id)
    await press(bot, OFFICER, report_id, "out", "in_progress", "S", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, text)
    assert await state_of(bot, report_id) is ReportState.RESOLVED
    _, rate_id = bot.request.last_message(CONTACT.id)
    return rate_id


# -- 1. the answer to 退回补充 typed as a plain message ----------


async def test_a_plain_message_answers_the_one_open_question(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await _returned(bot, report_id, card_id, "请提供被拦车辆的车牌号")

    await bot.say(CONTACT, "长" * 1001)  # checked as a reply would be: the question stays open
    assert "1000" in bot.request.last_text(CONTACT.id)
    assert await state_of(bot, report_id) is ReportState.NEED_INFO

    await bot.say(CONTACT, "闽A12345")  # no reply: the one open question is answered
    assert await state_of(bot, report_id) is ReportState.ACCEPTED
    last = (await events_of(bot, report_id))[-1]
    assert (last["action"], last["note"], last["actor_id"]) == (
        "info_given",
        "闽A12345",
        CONTACT.id,
    )
    assert "已收到您的补充信息" in bot.request.last_text(CONTACT.id)
    assert "闽A12345" in bot.request.last_text(GROUP_ID)  # the officers see the answer
    assert "已受理" in last_edit(bot, GROUP_ID)["text"]

    # answered: the next plain message is not an answer any more
    await bot.say(CONTACT, "还有一个问题")
    assert "/report" in bot.request.last_text(CONTACT.id)  # the help hint
    assert len([e for e in await events_of(bot, report_id) if e["action"] == "info_given"]) == 1


async def test_with_several_open_questions_the_contact_is_asked_to_reply(
    bot: Bot, triage_world: object
) -> None:
    first, first_card = await file_report(bot)
    second, second_card = await file_report(bot, "/report FIN 货款拖欠")
    for report_id, card_id in ((first, first_card), (second, second_card)):
        await accept(bot, report_id, card_id)
        await _returned(bot, report_id, card_id, f"请补充问题 {report_id} 的材料")
    _, second_question = bot.request.last_message(CONTACT.id)

    await bot.say(CONTACT, "材料已补充")
    listing = bot.request.last_text(CONTACT.id)
    assert f"问题 {first}" in listing and f"问题 {second}" in listing and "回复" in listing
    assert await state_of(bot, first) is ReportState.NEED_INFO
    assert await state_of(bot, second) is ReportState.NEED_INFO

    await reply(bot, CONTACT, CONTACT.id, second_question, "发票已上传")  # a reply still works
    assert await state_of(bot, second) is ReportState.ACCEPTED
    await bot.say(CONTACT, "营业执照已上传")  # one question left: a plain message answers it
    assert await state_of(bot, first) is ReportState.ACCEPTED
    assert (await events_of(bot, first))[-1]["note"] == "营业执照已上传"


async def test_an_open_report_form_takes_the_plain_message_first(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await _returned(bot, report_id, card_id, "请提供车牌号")
    await bot.say(CONTACT, "/report")  # a new form: its category buttons
    await press_category(bot)
    await bot.say(CONTACT, "新问题的标题")
    assert await state_of(bot, report_id) is ReportState.NEED_INFO
    draft = await bot.db.fetch_one("SELECT data FROM drafts WHERE user_id = ?", (CONTACT.id,))
    assert draft is not None and "新问题的标题" in draft["data"]


async def press_category(bot: Bot) -> None:
    from handlers.reporting import keyboards
    from tests.triage.helpers import press_data

    params, message_id = bot.request.last_message(CONTACT.id)
    data = next(
        b["callback_data"]
        for row in params["reply_markup"]["inline_keyboard"]
        for b in row
        if (keyboards.parse_draft_data(b.get("callback_data")) or ("", "", ""))[1] == "cat"
    )
    await press_data(bot, CONTACT, data, chat_id=CONTACT.id, message_id=message_id)


# -- 2. no internal codes in alerts ----------


async def test_a_second_seen_says_so_in_words(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "esc", "accepted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "需部级协调")
    row = await bot.db.fetch_one(
        "SELECT escalation_message_id FROM reports WHERE id = ?", (report_id,)
    )
    assert row is not None
    esc_id = row["escalation_message_id"]
    for _ in range(2):
        await press(
            bot, OFFICIAL, report_id, "ack", "escalated", chat_id=ESCALATION_ID, message_id=esc_id
        )
    alert = last_answer(bot)
    assert alert["show_alert"] is True
    assert alert["text"] == f"您已阅过问题 {report_id}。"
    assert not CODES.search(alert["text"]) and "ack" not in alert["text"]
    acks = await bot.db.fetch_all("SELECT * FROM escalation_acks WHERE report_id = ?", (report_id,))
    assert len(acks) == 1


async def test_the_same_category_again_says_so_in_words(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await press(bot, OFFICER, report_id, "cas", "submitted", "LOG", message_id=card_id)
    alert = last_answer(bot)
    assert alert["show_alert"] is True and alert["text"] == f"问题 {report_id} 已是这个类别。"
    assert "LOG" not in alert["text"]


# -- 3. /show in words, with the assignee and the due date ----------


async def test_the_enterprise_show_reads_in_words_with_assignee_and_due_date(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id, pick="H2")  # 较急, 跨地区
    await press(bot, OFFICER, report_id, "cas", "accepted", "FIN", message_id=card_id)
    rate_id = await _resolved(bot, report_id, card_id, "已协调 <b>\n政策：交通运输保障十条")
    await press(
        bot, CONTACT, report_id, "sat", "resolved", "B", chat_id=CONTACT.id, message_id=rate_id
    )

    await bot.say(CONTACT, f"/show {report_id}")
    shown = bot.request.last_text(CONTACT.id)
    assert "受理 → 已受理：紧急程度较急，跨地区" in shown
    assert "改类别 → 已受理：物流运输 → 资金/融资（含拖欠账款）" in shown
    assert "已解决：已协调 &lt;b&gt;；适用政策：交通运输保障十条" in shown
    assert "基本满意" in shown
    assert "承办人：李联络员" in shown and "办理时限：2026-12-01 10:00" in shown
    assert not CODES.search(shown), CODES.search(shown)

    await bot.say(CONTACT, "/lang en")
    await bot.say(CONTACT, f"/show {report_id}")
    shown = bot.request.last_text(CONTACT.id)
    assert "urgency High, scope Cross-region" in shown
    assert "Solved: 已协调 &lt;b&gt;; Policies applied: 交通运输保障十条" in shown
    timeline = shown.split("<b>Timeline</b>")[1]
    assert "：" not in timeline and "；" not in timeline  # no Chinese punctuation in English
    assert "rated → Closed: Mostly satisfied" in timeline and not CODES.search(shown)


async def test_the_officers_show_names_the_assignee_not_their_id(
    bot: Bot, triage_world: object
) -> None:
    await SECOND_OFFICER_GRANT(bot.db)
    report_id, card_id = await file_report(bot)
    await press(bot, SECOND_OFFICER, report_id, "tak", "submitted", message_id=card_id)
    await bot.say(OFFICER, f"/show {report_id}")
    shown = bot.request.last_text(OFFICER.id)
    assert "认领 → 已登记：陈联络员" in shown and str(SECOND_OFFICER.id) not in shown


# -- 4. after 不满意 (重办) ----------


async def test_a_reopened_card_shows_the_earlier_outcome_and_the_contact_is_told_once(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    rate_id = await _resolved(bot, report_id, card_id, "已解决\n政策：交通运输保障十条")
    await press(
        bot, CONTACT, report_id, "sat", "resolved", "U", chat_id=CONTACT.id, message_id=rate_id
    )
    before = len(bot.request.sent("sendMessage", CONTACT.id))
    await answer_prompt(bot, CONTACT, CONTACT.id, "货车仍然进不来")
    assert await state_of(bot, report_id) is ReportState.IN_PROGRESS
    told = bot.request.texts(CONTACT.id)[before:]
    assert len(told) == 1 and f"问题 {report_id} 将重新办理" in told[0]

    lines = last_edit(bot, GROUP_ID)["text"].split("\n")
    assert "办理中" in lines[0]
    assert "上次办理结果：已解决。已解决" in lines
    assert "上次适用政策：交通运输保障十条" in lines
    assert not [line for line in lines if line.startswith(("办理结果", "适用政策"))]

    # resolved again: the new outcome is the current one, awaiting a new rating
    await press(bot, OFFICER, report_id, "out", "in_progress", "P", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "已开通绿色通道")
    lines = last_edit(bot, GROUP_ID)["text"].split("\n")
    assert "办理结果：部分解决。已开通绿色通道" in lines
    assert not [line for line in lines if "上次" in line or "不满意" in line]


async def test_a_reopen_by_another_contact_still_tells_the_reporter(
    bot: Bot, triage_world: object
) -> None:
    from liaisonbot.services import people
    from tests.support.updates import Person
    from tests.support.world import NOW, SUPPLIER

    colleague = Person(5002, "赵主管")
    await people.bind_contact(bot.db, SUPPLIER.credit_code, colleague.id, NOW)
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    rate_id = await _resolved(bot, report_id, card_id, "已解决")
    await press(
        bot, colleague, report_id, "sat", "resolved", "U", chat_id=CONTACT.id, message_id=rate_id
    )
    await answer_prompt(bot, colleague, CONTACT.id, "仍未解决")
    assert await state_of(bot, report_id) is ReportState.IN_PROGRESS
    assert f"问题 {report_id} 已重新办理" in bot.request.last_text(CONTACT.id)


# -- 5. what the enterprise is told ----------


async def test_accepted_says_what_the_officer_changed_and_every_notice_names_the_item(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot, "/report LOG 原材料<运不进>厂")
    await accept(bot, report_id, card_id, pick="H2")
    told = bot.request.last_text(CONTACT.id)
    assert "已受理" in told
    assert "紧急程度调整为：较急" in told and "范围调整为：跨地区" in told
    assert "原材料&lt;运不进&gt;厂" in told

    await _returned(bot, report_id, card_id, "请提供车牌号")
    asked = bot.request.last_text(CONTACT.id)
    assert "原材料&lt;运不进&gt;厂" in asked and "请提供车牌号" in asked
    await bot.say(CONTACT, "闽A12345")

    await reply(bot, OFFICER, GROUP_ID, card_id, "公开：已联系交通局")
    assert "原材料&lt;运不进&gt;厂" in bot.request.last_text(CONTACT.id)
    await _resolved(bot, report_id, card_id, "已协调")
    resolved = bot.request.last_text(CONTACT.id)
    assert resolved.split("\n")[1] == "标题：<b>原材料&lt;运不进&gt;厂</b>"


async def test_accepted_as_filed_mentions_no_change(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)  # N0: as filed (一般, 属地解决)
    told = bot.request.last_text(CONTACT.id)
    assert "已受理" in told and "调整为" not in told and "原材料运不进厂" in told


# -- 6. 签收 by someone who is not the assignee ----------


async def test_sign_by_another_officer_is_refused_with_a_hint_to_take_it(
    bot: Bot, triage_world: object
) -> None:
    await SECOND_OFFICER_GRANT(bot.db)
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)  # 李 accepts: the assignee
    await press(bot, SECOND_OFFICER, report_id, "sig", "accepted", message_id=card_id)
    alert = last_answer(bot)
    assert alert["show_alert"] is True and "承办人" in alert["text"] and "认领" in alert["text"]
    row = await bot.db.fetch_one(
        "SELECT state, assignee_id FROM reports WHERE id = ?", (report_id,)
    )
    assert row is not None and (row["state"], row["assignee_id"]) == ("accepted", OFFICER.id)

    # taken over openly (the card says so), then signed
    await press(bot, SECOND_OFFICER, report_id, "tak", "accepted", message_id=card_id)
    await press(bot, SECOND_OFFICER, report_id, "sig", "accepted", message_id=card_id)
    row = await bot.db.fetch_one(
        "SELECT state, assignee_id FROM reports WHERE id = ?", (report_id,)
    )
    assert row is not None and (row["state"], row["assignee_id"]) == (
        "in_progress",
        SECOND_OFFICER.id,
    )
    assert "承办人：陈联络员" in last_edit(bot, GROUP_ID)["text"]
