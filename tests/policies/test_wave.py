"""A wave: one version pushed to every listed enterprise of the officer's scope that it fits,
each exactly once, across a restart of the Application in the middle of sending."""

from __future__ import annotations

import socket
from pathlib import Path

from handlers.policies import sender
from liaisonbot.domain.models import Enterprise
from liaisonbot.domain.vocabulary import Tier
from liaisonbot.services import people, policies
from liaisonbot.services.policy_import import import_policies
from liaisonbot.store import UnitOfWork
from tests.conftest import Bot, make_settings, start_bot
from tests.support.enterprise_lists import credit_code
from tests.support.updates import Person
from tests.support.world import CONTACT, NOW, OFFICER
from tests.triage.helpers import press_data

FIRMS = 6


async def add_firms(bot: Bot) -> list[Person]:
    """Fujian firms with a contact each (sizes: small ones fit the loan deferral)."""
    contacts = []
    for i in range(FIRMS):
        firm = Enterprise(
            credit_code=credit_code("350100", 500 + i),
            name=f"闽企{i}号有限公司",
            region_code="350102",
            chain="汽车",
            tier=Tier.CORE_SUPPLIER,
            size="小型" if i % 3 else "大型",  # 大型 do not fit: not met
        )
        async with UnitOfWork(bot.db) as uow:
            await uow.enterprises.upsert(firm, NOW)
        person = Person(70_000 + i, f"联系人{i}")
        await people.bind_contact(bot.db, firm.credit_code, person.id, NOW)
        contacts.append(person)
    return contacts


def offers_received(bots: list[Bot], person: Person) -> int:
    return sum(
        1
        for b in bots
        for text in b.request.texts(person.id)
        if "推荐一项惠企政策" in text and "延期还本付息" in text
    )


async def test_wave_reaches_each_fitting_enterprise_once_across_a_restart(
    bot: Bot, policy_world: object, tmp_path: Path
) -> None:
    contacts = await add_firms(bot)
    await bot.say(OFFICER, "/policy 延期还本付息")
    listing, listing_id = bot.request.last_message(OFFICER.id)
    [details] = [
        b["callback_data"]
        for row in listing["reply_markup"]["inline_keyboard"]
        for b in row
        if b["callback_data"].startswith("pl|v|")
    ]
    version_id = int(details.split("|")[2])
    await press_data(bot, OFFICER, details, chat_id=OFFICER.id, message_id=listing_id)
    shown, shown_id = bot.request.last_message(OFFICER.id)
    assert "第 1 版" in shown["text"]
    wave = f"pl|w|{version_id}"
    assert wave in [
        b["callback_data"] for row in shown["reply_markup"]["inline_keyboard"] for b in row
    ]

    # The wave is written; this process "dies" having sent two of the offers, with a third
    # claimed but not sent (its claim held by a process that no longer runs).
    result = await policies.start_wave(
        bot.db, version_id, OFFICER.id, NOW, bot.app.bot_data["deps"].settings.zone
    )
    fitting = [p for i, p in enumerate(contacts) if i % 3]
    assert result.fitting == len(fitting) + 1  # the world's supplier has no size: unknown, fits
    claimed = await policies.claim_unsent(bot.db, NOW, limit=3)
    for row in claimed[:2]:
        assert await sender.send_offer(bot.app.bot, bot.app.bot_data["deps"], row)
    dead = f"{socket.gethostname()}:999999999:1"  # no such pid: a process that stopped
    await bot.db.write(
        "UPDATE policy_offers SET claimed_by = ? WHERE id = ?", (dead, claimed[2]["id"])
    )
    await bot.app.shutdown()

    # Restart: a new Application on the same database; start-up frees the dead claim and the
    # sender resumes the wave.
    again = await start_bot(make_settings(tmp_path), bot.db, bot.clock)
    try:
        await sender.on_startup(again.app)
        await sender.send_pending(again.app.bot, again.app.bot_data["deps"])
        # The officer presses the wave button again: nothing new.
        await press_data(again, OFFICER, wave, chat_id=OFFICER.id, message_id=shown_id)
        assert "0 家企业将收到" in again.request.last_text(OFFICER.id)
        await sender.send_pending(again.app.bot, again.app.bot_data["deps"])
    finally:
        await again.app.shutdown()
        bot.app = again.app  # the fixture shuts this one down again: harmless

    for person in [*fitting, CONTACT]:
        assert offers_received([bot, again], person) == 1, person
    for i, person in enumerate(contacts):
        if not i % 3:
            assert offers_received([bot, again], person) == 0  # 大型: not met
    row = await bot.db.fetch_one(
        "SELECT count(*) AS n, count(sent_at) AS sent FROM policy_offers WHERE version_id = ?",
        (version_id,),
    )
    assert row is not None and row["n"] == row["sent"] == len(fitting) + 1


async def test_a_changed_policy_is_a_new_version_offered_again(
    bot: Bot, policy_world: object, tmp_path: Path
) -> None:
    await add_firms(bot)
    [v1] = [v for v in await policies.library(bot.db) if v.content.key == "STARTER-JOBS-REFUND"]
    zone = bot.app.bot_data["deps"].settings.zone
    first = await policies.start_wave(bot.db, v1.id, OFFICER.id, NOW, zone)
    assert first.offered == FIRMS + 1
    path = tmp_path / "change.csv"
    path.write_text(
        "政策编号,政策名称,失效日期,适用困难类别\nSTARTER-JOBS-REFUND,失业保险稳岗返还,2026-12-31,用工返岗\n"
    )
    assert (await import_policies(bot.db, path, now=NOW)).changed
    [v2] = [v for v in await policies.library(bot.db) if v.content.key == "STARTER-JOBS-REFUND"]
    assert v2.version == 2
    second = await policies.start_wave(bot.db, v2.id, OFFICER.id, NOW, zone)
    assert second.offered == FIRMS + 1
    # offers made before keep pointing at version 1
    row = await bot.db.fetch_one(
        "SELECT count(*) AS n FROM policy_offers WHERE version_id = ?", (v1.id,)
    )
    assert row is not None and row["n"] == FIRMS + 1
    # expired: never offered
    later = NOW.replace(year=2027)
    try:
        await policies.start_wave(bot.db, v2.id, OFFICER.id, later, zone)
    except policies.PolicyRefused as refused:
        assert refused.code == "expired"
    else:
        raise AssertionError("an expired policy was offered")
