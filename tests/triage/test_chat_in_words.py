"""Issue 13 in chat: one report driven through many steps, then the group card, /show (officer and
contact) and /queue in the group read in words — no category, urgency, scope, outcome or rating
code, no English state or event name, no bare user id where the person's name is known."""

from __future__ import annotations

import re

from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.domain.workflow import Action, Activity
from tests.conftest import Bot
from tests.support.world import CONTACT, GROUP_ID, OFFICER
from tests.triage.helpers import (
    ESCALATION_ID,
    OFFICIAL,
    SECOND_OFFICER,
    SECOND_OFFICER_GRANT,
    answer_prompt,
    file_report,
    last_edit,
    press,
    reply,
    state_of,
)

CATEGORY_CODES = re.compile(r"\b(LAB|SUP|LOG|PPE|FIN|MKT|TRD|POL|APR|CTL|ENE|CST|PRJ|OTH)\b")
VOCABULARY_CODES = re.compile(
    r"\b(URGENT|HIGH|NORMAL|LOCAL|CROSS_DEPT|CROSS_REGION|NATIONAL|SOLVED|PARTLY|CANNOT"
    r"|SATISFIED|BASIC|UNSATISFIED|TIMEOUT)\b"
)
ENGLISH_NAMES = re.compile(
    r"(?<![A-Za-z_])("
    + "|".join(
        sorted(
            {s.value for s in ReportState}
            | {a.value for a in Action}
            | {a.value for a in Activity}
            | {"blocked_by"},
            key=len,
            reverse=True,
        )
    )
    + r")(?![A-Za-z_])"
)
KNOWN_IDS = re.compile(rf"\b({OFFICER.id}|{CONTACT.id}|{SECOND_OFFICER.id}|{OFFICIAL.id})\b")


def plain(text: str) -> str:
    """The words a person reads: tags and links dropped, the bot's @username left out."""
    text = re.sub(r"<a [^>]*>", "", text)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"@\w+", "", text)


def assert_in_words(where: str, text: str) -> None:
    words = plain(text)
    for pattern in (CATEGORY_CODES, VOCABULARY_CODES, ENGLISH_NAMES, KNOWN_IDS):
        found = pattern.search(words)
        assert found is None, (where, found.group(0) if found else "", words)


