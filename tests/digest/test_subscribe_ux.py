"""/subscribe's times and overlap notes, /unsubscribe's choice, and /digest's "as of" moment,
through the Application."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest

from liaisonbot.services import subscriptions
from tests.conftest import Bot
from tests.digest.conftest import DIGEST_NOW, OFFICIAL_FJ, OFFICIAL_GD, generated, grant_officials
from tests.support.fake_telegram import buttons
from tests.support.updates import Person


async def press_last(bot: Bot, person: Person, label_part: str) -> dict[str, object]:
    """Press a button of the last message sent to the person's chat; the parameters it had."""
    params, message_id = bot.request.last_message(person.id)
    button = next(b for b in buttons(params) if label_part in b["text"])
    await bot.send(bot.updates.press(person, params, button["callback_data"], message_id))
    return params


def last_edit(bot: Bot) -> str:
    edits = [c.params["text"] for c in bot.request.calls if c.method == "editMessageText"]
    return edits[-1]


async def chat_scopes(bot: Bot, chat_id: int) -> list[tuple[str, tuple[str, ...], str]]:
    return [
        (s.scope.region_prefix, s.scope.chains, s.at_time)
        for s in await subscriptions.for_chat(bot.db, chat_id)
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("7:30", "07:30"),
        ("07:30", "07:30"),
        ("7：30", "07:30"),
        ("7点", "07:00"),
        ("7点半", "07:30"),
        ("7点30分", "07:30"),
        ("18点05分", "18:05"),
    ],
)
async def test_times_in_chinese_are_times_not_chains(bot: Bot, written: str, expected: str) -> None:
    await grant_officials(bot.db)
    await bot.say(OFFICIAL_FJ, f"/subscribe 35 汽车 {written}")
    answer = bot.request.last_text(OFFICIAL_FJ.id)
    assert f"每日 {expected}（北京时间）" in answer and "Asia/Shanghai" not in answer
    assert await chat_scopes(bot, OFFICIAL_FJ.id) == [("35", ("汽车",), expected)]


@pytest.mark.parametrize("written", ["25点", "7点61分", "7:5", "24:00", "下午3点"])
async def test_an_unreadable_time_is_refused(bot: Bot, written: str) -> None:
    await grant_officials(bot.db)
    await bot.say(OFFICIAL_FJ, f"/subscribe 35 汽车 {written}")
    assert "无法识别时间" in bot.request.last_text(OFFICIAL_FJ.id)
    assert await chat_scopes(bot, OFFICIAL_FJ.id) == []


async def test_a_bad_region_code_says_so(bot: Bot) -> None:
    await grant_officials(bot.db)
    await bot.say(OFFICIAL_FJ, "/subscribe 99 汽车")
    assert "行政区划代码" in bot.request.last_text(OFFICIAL_FJ.id)
    assert await chat_scopes(bot, OFFICIAL_FJ.id) == []


async def test_an_overlapping_subscription_is_allowed_and_said(bot: Bot) -> None:
    await grant_officials(bot.db)
    await bot.say(OFFICIAL_FJ, "/subscribe 35")
    assert "注意" not in bot.request.last_text(OFFICIAL_FJ.id)
    await bot.say(OFFICIAL_FJ, "/subscribe 35 汽车")
    answer = bot.request.last_text(OFFICIAL_FJ.id)
    assert "已订阅日调度" in answer
    assert "已订阅的“福建省 · 全部产业链”已包含这一范围" in answer
    # the wider one after the narrower one: said the other way round
    await bot.say(OFFICIAL_GD, "/subscribe 4403 汽车")
    await bot.say(OFFICIAL_GD, "/subscribe 44")
    answer = bot.request.last_text(OFFICIAL_GD.id)
    assert "这一范围已包含本聊天已订阅的“广东省深圳市 · 汽车”" in answer
    # the same scope again only changes the time: no overlap with itself
    await bot.say(OFFICIAL_GD, "/subscribe 44 9点")
    assert "已订阅的“广东省 ·" not in bot.request.last_text(OFFICIAL_GD.id)
    assert len(await chat_scopes(bot, OFFICIAL_GD.id)) == 2


