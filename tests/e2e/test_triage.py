"""Triage with the real bot process: the officer works the card in the liaison group, the
reporter rates the result in the private chat, the task force sees escalated items."""

from __future__ import annotations

import re

import pytest

from liaisonbot.sandbox.scene import (
    CONTACT,
    CONTACT_2,
    ESCALATION_GROUP,
    LIAISON_GROUP,
    OFFICER,
    OFFICIAL,
    Person,
)
from tests.e2e.conftest import E2E, Message, Predicate, has, with_button

pytestmark = pytest.mark.e2e

PRIVATE = CONTACT.id
GROUP = LIAISON_GROUP


def card_of(report_id: int, *words: str) -> Predicate:
    head = has(f"问题 {report_id}｜", *words)

    def predicate(message: Message) -> bool:
        return head(message) and bool(message["keyboard"] or words)

    predicate.__doc__ = head.__doc__
    return predicate


def same_message(message_id: int, predicate: Predicate) -> Predicate:
    def check(message: Message) -> bool:
        return message["message_id"] == message_id and predicate(message)

    check.__doc__ = f"#{message_id} with {predicate.__doc__}"
    return check


async def file_report(e2e: E2E) -> tuple[int, Message]:
    """The contact files the one-liner privately; (number, card in the group)."""
    sent = await e2e.say(CONTACT.id, None, "/report LOG 紧急 原材料运不进厂")
    ack = await e2e.bot_message(PRIVATE, has("问题已登记"), after=sent["message_id"])
    match = re.search(r"编号 (\d+)", ack["text"])
    assert match, ack
    report_id = int(match.group(1))
    card = await e2e.card_shows(report_id, "已登记")
    await e2e.report_when(report_id, card_message_id=card["message_id"])
    return report_id, card


async def press_on_card(
    e2e: E2E, user_id: int, card: Message, text: str, chat_id: int = GROUP
) -> dict[str, object]:
    """Press a button of the card as it reads now; the bot's answer to the press."""
    current = await e2e.message(chat_id, card["message_id"])
    return await e2e.answer_of(await e2e.press(user_id, chat_id, current, text=text))


async def panel_shows(e2e: E2E, card: Message, button: str, chat_id: int = GROUP) -> Message:
    return await e2e.bot_message(chat_id, same_message(card["message_id"], with_button(button)))


async def accept(e2e: E2E, report_id: int, card: Message) -> None:
    answer = await press_on_card(e2e, OFFICER.id, card, "✅ 受理")
    assert not answer["show_alert"]
    await panel_shows(e2e, card, "✅ 确认受理")  # the panel to confirm urgency and scope
    answer = await press_on_card(e2e, OFFICER.id, card, "✅ 确认受理")
    assert answer["text"] == "已处理。"
    shown = await e2e.card_shows(report_id, "已受理", "承办人：李联络员")
    assert with_button("✍️ 签收")(shown) and with_button("⬆️ 上报")(shown)
    await e2e.bot_message(PRIVATE, has(f"您反映的问题 {report_id} 已受理", "办理时限"))
    await e2e.report_when(report_id, state="accepted", assignee_id=OFFICER.id)


async def answer_prompt(
    e2e: E2E, user_id: int, chat_id: int, after: int, report_id: int, text: str
) -> Message:
    """Reply to the bot's ForceReply question about the report; the bot's confirmation."""
    prompt = await e2e.bot_message(chat_id, has("请回复本消息", f"问题 {report_id}"), after=after)
    sent = await e2e.say(user_id, chat_id, text, reply_to=prompt["message_id"])
    assert sent["visible_to_bot"] is True  # a reply to the bot passes privacy mode
    return await e2e.bot_message(chat_id, has(f"问题 {report_id}"), after=sent["message_id"])