async def drive_one_report(bot: Bot) -> tuple[int, int]:
    """File, note, take/assign, recategorize, link, accept (urgent, cross-department), extend,
    sign, escalate, acknowledge, send back — the report ends in progress."""
    await SECOND_OFFICER_GRANT(bot.db)
    for person in (OFFICER, CONTACT, SECOND_OFFICER, OFFICIAL):
        await bot.say(person, "/help")  # the bot learns every name
    bot.request.clear()  # /help names the typed forms (codes included) on purpose
    other, _ = await file_report(bot, "/report FIN 货款拖欠")
    report_id, card_id = await file_report(bot)
    await reply(bot, OFFICER, GROUP_ID, card_id, "已电话联系企业")
    await reply(bot, OFFICER, GROUP_ID, card_id, "公开：已协调交通局")
    await press(bot, SECOND_OFFICER, report_id, "tak", "submitted", message_id=card_id)
    await press(bot, SECOND_OFFICER, report_id, "asg", "submitted", message_id=card_id)
    await answer_prompt(bot, SECOND_OFFICER, GROUP_ID, "@li_officer")
    await press(bot, OFFICER, report_id, "cat", "submitted", message_id=card_id)
    await press(bot, OFFICER, report_id, "cas", "submitted", "SUP", message_id=card_id)
    await press(bot, OFFICER, report_id, "lnk", "submitted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, str(other))
    await press(bot, OFFICER, report_id, "acc", "submitted", message_id=card_id)
    await press(bot, OFFICER, report_id, "acu", "submitted", "U1", message_id=card_id)
    await press(bot, OFFICER, report_id, "acx", "submitted", "U1", message_id=card_id)
    await press(bot, OFFICER, report_id, "ext", "accepted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "3 等待检测报告")
    await press(bot, OFFICER, report_id, "sig", "accepted", message_id=card_id)
    await press(bot, OFFICER, report_id, "esc", "in_progress", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "涉及省外高速管控")
    assert await state_of(bot, report_id) is ReportState.ESCALATED
    row = await bot.db.fetch_one(
        "SELECT escalation_message_id FROM reports WHERE id = ?", (report_id,)
    )
    assert row is not None
    esc_id = row["escalation_message_id"]
    await press(
        bot, OFFICIAL, report_id, "ack", "escalated", chat_id=ESCALATION_ID, message_id=esc_id
    )
    await press(
        bot, OFFICIAL, report_id, "sbk", "escalated", chat_id=ESCALATION_ID, message_id=esc_id
    )
    await answer_prompt(bot, OFFICIAL, ESCALATION_ID, "属地可解决")
    assert await state_of(bot, report_id) is ReportState.IN_PROGRESS
    return report_id, card_id


async def check_every_chat_output(bot: Bot, report_id: int, moment: str) -> None:
    assert_in_words(f"card {moment}", last_edit(bot, GROUP_ID)["text"])
    await bot.say(OFFICER, f"/show {report_id}")
    assert_in_words(f"/show officer {moment}", bot.request.last_text(OFFICER.id))
    await bot.say(CONTACT, f"/show {report_id}")
    assert_in_words(f"/show contact {moment}", bot.request.last_text(CONTACT.id))
    await bot.say(OFFICER, "/queue", chat_id=GROUP_ID)
    assert_in_words(f"/queue {moment}", bot.request.last_text(GROUP_ID))


async def test_the_chat_outputs_speak_in_words(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await drive_one_report(bot)
    await check_every_chat_output(bot, report_id, "in progress")

    await press(bot, OFFICER, report_id, "out", "in_progress", "P", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "已协调部分货源\n政策：稳岗补贴")
    assert await state_of(bot, report_id) is ReportState.RESOLVED
    await check_every_chat_output(bot, report_id, "resolved")

    _, told_id = bot.request.last_message(CONTACT.id)
    await press(
        bot, CONTACT, report_id, "sat", "resolved", "B", chat_id=CONTACT.id, message_id=told_id
    )
    assert await state_of(bot, report_id) is ReportState.CLOSED
    await check_every_chat_output(bot, report_id, "closed")
    card = last_edit(bot, GROUP_ID)["text"]
    for words in ("原材料·零部件供应", "紧急", "跨部门", "部分解决", "基本满意", "李联络员"):
        assert words in card, words
    await bot.say(OFFICER, f"/show {report_id}")
    shown = bot.request.last_text(OFFICER.id)
    for words in ("认领", "指派", "关联同类", "延期", "已阅", "退回下级", "陈联络员", "张处长"):
        assert words in shown, words


async def test_every_message_of_the_journey_speaks_in_words(bot: Bot, triage_world: object) -> None:
    """Beyond the three views: every message and edit the journey sent to any chat (the
    enterprise's notices, the prompts, the task force's card)."""
    report_id, card_id = await drive_one_report(bot)
    await press(bot, OFFICER, report_id, "out", "in_progress", "S", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "已解决\n政策：稳岗补贴")
    _, told_id = bot.request.last_message(CONTACT.id)
    await press(
        bot, CONTACT, report_id, "sat", "resolved", "S", chat_id=CONTACT.id, message_id=told_id
    )
    assert await state_of(bot, report_id) is ReportState.CLOSED
    for method in ("sendMessage", "editMessageText"):
        for n, params in enumerate(bot.request.sent(method)):
            assert_in_words(f"{method} {n} to {params['chat_id']}", params["text"])
    for n, params in enumerate(bot.request.sent("answerCallbackQuery")):
        assert_in_words(f"answer {n}", params.get("text", ""))


async def test_english_readers_see_no_codes_either(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await drive_one_report(bot)
    await press(bot, OFFICER, report_id, "out", "in_progress", "C", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "省外管控未解除")
    for person in (OFFICER, CONTACT):
        await bot.say(person, "/lang en")
        await bot.say(person, f"/show {report_id}")
        shown = plain(bot.request.last_text(person.id))
        for pattern in (CATEGORY_CODES, VOCABULARY_CODES, KNOWN_IDS):
            found = pattern.search(shown)
            assert found is None, (person.id, found.group(0) if found else "", shown)
