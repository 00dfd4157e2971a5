"""Policies in chat: matched at filing, shown on the card, chosen by the officer, opened and
advanced by the enterprise; ticked at resolution; /policy; the digest's figures."""

from __future__ import annotations

from typing import Any

from handlers.digest.render import policy_lines
from liaisonbot.read import policies as policy_read
from liaisonbot.services import policies
from tests.conftest import Bot
from tests.support.fake_telegram import buttons
from tests.support.world import CONTACT, GROUP_ID, NOW, OFFICER
from tests.triage.helpers import (
    ADMIN,
    FAR_OFFICER,
    accept,
    answer_prompt,
    file_report,
    last_answer,
    press,
    press_data,
)


def button_data(params: dict[str, Any], prefix: str) -> list[str]:
    return [b["callback_data"] for b in buttons(params) if b["callback_data"].startswith(prefix)]


async def matched_titles(bot: Bot, report_id: int) -> set[str]:
    rows = await bot.db.fetch_all(
        "SELECT v.title FROM policy_matches m JOIN policy_versions v ON v.id = m.version_id"
        " WHERE m.report_id = ?",
        (report_id,),
    )
    return {r["title"] for r in rows}


async def open_panel(bot: Bot, report_id: int, card_id: int) -> tuple[dict[str, Any], int]:
    await press_data(bot, OFFICER, f"pl|r|{report_id}", chat_id=GROUP_ID, message_id=card_id)
    return bot.request.last_message(GROUP_ID)


async def test_filing_matches_by_category_and_the_card_shows_them(
    bot: Bot, policy_world: object
) -> None:
    report_id, card_id = await file_report(bot, "/report FIN 货款被拖欠，资金周转困难")
    titles = await matched_titles(bot, report_id)
    assert "清理拖欠民营企业中小企业账款" in titles and "支农支小再贷款再贴现" in titles
    assert "防疫物资保障" not in titles  # helps with PPE, not finance
    card, _ = bot.request.last_message(GROUP_ID)
    assert f"pl|r|{report_id}" in button_data(card, "pl|")

    panel, _ = await open_panel(bot, report_id, card_id)
    assert "清理拖欠民营企业中小企业账款" in panel["text"]
    assert "❔" in panel["text"] and "待核实" in panel["text"]  # size unknown: shown, not scored
    assert "%" not in panel["text"]
    # nothing went to the enterprise: the officer chooses
    assert not [t for t in bot.request.texts(CONTACT.id) if "惠企政策" in t]


async def test_officer_sends_once_and_the_enterprise_walks_the_funnel(
    bot: Bot, policy_world: object
) -> None:
    report_id, card_id = await file_report(bot, "/report LAB 员工返岗难")
    panel, panel_id = await open_panel(bot, report_id, card_id)
    send = next(d for d in button_data(panel, "pl|s|"))
    # another region's officer cannot send it
    await press_data(bot, FAR_OFFICER, send, chat_id=GROUP_ID, message_id=panel_id)
    assert last_answer(bot)["show_alert"]
    assert await policies.claim_unsent(bot.db, NOW) == []
    await press_data(bot, OFFICER, send, chat_id=GROUP_ID, message_id=panel_id)
    offer, offer_msg = bot.request.last_message(CONTACT.id)
    assert "推荐一项惠企政策" in offer["text"]
    # pressed again (a stale panel): refused, nothing sent twice
    before = len(bot.request.texts(CONTACT.id))
    await press_data(bot, OFFICER, send, chat_id=GROUP_ID, message_id=panel_id)
    assert "已推送过" in last_answer(bot)["text"]
    assert len(bot.request.texts(CONTACT.id)) == before

    [open_data] = button_data(offer, "pl|o|")
    await press_data(bot, CONTACT, open_data, chat_id=CONTACT.id, message_id=offer_msg)
    opened = bot.request.sent("editMessageText", CONTACT.id)[-1]
    assert "申报条件" in opened["text"] and "已读" in opened["text"]
    offer_id = int(open_data.split("|")[2])
    for step in ("interested", "applied", "granted"):
        await press_data(
            bot, CONTACT, f"pl|o|{offer_id}|{step}", chat_id=CONTACT.id, message_id=offer_msg
        )
    # a stranger's press changes nothing
    await press_data(bot, FAR_OFFICER, f"pl|o|{offer_id}|granted", chat_id=1, message_id=1)
    assert last_answer(bot)["show_alert"]
    row = await bot.db.fetch_one("SELECT * FROM policy_offers WHERE id = ?", (offer_id,))
    assert row is not None and all(
        row[c] for c in ("sent_at", "read_at", "interested_at", "applied_at", "granted_at")
    )


