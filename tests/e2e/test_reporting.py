"""Filing reports with the real bot process: the guided dialog, the one-liner in the private chat
and in the group, the deep link from the group, a restart in the middle of the dialog, an update
delivered twice and an edited command."""

from __future__ import annotations

import re

import pytest

from liaisonbot.sandbox.scene import CONTACT, LIAISON_GROUP
from tests.e2e.conftest import E2E, Message, has, with_button

pytestmark = pytest.mark.e2e

PRIVATE = CONTACT.id  # the contact's private chat with the bot has the contact's id
ONE_LINER = "/report LOG 紧急 原材料运不进厂"
FILED = re.compile(r"问题已登记，编号 (\d+)")


def number_in(ack: Message) -> int:
    match = FILED.search(ack["text"] or "")
    assert match, ack
    return int(match.group(1))


async def dialog_until_confirm(e2e: E2E, first_prompt: Message) -> Message:
    """From the category question to the summary: every step of the guided form."""
    chat = PRIVATE
    pressed = await e2e.press(CONTACT.id, chat, first_prompt, text="物流运输")
    assert (await e2e.answer_of(pressed)).get("show_alert") is False
    title_q = await e2e.bot_message(chat, has("第 2 步"), after=first_prompt["message_id"])
    # the category question keeps the answer given, without its buttons
    question = await e2e.message(chat, first_prompt["message_id"])
    assert "→ 物流运输" in question["text"] and not question["keyboard"]

    sent = await e2e.say(CONTACT.id, chat, "原材料运不进厂")
    assert sent["message_id"] > title_q["message_id"]
    await e2e.bot_message(chat, has("第 3 步"), after=sent["message_id"])
    sent = await e2e.say(CONTACT.id, chat, "高速路口封闭，钢材三天没有进厂，闽都汽车总装线面临停线")
    ask_q = await e2e.bot_message(chat, has("第 4 步"), after=sent["message_id"])
    assert with_button("跳过")(ask_q)
    sent = await e2e.say(CONTACT.id, chat, "协调开通货运绿色通道")
    urgency_q = await e2e.bot_message(chat, has("第 5 步"), after=sent["message_id"])
    await e2e.answer_of(await e2e.press(CONTACT.id, chat, urgency_q, text="紧急"))
    scope_q = await e2e.bot_message(chat, has("第 6 步"), after=urgency_q["message_id"])
    await e2e.answer_of(await e2e.press(CONTACT.id, chat, scope_q, text="跨地区"))
    files_q = await e2e.bot_message(chat, has("第 7 步"), after=scope_q["message_id"])
    await e2e.answer_of(await e2e.press(CONTACT.id, chat, files_q, text="完成"))
    summary = await e2e.bot_message(chat, has("请核对以下内容"), after=files_q["message_id"])
    for shown in ("物流运输", "原材料运不进厂", "钢材三天没有进厂", "绿色通道", "紧急", "跨地区"):
        assert shown in summary["text"], shown
    return summary


async def submit(e2e: E2E, summary: Message) -> int:
    answer = await e2e.answer_of(await e2e.press(CONTACT.id, PRIVATE, summary, text="✔ 提交"))
    match = re.search(r"已提交，编号 (\d+)", answer.get("text") or "")
    assert match, answer
    report_id = int(match.group(1))
    ack = await e2e.bot_message(PRIVATE, has("问题已登记"), after=summary["message_id"])
    assert number_in(ack) == report_id
    return report_id


async def test_guided_dialog_files_a_report_and_the_card_reaches_the_group(e2e: E2E) -> None:
    sent = await e2e.say(CONTACT.id, None, "/report")
    await e2e.bot_message(PRIVATE, has("开始登记困难问题"), after=sent["message_id"])
    first = await e2e.bot_message(PRIVATE, has("第 1 步"), after=sent["message_id"])
    assert with_button("物流运输")(first) and with_button("✖ 取消")(first)

    summary = await dialog_until_confirm(e2e, first)
    report_id = await submit(e2e, summary)

    card = await e2e.card_shows(report_id, "已登记", "原材料运不进厂", "紧急", "跨地区")
    assert "闽江精密部件有限公司" in card["text"] and "✅ 受理" in str(card["keyboard"])
    row = await e2e.report_when(report_id, card_message_id=card["message_id"])
    assert (row["category"], row["urgency"], row["scope"], row["state"]) == (
        "LOG",
        "URGENT",
        "CROSS_REGION",
        "submitted",
    )
    assert row["ask"] == "协调开通货运绿色通道"
    assert row["source_key"].startswith(f"draft:{CONTACT.id}:")
    assert row["acked_at"] is not None
    assert e2e.query("SELECT count(*) AS n FROM drafts")[0]["n"] == 0


