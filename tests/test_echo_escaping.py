"""What a user typed and the bot echoes back: escaped in HTML messages, as typed in alerts (which
have no parse mode), and never a path in a file name."""

from __future__ import annotations

from liaisonbot.domain.vocabulary import Role
from tests.chat_lists.conftest import ADMIN, grant
from tests.chat_lists.test_export_chat import documents
from tests.conftest import Bot
from tests.support.world import GROUP_ID, OFFICER
from tests.triage.helpers import answer_prompt, file_report, last_answer, press

TYPED = "<b>&"
ESCAPED = "&lt;b&gt;&amp;"


async def test_a_refused_answer_to_a_question_echoes_it_escaped(
    bot: Bot, world: tuple[int, int]
) -> None:
    report_id, card_id = await file_report(bot)
    await press(bot, OFFICER, report_id, "mrg", "submitted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, TYPED)  # not a report number
    params = bot.request.sent("sendMessage", GROUP_ID)[-1]
    assert params["parse_mode"] == "HTML"
    assert ESCAPED in params["text"]
    assert TYPED not in params["text"]


async def test_an_alert_shows_a_refused_value_as_it_was(bot: Bot, world: tuple[int, int]) -> None:
    report_id, card_id = await file_report(bot)
    await press(bot, OFFICER, report_id, "cas", "submitted", TYPED, message_id=card_id)
    alert = last_answer(bot)
    assert alert["show_alert"] is True
    assert TYPED in alert["text"] and "&lt;" not in alert["text"]


async def test_an_enterprise_query_is_echoed_escaped(bot: Bot, world: tuple[int, int]) -> None:
    await bot.say(OFFICER, f"/enterprise {TYPED}")
    params = bot.request.sent("sendMessage", OFFICER.id)[-1]
    assert params["parse_mode"] == "HTML"
    assert ESCAPED in params["text"] and TYPED not in params["text"]


async def test_an_export_scope_is_echoed_escaped(bot: Bot, world: tuple[int, int]) -> None:
    await bot.say(OFFICER, f"/export ledger 11 {TYPED}")  # outside the officer's region 35
    params = bot.request.sent("sendMessage", OFFICER.id)[-1]
    assert params["parse_mode"] == "HTML"
    assert ESCAPED in params["text"] and TYPED not in params["text"]


async def test_a_chain_with_a_slash_names_a_file_not_a_directory(
    bot: Bot, world: tuple[int, int]
) -> None:
    await grant(bot.db, ADMIN, Role.ADMIN)
    await bot.say(ADMIN, "/export enterprises 35 汽车/../零部件")
    assert list(documents(bot, ADMIN.id)) == ["企业名单-35-汽车_.._零部件.xlsx"]
