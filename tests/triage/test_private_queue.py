"""An officer's /queue in the private chat: the open items of all their groups, overdue first."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import Bot
from tests.support.world import NOW, OFFICER, STRANGER
from tests.triage.helpers import accept, file_report


async def test_private_queue_lists_every_group_overdue_first(
    bot: Bot, triage_world: object
) -> None:
    first, first_card = await file_report(bot)
    second, second_card = await file_report(bot, "/report FIN 货款拖欠")
    third, _ = await file_report(bot, "/report LAB 员工返岗难")
    await accept(bot, second, second_card, pick="U0")
    await accept(bot, first, first_card, pick="N0")
    bot.clock.now = NOW + timedelta(days=2)

    await bot.say(OFFICER, "/queue")
    text = bot.request.last_text(OFFICER.id)
    assert "超期" in text and "联络群" in text
    assert text.index(f"#{second}") < text.index(f"#{first}") < text.index(f"#{third}")
    await bot.say(OFFICER, "/queue overdue")
    text = bot.request.last_text(OFFICER.id)
    assert f"#{second}" in text and f"#{third}" not in text

    await bot.say(STRANGER, "/queue")
    assert "没有权限" in bot.request.last_text(STRANGER.id)