async def test_one_liner_in_the_private_chat(e2e: E2E) -> None:
    sent = await e2e.say(CONTACT.id, None, ONE_LINER)
    ack = await e2e.bot_message(PRIVATE, has("问题已登记"), after=sent["message_id"])
    assert ack["reply_to_message_id"] == sent["message_id"]
    report_id = number_in(ack)
    assert "原材料运不进厂" in ack["text"] and "紧急" in ack["text"]
    card = await e2e.card_shows(report_id, "已登记", "原材料运不进厂", "紧急")
    assert card["reply_to_message_id"] is None  # not a reply to anything in the group
    row = e2e.report(report_id)
    assert (row["category"], row["urgency"], row["title"]) == ("LOG", "URGENT", "原材料运不进厂")


async def test_one_liner_in_the_group_with_privacy_mode_on(e2e: E2E) -> None:
    assert (await e2e.client.state())["privacy"] is True
    sent = await e2e.say(CONTACT.id, LIAISON_GROUP, ONE_LINER)
    assert sent["visible_to_bot"] is True  # a command reaches a bot in privacy mode
    card = await e2e.bot_message(
        LIAISON_GROUP, has("已登记", "原材料运不进厂"), after=sent["message_id"]
    )
    # the card is the answer in the group: one message, replying to the command
    assert card["reply_to_message_id"] == sent["message_id"]
    report_id = e2e.query("SELECT max(id) AS id FROM reports")[0]["id"]
    assert f"问题 {report_id}｜" in card["text"]
    row = await e2e.report_when(report_id, card_message_id=card["message_id"])
    assert row["group_chat_id"] == LIAISON_GROUP
    assert row["source_key"] == f"msg:{LIAISON_GROUP}:{sent['message_id']}"
    # nothing else was said in the group, and the private chat got nothing
    later = [m for m in await e2e.client.messages(LIAISON_GROUP, after=sent["message_id"])]
    assert [m["message_id"] for m in later if m["from_bot"]] == [card["message_id"]]


async def test_plain_text_in_the_group_does_not_reach_the_bot(e2e: E2E) -> None:
    """Privacy mode: only commands and replies to the bot are delivered."""
    chatter = await e2e.say(CONTACT.id, LIAISON_GROUP, "原材料运不进厂，大家有办法吗")
    assert chatter["visible_to_bot"] is False
    sent = await e2e.say(CONTACT.id, LIAISON_GROUP, ONE_LINER)
    card = await e2e.bot_message(LIAISON_GROUP, has("已登记"), after=sent["message_id"])
    assert card["reply_to_message_id"] == sent["message_id"]
    assert e2e.report_count() == 1


@pytest.mark.parametrize("how", ["press the button", "open the link"])
async def test_report_in_the_group_links_to_the_dialog_in_private(e2e: E2E, how: str) -> None:
    sent = await e2e.say(CONTACT.id, LIAISON_GROUP, "/report")
    answer = await e2e.bot_message(LIAISON_GROUP, has("私聊中填写"), after=sent["message_id"])
    assert answer["reply_to_message_id"] == sent["message_id"]
    [[button]] = answer["keyboard"]
    assert button["text"] == "在私聊中填写"
    assert button["url"] == f"https://t.me/{e2e.sandbox.bot_username}?start=rep_{LIAISON_GROUP}"

    if how == "press the button":
        opened = await e2e.press(CONTACT.id, LIAISON_GROUP, answer, text="在私聊中填写")
        assert opened["kind"] == "deep_link" and opened["chat_id"] == PRIVATE
        start_id = opened["message_id"]
    else:
        start_id = (await e2e.client.open_deep_link(CONTACT.id, button["url"]))["message_id"]
    start = await e2e.message(PRIVATE, start_id)
    assert start["text"] == f"/start rep_{LIAISON_GROUP}"

    first = await e2e.bot_message(PRIVATE, has("第 1 步"), after=start_id)
    summary = await dialog_until_confirm(e2e, first)
    report_id = await submit(e2e, summary)
    await e2e.card_shows(report_id, "已登记", "原材料运不进厂")
    assert e2e.report(report_id)["group_chat_id"] == LIAISON_GROUP


