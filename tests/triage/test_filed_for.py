"""An officer files a report on an enterprise's behalf (a call, a video call, a visit): the
channel is recorded and shown, the officer is acknowledged, the enterprise's contacts told."""

from __future__ import annotations

from typing import Any

from tests.conftest import Bot
from tests.support.fake_telegram import buttons
from tests.support.updates import Person
from tests.support.world import CONTACT, GROUP_ID, OFFICER
from tests.triage.helpers import FAR_OFFICER, accept


async def _last_report(bot: Bot) -> dict[str, Any]:
    row = await bot.db.fetch_one("SELECT * FROM reports ORDER BY id DESC")
    assert row is not None
    return dict(row)


async def test_one_line_for_an_enterprise(bot: Bot, triage_world: object) -> None:
    await bot.say(OFFICER, "/report 闽江精密 走访 LOG 紧急 原材料运不进厂\n钢材卡在省界")
    report = await _last_report(bot)
    assert (report["channel"], report["reporter_id"], report["filed_by"]) == (
        "VISIT",
        OFFICER.id,
        OFFICER.id,
    )
    assert (report["title"], report["urgency"]) == ("原材料运不进厂", "URGENT")
    ack = bot.request.last_text(OFFICER.id)
    assert f"编号 {report['id']}" in ack and "企业联系人" in ack
    card = bot.request.sent("sendMessage", GROUP_ID)[-1]["text"]
    assert "来源：走访" in card and "闽江精密部件有限公司" in card
    notice = bot.request.sent("sendMessage", CONTACT.id)[-1]
    assert "李联络员" in notice["text"] and "走访" in notice["text"]
    assert f"f|add|{report['id']}" in {b["callback_data"] for b in buttons(notice)}
    owed = await bot.db.fetch_all("SELECT kind, state FROM outbox ORDER BY kind")
    assert {(r["kind"], r["state"]) for r in owed} >= {("notice", "sent"), ("card", "sent")}

    # what the enterprise is told later goes to its contacts, not to the officer
    await accept(
        bot, report["id"], report["card_message_id"] or (await _last_report(bot))["card_message_id"]
    )
    assert "已受理" in bot.request.last_text(CONTACT.id)


async def test_channel_defaults_to_phone_and_video_is_read(bot: Bot, triage_world: object) -> None:
    await bot.say(OFFICER, "/report 91350100M000100Y43 LOG 货车被拦")
    assert (await _last_report(bot))["channel"] == "PHONE"
    await bot.say(OFFICER, "/report 闽江精密 LOG 视频连线 订单交付延误")
    report = await _last_report(bot)
    assert (report["channel"], report["title"]) == ("VIDEO", "订单交付延误")


async def test_only_for_enterprises_in_the_officers_scope(bot: Bot, triage_world: object) -> None:
    await bot.say(FAR_OFFICER, "/report 闽江精密 电话 LOG 原材料运不进厂")
    assert await bot.db.fetch_one("SELECT id FROM reports") is None
    refusal = bot.request.last_text(FAR_OFFICER.id)
    assert "闽江精密" in refusal and "/report 类别 标题" in refusal
    stranger = Person(9100, "某人")
    await bot.say(stranger, "/report 闽江精密 LOG 原材料运不进厂")
    assert await bot.db.fetch_one("SELECT id FROM reports") is None


async def test_dialog_for_an_enterprise(bot: Bot, triage_world: object) -> None:
    await bot.say(OFFICER, "/report 闽江精密 视频")
    texts = [c["text"] for c in bot.request.sent("sendMessage", OFFICER.id)]
    assert any("代 <b>闽江精密部件有限公司</b>" in x and "视频连线" in x for x in texts)
    await bot.say(OFFICER, "/cancel")
    assert "取消" in bot.request.last_text(OFFICER.id)
