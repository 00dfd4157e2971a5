"""/bindgroup, /grant, /revoke in chat; supergroup migration; removal and blocking; /queue."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from telegram import Update

from liaisonbot.domain.vocabulary import ReportState
from tests.conftest import Bot
from tests.support.world import CONTACT, GROUP_ID, NOW, OFFICER, STRANGER
from tests.triage.helpers import ADMIN, ESCALATION_ID, accept, file_report, press, state_of

NEW_GROUP = -1005555555555
SUPERGROUP = -1007777777777


async def test_bindgroup_needs_an_admin(bot: Bot, triage_world: object) -> None:
    await bot.say(OFFICER, "/bindgroup 3502 电子信息", chat_id=NEW_GROUP)
    assert "没有权限" in bot.request.last_text(NEW_GROUP)
    assert (
        await bot.db.fetch_one("SELECT 1 FROM liaison_groups WHERE chat_id = ?", (NEW_GROUP,))
        is None
    )
    await bot.say(ADMIN, "/bindgroup 3502 电子信息", chat_id=NEW_GROUP)
    row = await bot.db.fetch_one("SELECT * FROM liaison_groups WHERE chat_id = ?", (NEW_GROUP,))
    assert row is not None and (row["region_prefix"], row["chain"]) == ("3502", "电子信息")
    await bot.say(ADMIN, "/bindgroup 福建", chat_id=NEW_GROUP)
    assert "用法" in bot.request.last_text(NEW_GROUP)
    await bot.say(ADMIN, "/bindgroup escalation", chat_id=NEW_GROUP)
    row = await bot.db.fetch_one(
        "SELECT is_escalation FROM liaison_groups WHERE chat_id = ?", (NEW_GROUP,)
    )
    assert row is not None and row["is_escalation"] == 1


async def test_grant_and_revoke_in_chat(bot: Bot, triage_world: object) -> None:
    await bot.say(STRANGER, "/help")
    await bot.say(OFFICER, f"/grant officer {STRANGER.id} 35")
    assert "没有权限" in bot.request.last_text(OFFICER.id)
    await bot.say(ADMIN, "/grant officer @nobody 35")
    assert "用法" in bot.request.last_text(ADMIN.id)
    await bot.say(ADMIN, f"/grant officer {STRANGER.id} 3501 汽车")
    roles = await bot.db.fetch_all(
        "SELECT role, region_prefix, chain FROM roles WHERE user_id = ?", (STRANGER.id,)
    )
    assert [tuple(r) for r in roles] == [("officer", "3501", "汽车")]
    # the new officer may now press
    report_id, card_id = await file_report(bot)
    await press(bot, STRANGER, report_id, "acx", "submitted", "N0", message_id=card_id)
    assert await state_of(bot, report_id) is ReportState.ACCEPTED
    await bot.say(ADMIN, "/revoke officer @" + "nobody")
    await bot.say(ADMIN, f"/revoke officer {STRANGER.id} 3501 汽车")
    assert await bot.db.fetch_one("SELECT 1 FROM roles WHERE user_id = ?", (STRANGER.id,)) is None


def migrate_update(bot: Bot, old: int, new: int, update_id: int) -> Update:
    message = {
        "message_id": 99,
        "date": int(time.time()),
        "chat": {"id": old, "type": "group", "title": "福州汽车产业链联络群"},
        "from": {"id": ADMIN.id, "is_bot": False, "first_name": "管理员"},
        "migrate_to_chat_id": new,
    }
    return Update.de_json({"update_id": update_id, "message": message}, bot.app.bot)


async def test_supergroup_migration_keeps_binding_and_reports(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot)
    await bot.send(migrate_update(bot, GROUP_ID, SUPERGROUP, 500))
    await bot.send(migrate_update(bot, GROUP_ID, SUPERGROUP, 501))  # harmless twice
    group = await bot.db.fetch_one("SELECT * FROM liaison_groups WHERE chat_id = ?", (SUPERGROUP,))
    assert group is not None and group["region_prefix"] == "3501"
    assert (
        await bot.db.fetch_one("SELECT 1 FROM liaison_groups WHERE chat_id = ?", (GROUP_ID,))
        is None
    )
    row = await bot.db.fetch_one("SELECT group_chat_id FROM reports WHERE id = ?", (report_id,))
    assert row is not None and row["group_chat_id"] == SUPERGROUP
    # the card in the new chat still works
    await press(
        bot, OFFICER, report_id, "acx", "submitted", "N0", chat_id=SUPERGROUP, message_id=card_id
    )
    assert await state_of(bot, report_id) is ReportState.ACCEPTED
    assert bot.request.sent("editMessageText", SUPERGROUP)
    # new reports go to the new chat
    await bot.say(CONTACT, "/report FIN 货款拖欠")
    assert "货款拖欠" in bot.request.last_text(SUPERGROUP)


def member_update(bot: Bot, chat: dict[str, object], status: str, update_id: int) -> Update:
    bot_user = {"id": 777000, "is_bot": True, "first_name": "LiaisonBot"}
    data = {
        "update_id": update_id,
        "my_chat_member": {
            "chat": chat,
            "from": {"id": ADMIN.id, "is_bot": False, "first_name": "管理员"},
            "date": int(time.time()),
            "old_chat_member": {"user": bot_user, "status": "member"},
            "new_chat_member": {
                "user": bot_user,
                "status": status,
                **({"until_date": 0} if status == "kicked" else {}),
            },
        },
    }
    return Update.de_json(data, bot.app.bot)


async def test_removed_from_group_and_blocked_are_logged(
    bot: Bot, triage_world: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    group_chat = {"id": GROUP_ID, "type": "supergroup", "title": "福州汽车产业链联络群"}
    await bot.send(member_update(bot, group_chat, "left", 600))
    row = await bot.db.fetch_one("SELECT active FROM liaison_groups WHERE chat_id = ?", (GROUP_ID,))
    assert row is not None and row["active"] == 0
    assert "removed from group" in caplog.text
    await bot.send(member_update(bot, group_chat, "member", 601))
    row = await bot.db.fetch_one("SELECT active FROM liaison_groups WHERE chat_id = ?", (GROUP_ID,))
    assert row is not None and row["active"] == 1

    await bot.say(CONTACT, "/help")
    private = {"id": CONTACT.id, "type": "private", "first_name": "王经理"}
    await bot.send(member_update(bot, private, "kicked", 602))
    row = await bot.db.fetch_one("SELECT blocked_at FROM users WHERE user_id = ?", (CONTACT.id,))
    assert row is not None and row["blocked_at"] is not None
    assert "blocked the bot" in caplog.text


async def test_queue_lists_open_reports_overdue_first_with_filters(
    bot: Bot, triage_world: object
) -> None:
    first, first_card = await file_report(bot)
    second, second_card = await file_report(bot, "/report FIN 货款拖欠")
    third, _ = await file_report(bot, "/report LAB 员工返岗难")
    await accept(bot, second, second_card, pick="U0")
    await accept(bot, first, first_card, pick="N0")
    bot.clock.now = NOW + timedelta(days=2)

    await bot.say(OFFICER, "/queue", chat_id=GROUP_ID)
    text = bot.request.last_text(GROUP_ID)
    assert "超期" in text
    assert text.index(f"#{second}") < text.index(f"#{first}") < text.index(f"#{third}")
    await bot.say(OFFICER, "/queue overdue", chat_id=GROUP_ID)
    text = bot.request.last_text(GROUP_ID)
    assert f"#{second}" in text and f"#{first}" not in text
    await bot.say(OFFICER, "/queue LAB", chat_id=GROUP_ID)
    text = bot.request.last_text(GROUP_ID)
    assert f"#{third}" in text and f"#{first}" not in text
    await bot.say(OFFICER, "/queue mine", chat_id=GROUP_ID)
    text = bot.request.last_text(GROUP_ID)
    assert f"#{first}" in text and f"#{second}" in text  # accepted by the officer
    await bot.say(STRANGER, "/queue", chat_id=GROUP_ID)
    assert "没有权限" in bot.request.last_text(GROUP_ID)
    await bot.say(OFFICER, "/queue", chat_id=ESCALATION_ID)
    assert "没有待办" in bot.request.last_text(ESCALATION_ID)


async def test_another_enterprises_report_by_number_reveals_nothing(
    bot: Bot, triage_world: object
) -> None:
    report_id, _ = await file_report(bot)
    from liaisonbot.services import people
    from tests.support.updates import Person
    from tests.support.world import LEADING

    other = Person(5003, "京北联络人")
    await people.bind_contact(bot.db, LEADING.credit_code, other.id, NOW)
    await bot.say(other, f"/show {report_id}")
    text = bot.request.last_text(other.id)
    assert "未找到" in text and "原材料" not in text


async def test_card_edit_follows_a_migration_it_missed(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    bot.request.fail_next["editMessageText"] = {
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": SUPERGROUP},
    }
    await accept(bot, report_id, card_id)
    assert bot.request.sent("editMessageText", SUPERGROUP)
    row = await bot.db.fetch_one("SELECT group_chat_id FROM reports WHERE id = ?", (report_id,))
    assert row is not None and row["group_chat_id"] == SUPERGROUP


async def test_question_goes_to_private_chat_when_the_group_refuses(
    bot: Bot, triage_world: object
) -> None:
    from tests.triage.helpers import answer_prompt

    report_id, card_id = await file_report(bot)
    bot.request.fail_next["sendMessage"] = {
        "error_code": 400,
        "description": "Bad Request: not enough rights to send text messages to the chat",
    }
    await press(bot, OFFICER, report_id, "rej", "submitted", message_id=card_id)
    await answer_prompt(bot, OFFICER, OFFICER.id, "重复反映")
    assert await state_of(bot, report_id) is ReportState.REJECTED
