"""The escalation ladder (docs/domain.md#escalation-ladder): routing to the most specific task
force, 上报 up to the ministry and back down, authority at each level, the 协办 card in another
region, the units, and the digest's figures per level."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.digest.render import render_digest
from liaisonbot.domain.ladder import first_level, level_up
from liaisonbot.domain.models import Enterprise, LiaisonGroup, RoleGrant
from liaisonbot.domain.vocabulary import ReportState, Role
from liaisonbot.read.digest import DigestScope, build_digest, digest_period
from liaisonbot.services import people
from liaisonbot.store import Database
from tests.conftest import Bot
from tests.support.updates import Person
from tests.support.world import GROUP_ID, NOW, OFFICER, SUPPLIER
from tests.triage.helpers import (
    ADMIN,
    ESCALATION_ID,
    FAR_OFFICER,
    OFFICIAL,
    accept,
    answer_prompt,
    file_report,
    last_answer,
    last_edit,
    press,
    state_of,
    verbs,
)

ZONE = ZoneInfo("Asia/Shanghai")
CITY_TF = -1003501  # 福建省福州市专班
NATIONAL_TF = -1000001  # 部专班
GD_TF = -1000044  # 广东省专班
BJ_GROUP = -1001100  # the Beijing liaison group (汽车)
CITY_OFFICIAL = Person(7002, "林科长", "lin_city")
MINISTRY = Person(7003, "赵司长", "zhao_ministry")
GD_OFFICIAL = Person(7004, "黄处长", "huang_gd")


@pytest.fixture
async def ladder(db: Database, triage_world: object) -> None:
    """Province (ESCALATION_ID, 35), city (3501), national and Guangdong task forces."""
    for chat_id, prefix in ((CITY_TF, "3501"), (NATIONAL_TF, ""), (GD_TF, "44")):
        await people.bind_group(
            db, LiaisonGroup(chat_id=chat_id, region_prefix=prefix, is_escalation=True), NOW
        )
    await people.bind_group(
        db, LiaisonGroup(chat_id=BJ_GROUP, region_prefix="11", chain="汽车"), NOW
    )
    for person, prefix in ((CITY_OFFICIAL, "3501"), (MINISTRY, ""), (GD_OFFICIAL, "44")):
        await people.grant_role(
            db, RoleGrant(user_id=person.id, role=Role.OFFICIAL, region_prefix=prefix), NOW
        )


def test_routing_picks_the_most_specific_task_force() -> None:
    forces = [
        LiaisonGroup(chat_id=1, is_escalation=True),
        LiaisonGroup(chat_id=2, region_prefix="35", is_escalation=True),
        LiaisonGroup(chat_id=3, region_prefix="3501", is_escalation=True),
        LiaisonGroup(chat_id=4, region_prefix="3502", is_escalation=True),
        LiaisonGroup(chat_id=5, region_prefix="44", is_escalation=True),
        LiaisonGroup(chat_id=6, region_prefix="3501", chain="汽车"),  # a liaison group
    ]
    fuzhou = SUPPLIER  # 350100, 汽车
    xiamen = SUPPLIER.model_copy(update={"region_code": "350200"})
    fujian_elsewhere = SUPPLIER.model_copy(update={"region_code": "350300"})
    beijing = Enterprise(credit_code=SUPPLIER.credit_code, name="京", region_code="110108")
    assert first_level(forces, fuzhou).chat_id == 3  # type: ignore[union-attr]
    assert first_level(forces, xiamen).chat_id == 4  # type: ignore[union-attr]
    assert first_level(forces, fujian_elsewhere).chat_id == 2  # type: ignore[union-attr]
    assert first_level(forces, beijing).chat_id == 1  # type: ignore[union-attr]
    assert level_up(forces, fuzhou, "3501").chat_id == 2  # type: ignore[union-attr]
    assert level_up(forces, fuzhou, "35").chat_id == 1  # type: ignore[union-attr]
    assert level_up(forces, fuzhou, "") is None
    assert first_level(forces[1:2], beijing) is None


async def _level_card(bot: Bot, report_id: int, level: int) -> tuple[int, int]:
    row = await bot.db.fetch_one(
        "SELECT chat_id, message_id FROM report_levels WHERE report_id = ? AND level = ?",
        (report_id, level),
    )
    assert row is not None and row["message_id"] is not None
    return row["chat_id"], row["message_id"]


async def _level(bot: Bot, report_id: int) -> int:
    row = await bot.db.fetch_one("SELECT escalation_level FROM reports WHERE id = ?", (report_id,))
    assert row is not None
    return int(row["escalation_level"])


async def test_up_twice_to_the_ministry_and_back_down(bot: Bot, ladder: None) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "esc", "accepted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "需跨部门协调")
    # the most specific task force covering 350100 is the city's
    city_chat, city_card = await _level_card(bot, report_id, 1)
    assert city_chat == CITY_TF and await _level(bot, report_id) == 1
    assert "需跨部门协调" in bot.request.last_text(CITY_TF)

    await press(
        bot, CITY_OFFICIAL, report_id, "esc", "escalated", chat_id=CITY_TF, message_id=city_card
    )
    await answer_prompt(bot, CITY_OFFICIAL, CITY_TF, "市级无法协调省外物流")
    prov_chat, prov_card = await _level_card(bot, report_id, 2)
    assert prov_chat == ESCALATION_ID and await _level(bot, report_id) == 2
    path = "联络群 → 福建省福州市专班 → 福建省专班"
    for chat in (GROUP_ID, CITY_TF):
        assert path in last_edit(bot, chat)["text"]  # every level's card in step
    assert verbs(last_edit(bot, CITY_TF)) == set()  # the lower card is a record now
    await press(
        bot, CITY_OFFICIAL, report_id, "sbk", "escalated", chat_id=CITY_TF, message_id=city_card
    )
    assert last_answer(bot)["show_alert"] is True
    # a city's official cannot act at the province's level
    await press(
        bot,
        CITY_OFFICIAL,
        report_id,
        "ack",
        "escalated",
        chat_id=ESCALATION_ID,
        message_id=prov_card,
    )
    assert last_answer(bot)["show_alert"] is True

    await press(
        bot, OFFICIAL, report_id, "esc", "escalated", chat_id=ESCALATION_ID, message_id=prov_card
    )
    await answer_prompt(bot, OFFICIAL, ESCALATION_ID, "需部里协调跨省运输")
    nat_chat, nat_card = await _level_card(bot, report_id, 3)
    assert nat_chat == NATIONAL_TF and await _level(bot, report_id) == 3
    nat_text = last_edit(bot, GROUP_ID)["text"]
    assert "联络群 → 福建省福州市专班 → 福建省专班 → 部专班" in nat_text
    assert "现由：部专班" in nat_text
    assert {"ack", "res", "esc", "sbk"} <= verbs(bot.request.sent("sendMessage", NATIONAL_TF)[0])

    # no level above the ministry
    await press(
        bot, MINISTRY, report_id, "esc", "escalated", chat_id=NATIONAL_TF, message_id=nat_card
    )
    await answer_prompt(bot, MINISTRY, NATIONAL_TF, "再上报")
    assert "没有可上报的上一级专班" in bot.request.last_text(NATIONAL_TF)
    # the province's official and another province's cannot act at the national level
    for outsider in (OFFICIAL, GD_OFFICIAL):
        await press(
            bot, outsider, report_id, "sbk", "escalated", chat_id=NATIONAL_TF, message_id=nat_card
        )
        assert last_answer(bot)["show_alert"] is True
    assert await _level(bot, report_id) == 3

    # back down one level at a time
    await press(
        bot, MINISTRY, report_id, "sbk", "escalated", chat_id=NATIONAL_TF, message_id=nat_card
    )
    await answer_prompt(bot, MINISTRY, NATIONAL_TF, "请省专班牵头")
    assert await _level(bot, report_id) == 2
    assert await state_of(bot, report_id) is ReportState.ESCALATED
    assert "现由：福建省专班" in last_edit(bot, GROUP_ID)["text"]
    assert "sbk" in verbs(last_edit(bot, ESCALATION_ID))
    await press(
        bot, OFFICIAL, report_id, "sbk", "escalated", chat_id=ESCALATION_ID, message_id=prov_card
    )
    await answer_prompt(bot, OFFICIAL, ESCALATION_ID, "请市专班办理")
    assert await _level(bot, report_id) == 1
    await press(
        bot, CITY_OFFICIAL, report_id, "sbk", "escalated", chat_id=CITY_TF, message_id=city_card
    )
    await answer_prompt(bot, CITY_OFFICIAL, CITY_TF, "属地可解决")
    assert await _level(bot, report_id) == 0
    assert await state_of(bot, report_id) is ReportState.IN_PROGRESS
    assert "现由：联络群" in last_edit(bot, GROUP_ID)["text"]
    actions = [
        r["action"]
        for r in await bot.db.fetch_all(
            "SELECT action FROM report_events WHERE report_id = ? AND action IN"
            " ('escalate', 'send_down', 'send_back') ORDER BY id",
            (report_id,),
        )
    ]
    assert actions == ["escalate"] * 3 + ["send_down", "send_down", "send_back"]


async def test_another_provinces_official_cannot_act(bot: Bot, ladder: None) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "esc", "accepted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "需协调")
    _, city_card = await _level_card(bot, report_id, 1)
    for person in (GD_OFFICIAL, OFFICER, FAR_OFFICER):
        await press(
            bot, person, report_id, "ack", "escalated", chat_id=CITY_TF, message_id=city_card
        )
        assert last_answer(bot)["show_alert"] is True
    assert await bot.db.fetch_one("SELECT * FROM escalation_acks") is None
    await press(bot, ADMIN, report_id, "ack", "escalated", chat_id=CITY_TF, message_id=city_card)
    assert await bot.db.fetch_one("SELECT * FROM escalation_acks") is not None


async def test_cross_region_assist_card_and_its_answers(bot: Bot, ladder: None) -> None:
    report_id, card_id = await file_report(bot)
    await press(bot, OFFICER, report_id, "acc", "submitted", message_id=card_id)
    await press(bot, OFFICER, report_id, "acx", "submitted", "N2", message_id=card_id)  # 跨地区
    assert "另一地区的行政区划代码" in bot.request.last_text(GROUP_ID)
    await answer_prompt(bot, OFFICER, GROUP_ID, "35")  # its own province: refused, still open
    await answer_prompt(bot, OFFICER, GROUP_ID, "11")
    assist = bot.request.sent("sendMessage", BJ_GROUP)
    assert assist and "协办请求" in assist[0]["text"] and "北京市" in assist[0]["text"]
    assert verbs(assist[0]) == {"xa", "xn", "xd"}
    row = await bot.db.fetch_one("SELECT message_id FROM assist_requests")
    assert row is not None
    assist_card = row["message_id"]
    assert "协办：北京市（待接收）" in last_edit(bot, GROUP_ID)["text"]

    # the Fujian officer is not Beijing's
    await press(bot, OFFICER, report_id, "xa", "accepted", chat_id=BJ_GROUP, message_id=assist_card)
    assert last_answer(bot)["show_alert"] is True
    await press(
        bot, FAR_OFFICER, report_id, "xa", "accepted", chat_id=BJ_GROUP, message_id=assist_card
    )
    assert "协办：北京市（已接收）" in last_edit(bot, GROUP_ID)["text"]
    assert verbs(last_edit(bot, BJ_GROUP)) == {"xn", "xd"}
    await press(
        bot, FAR_OFFICER, report_id, "xn", "accepted", chat_id=BJ_GROUP, message_id=assist_card
    )
    await answer_prompt(bot, FAR_OFFICER, BJ_GROUP, "已协调京北汽车<优先>供货")
    main = last_edit(bot, GROUP_ID)["text"]
    assert "北京市 · 北京联络员：已协调京北汽车&lt;优先&gt;供货" in main
    await press(
        bot, FAR_OFFICER, report_id, "xd", "accepted", chat_id=BJ_GROUP, message_id=assist_card
    )
    assert "协办：北京市（已办结）" in last_edit(bot, GROUP_ID)["text"]
    assert verbs(last_edit(bot, BJ_GROUP)) == set()
    # a forged press on the group card with an assist verb changes nothing
    await press(bot, FAR_OFFICER, report_id, "xa", "accepted", message_id=card_id)
    assert last_answer(bot)["show_alert"] is True


async def test_units_on_the_card_and_show(bot: Bot, ladder: None) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "unt", "accepted", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "省商务厅；省交通运输厅、省公安厅")
    text = last_edit(bot, GROUP_ID)["text"]
    assert "牵头单位：省商务厅；配合单位：省交通运输厅、省公安厅" in text
    await bot.say(OFFICER, f"/show {report_id}")
    assert "牵头单位：省商务厅" in bot.request.last_text(OFFICER.id)


async def test_digest_shows_escalated_items_per_level(bot: Bot, ladder: None) -> None:
    ids = []
    for n in range(3):
        report_id, card_id = await file_report(bot, f"/report LOG 第{n}件 物流受阻")
        await accept(bot, report_id, card_id)
        await press(bot, OFFICER, report_id, "esc", "accepted", message_id=card_id)
        await answer_prompt(bot, OFFICER, GROUP_ID, "需协调")
        ids.append(report_id)
    # one up to the province, one up to the ministry
    for report_id, times in ((ids[1], 1), (ids[2], 2)):
        for step in range(times):
            level = step + 1
            chat, card = await _level_card(bot, report_id, level)
            actor = (CITY_OFFICIAL, OFFICIAL)[step]
            await press(bot, actor, report_id, "esc", "escalated", chat_id=chat, message_id=card)
            await answer_prompt(bot, actor, chat, "再上报")
    assert [await _level(bot, i) for i in ids] == [1, 2, 3]

    period = digest_period(date(2026, 11, 27), ZONE)
    later = NOW + timedelta(hours=5)

    async def digest_of(prefix: str) -> object:
        return await build_digest(bot.db, DigestScope(prefix), period, now=later, zone=ZONE)

    national = await digest_of("")
    province = await digest_of("35")
    city = await digest_of("3501")
    assert national.escalated_by_level() == {"": 1, "35": 1, "3501": 1}  # type: ignore[attr-defined]
    assert province.escalated_by_level() == {"35": 1, "3501": 1}  # type: ignore[attr-defined]
    assert city.escalated_by_level() == {"3501": 1}  # type: ignore[attr-defined]

    text = render_digest(province, "zh", ZONE, "liaisonbot")  # type: ignore[arg-type]
    assert "逐级上报（本级及以下专班在办）：2 件" in text
    assert "福建省专班 1 件" in text and "部专班" not in text
    assert f"#{ids[0]} " in text and "已在本级等待 5.0 小时" in text


async def test_blocked_by_an_enterprise_in_another_region_asks_that_region(
    bot: Bot, ladder: None
) -> None:
    """/blockedby naming the leading enterprise in Beijing names Beijing as the other region,
    and Beijing's liaison group gets the 协办 card."""
    report_id, _card_id = await file_report(bot)
    await bot.say(OFFICER, f"/blockedby {report_id} 京北汽车", chat_id=GROUP_ID)
    assist = bot.request.sent("sendMessage", BJ_GROUP)
    assert assist and "协办请求" in assist[0]["text"] and "北京市" in assist[0]["text"]
    row = await bot.db.fetch_one("SELECT other_region FROM reports WHERE id = ?", (report_id,))
    assert row is not None and row[0] == "110108"
    assert "协办：北京市" in last_edit(bot, GROUP_ID)["text"]

    # Named again: Beijing is not asked twice.
    bot.request.clear()
    await bot.say(OFFICER, f"/blockedby {report_id} 京北汽车", chat_id=GROUP_ID)
    assert bot.request.sent("sendMessage", BJ_GROUP) == []


async def test_a_request_left_without_its_card_gets_it_after_a_restart(
    bot: Bot, ladder: None
) -> None:
    from liaisonbot.services import triage

    report_id, _card_id = await file_report(bot)
    await triage.name_other_region(bot.db, report_id, OFFICER.id, "11", now=NOW)  # then a stop
    assert bot.request.sent("sendMessage", BJ_GROUP) == []
    await bot.app.post_init(bot.app)  # what a restart runs
    assert bot.app.job_queue is not None
    job = bot.app.job_queue.get_jobs_by_name("assist-cards")[0]
    await job.run(bot.app)
    assist = bot.request.sent("sendMessage", BJ_GROUP)
    assert len(assist) == 1 and "协办请求" in assist[0]["text"]
    await job.run(bot.app)  # once only
    assert len(bot.request.sent("sendMessage", BJ_GROUP)) == 1