async def test_restart_in_the_middle_of_the_dialog(e2e: E2E) -> None:
    sent = await e2e.say(CONTACT.id, None, "/report")
    first = await e2e.bot_message(PRIVATE, has("第 1 步"), after=sent["message_id"])
    await e2e.answer_of(await e2e.press(CONTACT.id, PRIVATE, first, text="物流运输"))
    title_q = await e2e.bot_message(PRIVATE, has("第 2 步"), after=first["message_id"])
    sent = await e2e.say(CONTACT.id, PRIVATE, "原材料运不进厂")
    await e2e.bot_message(PRIVATE, has("第 3 步"), after=sent["message_id"])
    assert title_q

    await e2e.stop()  # SIGTERM, as a service manager would
    # written while the bot is down: kept by Telegram, handled after the start
    sent = await e2e.say(CONTACT.id, PRIVATE, "高速路口封闭，钢材三天没有进厂")
    await e2e.start()

    ask_q = await e2e.bot_message(PRIVATE, has("第 4 步"), after=sent["message_id"])
    await e2e.answer_of(await e2e.press(CONTACT.id, PRIVATE, ask_q, text="跳过"))
    urgency_q = await e2e.bot_message(PRIVATE, has("第 5 步"), after=ask_q["message_id"])
    await e2e.answer_of(await e2e.press(CONTACT.id, PRIVATE, urgency_q, text="较急"))
    scope_q = await e2e.bot_message(PRIVATE, has("第 6 步"), after=urgency_q["message_id"])
    await e2e.answer_of(await e2e.press(CONTACT.id, PRIVATE, scope_q, text="属地解决"))
    files_q = await e2e.bot_message(PRIVATE, has("第 7 步"), after=scope_q["message_id"])
    await e2e.answer_of(await e2e.press(CONTACT.id, PRIVATE, files_q, text="完成"))
    summary = await e2e.bot_message(PRIVATE, has("请核对以下内容"), after=files_q["message_id"])
    assert "钢材三天没有进厂" in summary["text"]
    report_id = await submit(e2e, summary)

    await e2e.card_shows(report_id, "已登记", "原材料运不进厂", "较急")
    row = e2e.report(report_id)
    assert (row["title"], row["description"], row["ask"], row["urgency"]) == (
        "原材料运不进厂",
        "高速路口封闭，钢材三天没有进厂",
        "",
        "HIGH",
    )
    assert e2e.report_count() == 1


@pytest.mark.parametrize("restart", [False, True], ids=["running", "after a restart"])
async def test_an_update_delivered_twice_files_one_report(e2e: E2E, restart: bool) -> None:
    sent = await e2e.say(CONTACT.id, None, ONE_LINER)
    ack = await e2e.bot_message(PRIVATE, has("问题已登记"), after=sent["message_id"])
    report_id = number_in(ack)
    await e2e.card_shows(report_id, "已登记")
    [update_id] = [
        u["update_id"]
        for u in await e2e.client.updates()
        if (u["update"].get("message") or {}).get("message_id") == sent["message_id"]
        and u["update"]["message"]["chat"]["id"] == PRIVATE
    ]

    if restart:
        await e2e.stop()
    since = await e2e.last_call_seq()
    await e2e.client.deliver_twice(update_id)
    if restart:
        await e2e.start()
    # A later update is handled after the repeated one (updates are handled in order).
    probe = await e2e.say(CONTACT.id, None, "/my")
    listing = await e2e.bot_message(PRIVATE, has("反映的问题"), after=probe["message_id"])
    polled = await e2e.client.calls(method="getUpdates", since=since)
    assert any(update_id in (c.get("result") or []) for c in polled), "not delivered again"
    assert f"update {update_id} was handled before; skipped" in e2e.log_tail(200)

    assert e2e.report_count() == 1
    assert f"{report_id} ｜" in listing["text"]
    acks = [
        m
        for m in await e2e.client.messages(PRIVATE, after=sent["message_id"])
        if m["from_bot"] and "问题已登记" in (m["text"] or "")
    ]
    cards = [m for m in await e2e.client.messages(LIAISON_GROUP) if m["from_bot"]]
    assert (len(acks), len(cards)) == (1, 1)


async def test_an_edited_report_command_files_nothing_new(e2e: E2E) -> None:
    sent = await e2e.say(CONTACT.id, None, "/report LOG 原材料运不进厂")
    ack = await e2e.bot_message(PRIVATE, has("问题已登记"), after=sent["message_id"])
    report_id = number_in(ack)

    edited = await e2e.client.edit_text(
        CONTACT.id, None, sent["message_id"], "/report LOG 紧急 原材料和零部件都运不进厂"
    )
    assert edited["edit_date"] is not None
    await e2e.bot_message(PRIVATE, has("修改消息不会改动已提交的问题"), after=ack["message_id"])

    assert e2e.report_count() == 1
    row = e2e.report(report_id)
    assert (row["title"], row["urgency"]) == ("原材料运不进厂", "NORMAL")
    later = await e2e.client.messages(PRIVATE, after=ack["message_id"])
    assert not [m for m in later if m["from_bot"] and "问题已登记" in (m["text"] or "")]
