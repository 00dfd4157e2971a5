"""A card edit that would change nothing is not sent (Telegram: "message is not modified")."""

from __future__ import annotations

import itertools
import json

from handlers.triage.cards import refresh_cards
from tests.conftest import Bot
from tests.support.world import GROUP_ID, OFFICER
from tests.triage.helpers import accept, answer_prompt, deps_of, file_report, press


def card_edits(bot: Bot) -> list[str]:
    return [
        json.dumps([e["text"], e.get("reply_markup")], sort_keys=True, default=str)
        for e in bot.request.sent("editMessageText", GROUP_ID)
    ]


async def test_refreshing_an_unchanged_card_sends_nothing(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    before = len(card_edits(bot))
    await refresh_cards(bot.app.bot, deps_of(bot), report_id)
    assert len(card_edits(bot)) == before


async def test_no_edit_repeats_the_previous_one(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "note", "accepted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "已电话联系企业")
    edits = card_edits(bot)
    assert all(a != b for a, b in itertools.pairwise(edits)), edits