async def test_resolution_records_the_ticked_policies(bot: Bot, policy_world: object) -> None:
    report_id, card_id = await file_report(bot, "/report LAB 员工返岗难")
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "sig", "accepted", message_id=card_id)
    panel, panel_id = await open_panel(bot, report_id, card_id)
    jobs = next(
        b["callback_data"]
        for b in buttons(panel)
        if b["text"] == "☐ 已适用：失业保险稳岗返还" and b["callback_data"].startswith("pl|a|")
    )
    await press_data(bot, OFFICER, jobs, chat_id=GROUP_ID, message_id=panel_id)
    await press(bot, OFFICER, report_id, "res", "in_progress", message_id=card_id)
    await press(bot, OFFICER, report_id, "out", "in_progress", "S", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "已协调返岗专车\n政策：交通补贴")
    row = await bot.db.fetch_one("SELECT policies FROM reports WHERE id = ?", (report_id,))
    assert row is not None and row["policies"] == "交通补贴；失业保险稳岗返还"


async def test_policy_search_two_characters_and_contact_first(
    bot: Bot, policy_world: object
) -> None:
    await bot.say(OFFICER, "/policy 缓缴")
    text = bot.request.last_text(OFFICER.id)
    assert "缓缴住房公积金" in text and "防疫物资保障" not in text
    await bot.say(CONTACT, "/policy 资金融资")
    text = bot.request.last_text(CONTACT.id)
    assert "适合贵企业的" in text and "清理拖欠" in text
    await bot.say(OFFICER, "/policy 不存在的词")
    assert "没有找到" in bot.request.last_text(OFFICER.id)


async def test_auto_send_is_an_admins_switch(bot: Bot, policy_world: object) -> None:
    await bot.say(OFFICER, "/policyauto on")
    assert "只有管理员" in bot.request.last_text(OFFICER.id)
    await bot.say(ADMIN, "/policyauto on")
    assert "已开启" in bot.request.last_text(ADMIN.id)
    report_id, _ = await file_report(bot, "/report PPE 口罩不够")
    from handlers.policies.sender import send_pending

    await send_pending(bot.app.bot, bot.app.bot_data["deps"])
    assert any("防疫物资保障" in t for t in bot.request.texts(CONTACT.id))
    row = await bot.db.fetch_one(
        "SELECT count(*) AS n FROM policy_offers WHERE report_id = ? AND sent_at IS NOT NULL",
        (report_id,),
    )
    assert row is not None and row["n"] >= 1


async def test_funnel_counts_match_a_direct_count_and_the_digest_shows_them(
    bot: Bot, policy_world: object
) -> None:
    await test_officer_sends_once_and_the_enterprise_walks_the_funnel(bot, policy_world)
    await file_report(bot, "/report FIN 资金紧张")  # matched, never offered
    funnel = await policy_read.funnel(bot.db, "35")
    rows = await bot.db.fetch_all(
        "SELECT v.title, e.region_code, o.* FROM policy_offers o"
        " JOIN policy_versions v ON v.id = o.version_id"
        " JOIN enterprises e ON e.id = o.enterprise_id"
        " WHERE o.sent_at IS NOT NULL"
    )
    direct: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        counts = direct.setdefault((r["title"], r["region_code"][:4]), [0] * 5)
        for i, c in enumerate(("sent_at", "read_at", "interested_at", "applied_at", "granted_at")):
            counts[i] += r[c] is not None
    assert funnel == direct and direct
    figures = await policy_read.policy_figures(
        bot.db,
        "35",
        (),
        NOW.replace(hour=0),
        NOW.replace(hour=23),
        NOW,
        bot.app.bot_data["deps"].settings.zone,
    )
    lines = "\n".join(policy_lines(figures, "zh"))
    assert "稳岗返还" in lines and "已兑现 1" in lines
    assert "未推送的匹配政策" in lines and "资金" not in lines.split("未推送")[0][-2:]


async def test_the_digest_ledger_has_a_policy_sheet(bot: Bot, policy_world: object) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    from liaisonbot.files.ledger import ledger_xlsx
    from liaisonbot.read.digest.queries import build_digest
    from liaisonbot.read.digest.scope import DigestScope, digest_period

    await test_officer_sends_once_and_the_enterprise_walks_the_funnel(bot, policy_world)
    zone = bot.app.bot_data["deps"].settings.zone
    period = digest_period(NOW.astimezone(zone).date(), zone)
    digest = await build_digest(bot.db, DigestScope("35"), period, now=NOW, zone=zone)
    assert digest.policies is not None
    book = load_workbook(BytesIO(await ledger_xlsx(bot.db, digest, zone)))
    sheet = book["政策"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:3] == ["支持方式", "地区", "本期推送(家)"]
    assert any(r[0] == "稳岗返还" and r[-1] == 1 for r in rows[1:])
