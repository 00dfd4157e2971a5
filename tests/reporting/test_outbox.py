"""What a report is owed goes out while the bot runs: at once for the reporter, at the group's
pace for cards (a summary when the backlog is longer than a minute's worth), again after 429s
and 5xx, and given up after too many failures where the admin can see it."""

from __future__ import annotations

from datetime import timedelta

from handlers.reporting.outbox_sender import CARDS_PER_MINUTE, GroupPace, sender_of
from liaisonbot.services import outbox
from liaisonbot.services.outbox import MAX_ATTEMPTS
from tests.conftest import Bot
from tests.support.fake_telegram import buttons
from tests.support.world import CONTACT, GROUP_ID, OFFICER


class Ticks:
    """A monotonic clock for the group's pace that tests move by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def paced(bot: Bot) -> Ticks:
    ticks = Ticks()
    sender_of(bot.app).pace = GroupPace(CARDS_PER_MINUTE, clock=ticks)
    return ticks


async def file_without_delivery(bot: Bot, count: int) -> None:
    """Reports filed in a burst, before the outbox job's next tick."""
    for i in range(count):
        await bot.app.process_update(bot.updates.text(CONTACT, f"/report LOG 第{i + 1}件 原材料"))


async def states(bot: Bot, kind: str) -> list[str]:
    rows = await bot.db.fetch_all("SELECT state FROM outbox WHERE kind = ? ORDER BY id", (kind,))
    return [row[0] for row in rows]


async def test_reporter_is_acknowledged_before_the_card_is_posted(bot: Bot, world: object) -> None:
    await file_without_delivery(bot, 1)
    assert "编号 1" in bot.request.last_text(CONTACT.id)  # from the handler, at once
    assert bot.request.sent("sendMessage", GROUP_ID) == []  # the card waits for the job
    await bot.deliver_owed()
    assert "<b>问题 1</b>｜" in bot.request.last_text(GROUP_ID)
    assert await states(bot, "card") == ["sent"]


async def test_cards_go_at_the_groups_pace(bot: Bot, world: object) -> None:
    ticks = paced(bot)
    await file_without_delivery(bot, CARDS_PER_MINUTE - 1)
    bot.request.clear()
    for _ in range(3):  # three ticks in the same instant: never more than the minute's room
        await bot.deliver_owed()
    cards = bot.request.texts(GROUP_ID)
    assert len(cards) == CARDS_PER_MINUTE - 1 and all("<b>问题" in c for c in cards)

    # The minute's last place goes to a summary of what is waiting, not to one of the cards.
    await file_without_delivery(bot, 2)
    bot.request.clear()
    await bot.deliver_owed()
    sent = bot.request.texts(GROUP_ID)
    assert len(sent) == 1 and "新问题 2 件" in sent[0]

    await file_without_delivery(bot, 1)
    bot.request.clear()
    await bot.deliver_owed()
    assert bot.request.texts(GROUP_ID) == []  # the minute is used up
    ticks.now += 61
    await bot.deliver_owed()
    assert len(bot.request.texts(GROUP_ID)) == 1


async def test_a_burst_longer_than_a_minute_is_one_summary(bot: Bot, world: object) -> None:
    paced(bot)
    burst = CARDS_PER_MINUTE + 5
    await file_without_delivery(bot, burst)
    acks = bot.request.texts(CONTACT.id)
    assert len(acks) == burst  # every reporter answered at once, whatever the group's backlog
    bot.request.clear()

    await bot.deliver_owed()
    sent = bot.request.sent("sendMessage", GROUP_ID)
    assert len(sent) == 1
    summary = sent[0]
    assert f"新问题 {burst} 件" in summary["text"]
    for number in range(1, burst + 1):
        assert f"问题 {number}｜闽江精密部件有限公司｜物流运输｜第{number}件" in summary["text"]
    assert len(buttons(summary)) == burst
    assert await states(bot, "card") == ["summarised"] * burst

    # An officer asks for one report's card from the summary.
    _, summary_id = bot.request.last_message(GROUP_ID)
    button = next(b for b in buttons(summary) if b["text"] == "问题 7")
    bot.request.clear()
    await bot.send(bot.updates.press(OFFICER, summary, button["callback_data"], summary_id))
    cards = bot.request.texts(GROUP_ID)
    assert len(cards) == 1 and "<b>问题 7</b>｜" in cards[0]
    row = await bot.db.fetch_one("SELECT card_message_id FROM reports WHERE id = 7")
    assert row is not None and row[0]

    # Pressed again: nothing new is posted.
    bot.request.clear()
    await bot.send(bot.updates.press(OFFICER, summary, button["callback_data"], summary_id))
    assert bot.request.texts(GROUP_ID) == []


async def test_429_waits_as_long_as_telegram_asks(bot: Bot, world: object) -> None:
    ticks = paced(bot)
    await file_without_delivery(bot, 1)
    bot.request.fail_next["sendMessage"] = {
        "error_code": 429,
        "description": "Too Many Requests: retry after 30",
        "parameters": {"retry_after": 30},
    }
    await bot.deliver_owed()
    assert await states(bot, "card") == ["pending"]
    bot.clock.now += timedelta(seconds=20)
    ticks.now += 20
    await bot.deliver_owed()
    assert await states(bot, "card") == ["pending"]  # not before Telegram's 30 s
    bot.clock.now += timedelta(seconds=11)
    ticks.now += 11
    await bot.deliver_owed()
    assert await states(bot, "card") == ["sent"]


async def test_a_message_that_keeps_failing_is_given_up_and_listed(bot: Bot, world: object) -> None:
    await file_without_delivery(bot, 1)
    for _ in range(MAX_ATTEMPTS + 2):
        bot.request.fail_next["sendMessage"] = {"error_code": 502, "description": "Bad Gateway"}
        await bot.deliver_owed()
        bot.clock.now += timedelta(minutes=6)
    assert await states(bot, "card") == ["failed"]
    listed = await outbox.unfinished(bot.db)
    assert [(o.kind.value, o.report_id) for o in listed] == [("card", 1)]
    assert "Bad Gateway" in (listed[0].last_error or "")


async def test_a_forged_summary_button_changes_nothing(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/report LOG 原材料运不进厂")
    params, message_id = bot.request.last_message(GROUP_ID)
    bot.request.clear()
    for data in ("oc|999", "oc|²", "oc|1234567890123456789012", "oc|"):
        await bot.send(bot.updates.press(OFFICER, params, data, message_id))
    answers = bot.request.sent("answerCallbackQuery")
    assert len(answers) == 4 and all(a.get("show_alert") for a in answers)
    assert bot.request.sent("sendMessage") == []