async def resolve(e2e: E2E, report_id: int, card: Message) -> Message:
    """Sign, then resolve as solved; the reporter's message asking to rate."""
    await press_on_card(e2e, OFFICER.id, card, "✍️ 签收")
    await e2e.card_shows(report_id, "办理中")
    await press_on_card(e2e, OFFICER.id, card, "🏁 办结")
    await panel_shows(e2e, card, "已解决")
    latest = (await e2e.client.messages(GROUP))[-1]["message_id"]
    await press_on_card(e2e, OFFICER.id, card, "已解决")
    done = await answer_prompt(
        e2e, OFFICER.id, GROUP, latest, report_id, "已协调交警开通绿色通道，钢材已进厂"
    )
    assert "已办结，等待企业评价" in done["text"]
    await e2e.card_shows(report_id, "已办结", "办理结果：已解决", "钢材已进厂")
    rate = await e2e.bot_message(PRIVATE, has(f"问题 {report_id} 已办结", "请评价办理结果"))
    assert [b["text"] for b in rate["keyboard"][0]] == ["满意", "基本满意", "不满意"]
    return rate


async def test_accept_note_resolve_and_the_reporter_closes_it(e2e: E2E) -> None:
    report_id, card = await file_report(e2e)
    await accept(e2e, report_id, card)

    # a progress note: the officer replies to the card (privacy mode lets replies through)
    note = await e2e.say(
        OFFICER.id, GROUP, "已电话联系企业，正在协调交警", reply_to=card["message_id"]
    )
    done = await e2e.bot_message(
        GROUP, has(f"备注已记录（内部，问题 {report_id}）"), after=note["message_id"]
    )
    assert done["reply_to_message_id"] == note["message_id"]
    await e2e.db_until(
        "SELECT note FROM report_events WHERE report_id = ? AND action = 'note'",
        (report_id,),
        lambda rows: [r["note"] for r in rows] == ["已电话联系企业，正在协调交警"],
    )

    rate = await resolve(e2e, report_id, card)
    since = await e2e.seq()
    pressed = await e2e.press(CONTACT.id, PRIVATE, rate, text="满意")
    assert (await e2e.answer_of(pressed))["text"] == "感谢您的评价！"
    edited = await e2e.client.wait_for_edit(GROUP, card["message_id"], since, timeout=10)
    assert "已销号" in edited["text"] and "企业评价：满意" in edited["text"]
    assert not edited["keyboard"]  # nothing left to press on a closed item
    await e2e.bot_message(PRIVATE, has(f"问题 {report_id} 已销号"), after=rate["message_id"])
    rated = await e2e.message(PRIVATE, rate["message_id"])
    assert not rated["keyboard"]  # the rating buttons are gone once used

    row = await e2e.report_when(report_id, state="closed")
    assert (row["satisfaction"], row["outcome"]) == ("SATISFIED", "SOLVED")
    assert row["closed_at"] is not None
    assert [e[0] for e in e2e.events(report_id)] == [
        "submit",
        "accept",
        "note",
        "sign",
        "resolve",
        "confirm",
    ]


async def test_unsatisfied_reporter_reopens_the_item(e2e: E2E) -> None:
    report_id, card = await file_report(e2e)
    await accept(e2e, report_id, card)
    # a note through the card's 📝 button and its question
    latest = (await e2e.client.messages(GROUP))[-1]["message_id"]
    await press_on_card(e2e, OFFICER.id, card, "📝 备注")
    done = await answer_prompt(e2e, OFFICER.id, GROUP, latest, report_id, "已与交警沟通")
    assert "备注已记录" in done["text"]

    rate = await resolve(e2e, report_id, card)
    pressed = await e2e.press(CONTACT.id, PRIVATE, rate, text="不满意")
    assert not (await e2e.answer_of(pressed))["show_alert"]
    done = await answer_prompt(
        e2e, CONTACT.id, PRIVATE, rate["message_id"], report_id, "钢材还是进不来，通道只开了半天"
    )
    assert f"问题 {report_id} 将重新办理" in done["text"]

    await e2e.card_shows(report_id, "办理中")
    told = await e2e.bot_message(GROUP, has(f"企业对问题 {report_id} 的办理结果不满意，已重办"))
    assert "通道只开了半天" in told["text"] and told["reply_to_message_id"] == card["message_id"]
    # one message for one 不满意: the answer to the reason; no second notice (sent before the
    # group's, which has arrived)
    private = await e2e.client.messages(PRIVATE, after=rate["message_id"])
    assert not [m for m in private if m["from_bot"] and "已重新办理" in (m["text"] or "")]
    row = await e2e.report_when(report_id, state="in_progress")
    assert row["closed_at"] is None
    assert e2e.events(report_id)[-1] == ("reopen", "resolved", "in_progress")
    notes = e2e.query(
        "SELECT note FROM report_events WHERE report_id = ? AND action = 'reopen'", (report_id,)
    )
    assert [r["note"] for r in notes] == ["钢材还是进不来，通道只开了半天"]