async def test_unsubscribe_offers_each_subscription(bot: Bot) -> None:
    await grant_officials(bot.db)
    await bot.say(OFFICIAL_GD, "/subscribe 4403 汽车")  # another chat's, to be left alone
    await bot.say(OFFICIAL_FJ, "/subscribe 35")
    await bot.say(OFFICIAL_FJ, "/subscribe 35 汽车 7点")
    await bot.say(OFFICIAL_FJ, "/unsubscribe")
    params, _ = bot.request.last_message(OFFICIAL_FJ.id)
    labels = [b["text"] for b in buttons(params)]
    assert labels == ["福建省 · 全部产业链｜08:30", "福建省 · 汽车｜07:00", "全部取消", "暂不退订"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(params))
    assert len(await chat_scopes(bot, OFFICIAL_FJ.id)) == 2  # nothing stopped yet

    sent = await press_last(bot, OFFICIAL_FJ, "汽车")
    assert "已退订日调度：福建省 · 汽车" in last_edit(bot) and "还有 1 项" in last_edit(bot)
    assert await chat_scopes(bot, OFFICIAL_FJ.id) == [("35", (), "08:30")]
    # the same button again (a second tap, or an old message)
    button = next(b for b in buttons(sent) if "汽车" in b["text"])
    await bot.send(bot.updates.press(OFFICIAL_FJ, sent, button["callback_data"], 1))
    answer = bot.request.sent("answerCallbackQuery")[-1]
    assert "已退订或不存在" in answer["text"] and answer["show_alert"] is True
    # another chat's subscription id, forged into a button here: nothing happens to it
    [gd] = await subscriptions.for_chat(bot.db, OFFICIAL_GD.id)
    await bot.send(bot.updates.press(OFFICIAL_FJ, sent, f"ds|-|0|{gd.id}|u", 1))
    answer = bot.request.sent("answerCallbackQuery")[-1]
    assert "已退订或不存在" in answer["text"] and answer["show_alert"] is True
    assert len(await chat_scopes(bot, OFFICIAL_GD.id)) == 1


async def test_unsubscribe_all_or_keep(bot: Bot) -> None:
    await grant_officials(bot.db)
    await bot.say(OFFICIAL_FJ, "/subscribe 35")
    await bot.say(OFFICIAL_FJ, "/subscribe 35 汽车")
    await bot.say(OFFICIAL_FJ, "/unsubscribe")
    await press_last(bot, OFFICIAL_FJ, "暂不退订")
    assert "保持不变" in last_edit(bot)
    assert len(await chat_scopes(bot, OFFICIAL_FJ.id)) == 2
    await bot.say(OFFICIAL_FJ, "/unsubscribe")
    await press_last(bot, OFFICIAL_FJ, "全部取消")
    assert "已退订 2 项" in last_edit(bot)
    assert await chat_scopes(bot, OFFICIAL_FJ.id) == []


async def test_digest_says_open_items_are_as_of_now(bot: Bot) -> None:
    await generated(bot.db)
    await grant_officials(bot.db)
    bot.clock.now = DIGEST_NOW + timedelta(hours=13, minutes=10)  # 21:40 in Shanghai
    await bot.say(OFFICIAL_GD, "/digest")
    text = bot.request.last_text(OFFICIAL_GD.id)
    # today so far, with the previous day's figures beside it
    assert "统计时段：11-26 00:00 至 11-26 21:40" in text
    assert "今日（截至 11-26 21:40）：新增 " in text
    assert "昨日全天：新增 " in text
    assert "在办（截至 11-26 21:40）" in text
    assert "重点问题（截至 11-26 21:40，" in text
    [document] = bot.request.sent("sendDocument", OFFICIAL_GD.id)
    assert "在办截至 11-26 21:40" in document["caption"]


async def test_the_ledger_title_says_as_of_when(bot: Bot) -> None:
    from handlers.common import Deps
    from liaisonbot.files.ledger import ledger_xlsx
    from liaisonbot.read.digest import DigestScope, build_digest, digest_period

    await generated(bot.db)
    deps: Deps = bot.app.bot_data["deps"]
    zone = deps.settings.zone
    now = DIGEST_NOW + timedelta(hours=13, minutes=10)
    period = digest_period(now.astimezone(zone).date(), zone)
    digest = await build_digest(bot.db, DigestScope("44"), period, now=now, zone=zone)
    book = openpyxl.load_workbook(io.BytesIO(await ledger_xlsx(bot.db, digest, zone)))
    assert book.properties.title == "问题台账 2026-11-26（在办截至 11-26 21:40）"
    assert "11-25 00:00 至 11-25 23:59" in (book.properties.description or "")
