"""The one-line form `/report CATEGORY TEXT`, through the real Application."""

from __future__ import annotations

from datetime import timedelta

from liaisonbot.store import Database
from tests.conftest import Bot
from tests.support.world import CONTACT, GROUP_ID, STRANGER


async def count_reports(db: Database) -> int:
    row = await db.fetch_one("SELECT COUNT(*) FROM reports")
    assert row is not None
    return int(row[0])


async def test_one_line_report_is_stored_acknowledged_and_carded(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/report LOG urgent 原材料运不进厂\n高速封闭，货车无法到达")

    row = await bot.db.fetch_one("SELECT * FROM reports")
    assert row is not None
    assert (row["category"], row["urgency"], row["scope"], row["state"]) == (
        "LOG",
        "URGENT",
        "LOCAL",
        "submitted",
    )
    assert row["title"] == "原材料运不进厂"
    assert row["description"] == "高速封闭，货车无法到达"
    assert row["group_chat_id"] == GROUP_ID
    assert row["acked_at"] is not None and row["card_message_id"] is not None
    event = await bot.db.fetch_one("SELECT * FROM report_events WHERE report_id = ?", (row["id"],))
    assert event is not None and (event["action"], event["to_state"]) == ("submit", "submitted")

    ack = bot.request.last_text(CONTACT.id)
    assert f"编号 {row['id']}" in ack and "原材料运不进厂" in ack
    card = bot.request.last_text(GROUP_ID)
    for expected in (
        "闽江精密部件有限公司",
        "物流运输",
        "紧急",
        "属地解决",
        "原材料运不进厂",
        f"问题 {row['id']}",
    ):
        assert expected in card


async def test_chinese_category_name_and_scope_word(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/report 物流运输 跨地区 较急 集装箱滞港")
    row = await bot.db.fetch_one("SELECT category, urgency, scope, title FROM reports")
    assert row is not None
    assert tuple(row) == ("LOG", "HIGH", "CROSS_REGION", "集装箱滞港")


async def test_unknown_category_lists_valid_ones_and_stores_nothing(
    bot: Bot, world: object
) -> None:
    await bot.say(CONTACT, "/report XYZ 缺少芯片")
    answer = bot.request.last_text(CONTACT.id)
    assert "XYZ" in answer and "LOG" in answer and "物流运输" in answer and "OTH" in answer
    assert await count_reports(bot.db) == 0


async def test_over_long_title_is_refused_with_the_limit(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/report LOG " + "长" * 101)
    answer = bot.request.last_text(CONTACT.id)
    assert "100" in answer and "101" in answer
    assert await count_reports(bot.db) == 0


async def test_unbound_user_is_told_how_to_get_bound(bot: Bot, world: object) -> None:
    await bot.say(STRANGER, "/report LOG 原材料运不进厂")
    assert "邀请链接" in bot.request.last_text(STRANGER.id)
    assert await count_reports(bot.db) == 0


async def test_user_text_is_escaped_in_html(bot: Bot, world: object) -> None:
    title = "<b>x</b> & <script>"
    await bot.say(CONTACT, f"/report OTH {title}")
    card = bot.request.sent("sendMessage", GROUP_ID)[-1]
    assert card["parse_mode"] == "HTML"
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;" in card["text"]
    assert "<script>" not in card["text"]
    row = await bot.db.fetch_one("SELECT title FROM reports")
    assert row is not None and row["title"] == title


async def test_same_update_twice_files_one_report_and_answers_once(bot: Bot, world: object) -> None:
    update = bot.updates.text(CONTACT, "/report LOG 原材料运不进厂")
    await bot.send(update)
    sent_before = len(bot.request.calls)
    await bot.send(update)
    assert await count_reports(bot.db) == 1
    assert len(bot.request.calls) == sent_before


async def test_edited_report_command_files_nothing(bot: Bot, world: object) -> None:
    first = bot.updates.text(CONTACT, "/report LOG 原材料运不进厂")
    await bot.send(first)
    assert first.message is not None
    edited = bot.updates.edited(
        CONTACT, "/report LOG 原材料运不进厂了", None, first.message.message_id
    )
    await bot.send(edited)
    assert await count_reports(bot.db) == 1
    assert "不会改动" in bot.request.last_text(CONTACT.id)


async def test_report_in_group_reports_there_and_card_replies_in_place(
    bot: Bot, world: object
) -> None:
    update = await bot.say(CONTACT, "/report ENE 限电影响生产", chat_id=GROUP_ID)
    group_messages = bot.request.sent("sendMessage", GROUP_ID)
    assert len(group_messages) == 1  # the card is the acknowledgement
    assert update.message is not None
    assert group_messages[0]["reply_parameters"]["message_id"] == update.message.message_id
    assert bot.request.sent("sendMessage", CONTACT.id) == []


async def test_bare_report_in_group_offers_a_deep_link(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/report", chat_id=GROUP_ID)
    params, _ = bot.request.last_message(GROUP_ID)
    url = params["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert url == f"https://t.me/LiaisonTestBot?start=rep_{GROUP_ID}"


async def test_a_failed_acknowledgement_is_sent_again_while_running(
    bot: Bot, world: object
) -> None:
    bot.request.fail_next["sendMessage"] = {"error_code": 500, "description": "Internal Error"}
    await bot.say(CONTACT, "/report LOG 原材料运不进厂")
    row = await bot.db.fetch_one("SELECT id, acked_at FROM reports")
    assert row is not None and row["acked_at"] is None  # stored, not acknowledged
    owed = await bot.db.fetch_one("SELECT state, attempts FROM outbox WHERE kind = 'ack'")
    assert owed is not None and tuple(owed) == ("pending", 1)

    bot.request.clear()
    bot.clock.now += timedelta(seconds=5)  # past the first backoff; no restart
    await bot.deliver_owed()
    assert f"编号 {row['id']}" in bot.request.last_text(CONTACT.id)
    again = await bot.db.fetch_one("SELECT acked_at, card_message_id FROM reports")
    assert again is not None and again["acked_at"] and again["card_message_id"]

    bot.request.clear()
    bot.clock.now += timedelta(hours=1)
    await bot.deliver_owed()
    assert bot.request.sent("sendMessage") == []  # nothing twice


async def test_a_restart_schedules_the_outbox_and_does_not_wait_for_it(
    bot: Bot, world: object
) -> None:
    bot.request.fail_next["sendMessage"] = {"error_code": 500, "description": "Internal Error"}
    await bot.say(CONTACT, "/report LOG 原材料运不进厂")
    bot.request.clear()
    await bot.app.post_init(bot.app)  # what a restart runs: nothing owed is sent inline
    assert bot.request.sent("sendMessage") == []
    assert bot.app.job_queue is not None
    assert bot.app.job_queue.get_jobs_by_name("outbox")


async def test_card_follows_a_group_that_became_a_supergroup(bot: Bot, world: object) -> None:
    new_id = -1009999999999
    bot.request.fail_chat[GROUP_ID] = {
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": new_id},
    }
    await bot.say(CONTACT, "/report LOG 原材料运不进厂")
    row = await bot.db.fetch_one("SELECT group_chat_id, card_message_id FROM reports")
    assert row is not None and row["group_chat_id"] == new_id and row["card_message_id"]
    assert bot.request.sent("sendMessage", new_id)
    group = await bot.db.fetch_one(
        "SELECT chat_id FROM liaison_groups WHERE chat_id = ?", (new_id,)
    )
    assert group is not None


async def test_a_part_of_a_category_name_is_enough_when_it_is_unique(
    bot: Bot, world: object
) -> None:
    await bot.say(CONTACT, "/report 运输 集装箱滞港")
    row = await bot.db.fetch_one("SELECT category, title FROM reports")
    assert row is not None and tuple(row) == ("LOG", "集装箱滞港")


async def test_category_buttons_use_short_names_three_to_a_row(bot: Bot, world: object) -> None:
    await bot.say(CONTACT, "/report")
    params, _ = bot.request.last_message(CONTACT.id)
    rows = params["reply_markup"]["inline_keyboard"]
    assert [len(r) for r in rows[:-1]] == [3, 3, 3, 3, 2]
    texts = [b["text"] for r in rows[:-1] for b in r]
    assert "供应配套" in texts and max(len(x) for x in texts) <= 5
