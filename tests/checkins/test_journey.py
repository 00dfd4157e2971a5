"""A contact answering a round in their private chat, with the round sent by the job's code and
every Bot API call recorded; reminders, the missing list, 免报 and 迟报; answers on behalf."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from handlers.checkins import rounds
from liaisonbot.domain.checkins import RoundStatus
from liaisonbot.domain.models import RoleGrant
from liaisonbot.domain.vocabulary import Role
from liaisonbot.read import checkins as views
from liaisonbot.services import people
from tests.conftest import Bot
from tests.support.fake_telegram import buttons
from tests.support.world import CONTACT, GROUP_ID, OFFICER

# Thursday 2026-11-26 16:30 in Shanghai: the round of the day is open.
ROUND_OPEN = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)


def _deps(bot: Bot) -> Any:
    return bot.app.bot_data["deps"]


async def _press(bot: Bot, person: Any, chat_id: int, label: str) -> None:
    sent, message_id = bot.request.last_message(chat_id)
    for button in buttons(sent):
        if button["text"] == label:
            await bot.send(bot.updates.press(person, sent, button["callback_data"], message_id))
            return
    raise AssertionError(f"no button {label!r} in {[b['text'] for b in buttons(sent)]}")


async def _round(bot: Bot) -> rounds.RoundResult:
    bot.clock.now = ROUND_OPEN
    return await rounds.send_round(bot.app.bot, _deps(bot))


async def test_a_round_is_asked_once_and_answered_in_a_few_taps(bot: Bot, world: Any) -> None:
    result = await _round(bot)
    assert result.asked == 1
    assert "复工达产情况填报" in bot.request.last_text(CONTACT.id)
    again = await rounds.send_round(bot.app.bot, _deps(bot))
    assert again.asked == 0  # exactly once per enterprise and round
    await _press(bot, CONTACT, CONTACT.id, "部分复工")
    assert "在册职工" in bot.request.last_text(CONTACT.id)
    await bot.say(CONTACT, "200 150")
    assert "产能利用率" in bot.request.last_text(CONTACT.id)
    await bot.say(CONTACT, "85％")
    await _press(bot, CONTACT, CONTACT.id, "物流运输")
    await _press(bot, CONTACT, CONTACT.id, "7天内")
    text = bot.request.last_text(CONTACT.id)
    assert "已记录" in text and "返岗率 75.0%" in text and "产能利用率 85.0%" in text
    entries = await views.entries(bot.db, ROUND_OPEN.date())
    assert [e.status for e in entries] == [RoundStatus.ON_TIME]
    # the report button opens the dialog with the bottleneck filled in
    await _press(bot, CONTACT, CONTACT.id, "反映困难：物流运输")
    assert any("标题" in t or "title" in t.lower() for t in bot.request.texts(CONTACT.id)[-2:])


async def test_bad_input_is_refused_with_the_forms_and_concerns_asked_once(
    bot: Bot, world: Any
) -> None:
    await _round(bot)
    await _press(bot, CONTACT, CONTACT.id, "全面复工")
    await bot.say(CONTACT, "很多")
    assert "很多" in bot.request.texts(CONTACT.id)[-2]  # the refusal names the forms
    assert "200 150" in bot.request.last_text(CONTACT.id)  # and the question again
    await bot.say(CONTACT, "100 120")
    await bot.say(CONTACT, "0")
    text = bot.request.last_text(CONTACT.id)
    assert "多于在册" in text and "产能利用率为 0%" in text
    assert await views.entries(bot.db, ROUND_OPEN.date()) != []  # asked, nothing stored yet
    assert (await views.entries(bot.db, ROUND_OPEN.date()))[0].answer is None
    await _press(bot, CONTACT, CONTACT.id, "确认无误")
    stored = (await views.entries(bot.db, ROUND_OPEN.date()))[0].answer
    assert stored is not None and stored.on_duty == 120


async def test_same_as_last_time_and_a_correction_keeps_history(bot: Bot, world: Any) -> None:
    await _round(bot)
    await _press(bot, CONTACT, CONTACT.id, "停产·注销")
    assert "已记录" in bot.request.last_text(CONTACT.id)
    await _press(bot, CONTACT, CONTACT.id, "更正")
    await _press(bot, CONTACT, CONTACT.id, "未复工")
    await _press(bot, CONTACT, CONTACT.id, "跳过")
    await _press(bot, CONTACT, CONTACT.id, "无明显瓶颈")
    await _press(bot, CONTACT, CONTACT.id, "暂不确定")
    assert "第 2 版" in bot.request.last_text(CONTACT.id)
    _, supplier = world
    history = await views.history(bot.db, supplier)
    assert [h.version for h in history] == [2, 1]
    # next working day's round offers 与上次相同
    bot.clock.now = ROUND_OPEN + timedelta(days=1)
    assert (await rounds.send_round(bot.app.bot, _deps(bot))).asked == 1
    await _press(bot, CONTACT, CONTACT.id, "与上次相同")
    assert "未复工" in bot.request.last_text(CONTACT.id)


async def test_stopped_enterprise_is_exempt_until_it_answers_otherwise(
    bot: Bot, world: Any
) -> None:
    await _round(bot)
    await _press(bot, CONTACT, CONTACT.id, "停产·注销")
    bot.clock.now = ROUND_OPEN + timedelta(days=1)
    assert (await rounds.send_round(bot.app.bot, _deps(bot))).asked == 0
    day = (ROUND_OPEN + timedelta(days=1)).date()
    entries = await views.entries(bot.db, day)
    assert [e.status for e in entries] == [RoundStatus.EXEMPT]
    assert views.figures(entries).expected == 0


async def test_reminder_missing_list_and_late_answer(bot: Bot, world: Any) -> None:
    await _round(bot)
    d = _deps(bot)
    # window 16:00 → Friday 12:00 (20 h); 80 % is Friday 08:00 Shanghai
    bot.clock.now = datetime(2026, 11, 27, 0, 1, tzinfo=UTC)
    assert await rounds.send_reminders(bot.app.bot, d) == 1
    assert await rounds.send_reminders(bot.app.bot, d) == 0
    assert "尚未填报" in bot.request.last_text(CONTACT.id)
    bot.clock.now = datetime(2026, 11, 27, 4, 1, tzinfo=UTC)
    assert await rounds.send_missing_lists(bot.app.bot, d) == 1
    assert await rounds.send_missing_lists(bot.app.bot, d) == 0
    assert "闽江精密部件有限公司" in bot.request.last_text(OFFICER.id)
    await bot.say(OFFICER, "/missing", chat_id=GROUP_ID)
    assert "闽江精密部件有限公司" in bot.request.last_text(GROUP_ID)
    await _press(bot, CONTACT, CONTACT.id, "停产·注销")
    entries = await views.entries(bot.db, ROUND_OPEN.date())
    assert [e.status for e in entries] == [RoundStatus.LATE]


async def test_contact_who_never_opened_the_chat_is_mentioned_in_the_group(
    bot: Bot, world: Any
) -> None:
    bot.request.fail_chat[CONTACT.id] = {
        "error_code": 403,
        "description": "Forbidden: bot can't initiate conversation with a user",
    }
    result = await _round(bot)
    assert result.asked == 1 and result.in_group == 1
    assert f"tg://user?id={CONTACT.id}" in bot.request.sent(chat_id=GROUP_ID)[-1]["text"]


async def test_officer_records_on_behalf_with_confirmation(bot: Bot, world: Any) -> None:
    await _round(bot)
    await bot.say(OFFICER, "/checkin 闽江精密 部分复工 200/250 60%")
    assert "多于在册" in bot.request.last_text(OFFICER.id)
    await bot.say(OFFICER, "/checkin 闽江精密 部分复工 200/250 60% 确认")
    assert "联络员代填" in bot.request.last_text(OFFICER.id)
    entry = (await views.entries(bot.db, ROUND_OPEN.date()))[0]
    assert entry.on_behalf and entry.answer is not None and entry.answer.capacity == 60
    await bot.say(OFFICER, "/status", chat_id=GROUP_ID)
    text = bot.request.last_text(GROUP_ID)
    assert "未复工达产名单" in text and "闽江精密部件有限公司" in text and "京北汽车" in text
    await bot.say(CONTACT, "/checkin 闽江精密 全面复工")
    assert "没有找到" in bot.request.last_text(CONTACT.id)


async def test_enterprise_and_chain_show_the_latest_status_and_history(
    bot: Bot, world: Any
) -> None:
    await _round(bot)
    await bot.say(OFFICER, "/checkin 闽江精密 部分复工 200/150 60%")
    await bot.say(OFFICER, "/checkin 闽江精密 部分复工 200/160 65%")
    await bot.say(OFFICER, "/enterprise 闽江精密")
    text = bot.request.last_text(OFFICER.id)
    assert "部分复工 · 65%" in text and "复工填报记录" in text
    assert "第2版" in text and "第1版" in text and "联络员代填" in text
    await people.grant_role(bot.db, RoleGrant(user_id=OFFICER.id, role=Role.ADMIN), ROUND_OPEN)
    await bot.say(OFFICER, "/chain 京北汽车")
    assert "部分复工 · 65%" in bot.request.last_text(OFFICER.id)