async def test_escalation_reaches_the_task_force_and_the_official_acknowledges(e2e: E2E) -> None:
    report_id, card = await file_report(e2e)
    await accept(e2e, report_id, card)

    latest = (await e2e.client.messages(GROUP))[-1]["message_id"]
    await press_on_card(e2e, OFFICER.id, card, "⬆️ 上报")
    done = await answer_prompt(
        e2e, OFFICER.id, GROUP, latest, report_id, "涉及跨市通行，需省交通运输厅协调"
    )
    assert f"问题 {report_id} 已上报" in done["text"]
    await e2e.card_shows(report_id, "已上报")

    top = await e2e.bot_message(ESCALATION_GROUP, card_of(report_id, "已上报"))
    assert with_button("👁 已阅")(top), top["keyboard"]
    reason = await e2e.bot_message(ESCALATION_GROUP, has(f"问题 {report_id} 上报理由"))
    assert "需省交通运输厅协调" in reason["text"]
    assert reason["reply_to_message_id"] == top["message_id"]
    await e2e.report_when(report_id, state="escalated", escalation_message_id=top["message_id"])

    answer = await press_on_card(e2e, OFFICIAL.id, top, "👁 已阅", chat_id=ESCALATION_GROUP)
    assert answer["text"] == "已处理。" and not answer["show_alert"]
    await e2e.card_shows(report_id, "已阅：张处长", chat_id=ESCALATION_GROUP)
    await e2e.card_shows(report_id, "已上报", "已阅：张处长")  # the liaison group's card too
    acks = await e2e.db_until(
        "SELECT user_id FROM escalation_acks WHERE report_id = ?", (report_id,)
    )
    assert [r["user_id"] for r in acks] == [OFFICIAL.id]
    assert e2e.report(report_id)["state"] == "escalated"  # still open: the task force acts


@pytest.mark.parametrize("presser", [CONTACT, CONTACT_2], ids=["reporter", "other contact"])
async def test_a_press_by_a_non_officer_is_refused_and_changes_nothing(
    e2e: E2E, presser: Person
) -> None:
    report_id, card = await file_report(e2e)
    user_id = presser.id
    calls_before = await e2e.last_call_seq()

    answer = await press_on_card(e2e, user_id, card, "✅ 受理")
    assert answer["show_alert"] is True and "没有权限" in (answer["text"] or "")
    answer = await press_on_card(e2e, user_id, card, "⛔ 不予受理")
    assert answer["show_alert"] is True and "没有权限" in (answer["text"] or "")

    after = await e2e.message(GROUP, card["message_id"])
    assert (after["text"], after["keyboard"], after["edit_date"]) == (
        card["text"],
        card["keyboard"],
        None,
    )
    calls = await e2e.client.calls(since=calls_before)
    assert [c["method"] for c in calls] == ["answerCallbackQuery", "answerCallbackQuery"]
    assert e2e.report(report_id)["state"] == "submitted"
    assert e2e.events(report_id) == [("submit", None, "submitted")]
    assert e2e.query("SELECT count(*) AS n FROM triage_prompts")[0]["n"] == 0
