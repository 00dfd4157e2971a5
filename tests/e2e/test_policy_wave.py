"""A policy push wave against the sandbox with the real bot process, killed with SIGKILL in the
middle and restarted: every fitting enterprise gets the policy, none that does not fit, and none
twice but for the one message in flight at the kill (issue 14: "the push wave exactly once across
a restart, end to end")."""

from __future__ import annotations

import asyncio
import re
from collections import Counter

import pytest

from liaisonbot.clock import utcnow
from liaisonbot.domain.models import Enterprise
from liaisonbot.domain.vocabulary import Tier
from liaisonbot.sandbox.scene import OFFICER
from liaisonbot.services import people
from liaisonbot.services.policy_import import import_policies
from liaisonbot.store import Database, UnitOfWork
from tests.e2e.conftest import E2E, has
from tests.policies.conftest import STARTER
from tests.support.enterprise_lists import credit_code

pytestmark = pytest.mark.e2e

FIRMS = 24
FIRST_CONTACT = 86000
OFFER = ("推荐一项惠企政策", "延期还本付息")


async def _world(e2e: E2E) -> list[int]:
    """The starter library and FIRMS small Fuzhou suppliers, each with a contact who opened the
    private chat; every third one is large (the loan deferral does not fit it)."""
    db = await Database(e2e.db_path).open()
    try:
        assert (await import_policies(db, STARTER, now=utcnow())).applied
        for i in range(FIRMS):
            firm = Enterprise(
                credit_code=credit_code("350100", 700 + i),
                name=f"榕企{i}号有限公司",
                region_code="350102",
                chain="汽车",
                tier=Tier.CORE_SUPPLIER,
                size="大型" if i % 3 == 0 else "小型",
            )
            async with UnitOfWork(db) as uow:
                await uow.enterprises.upsert(firm, utcnow())
            await e2e.client.add_user(f"榕企联系人{i}", id=FIRST_CONTACT + i, started=True)
            await people.bind_contact(db, firm.credit_code, FIRST_CONTACT + i, utcnow())
    finally:
        await db.close()
    return [FIRST_CONTACT + i for i in range(FIRMS)]


def _data(message: dict[str, object], prefix: str) -> str:
    for row in message.get("keyboard") or []:  # type: ignore[union-attr]
        for button in row:
            if str(button.get("callback_data") or "").startswith(prefix):
                return str(button["callback_data"])
    raise AssertionError(f"no {prefix} button on {message}")


async def test_a_wave_killed_mid_way_reaches_each_fitting_enterprise_once(e2e: E2E) -> None:
    contacts = await _world(e2e)
    sent = await e2e.say(OFFICER.id, None, "/policy 延期还本付息")
    listing = await e2e.bot_message(OFFICER.id, has("延期还本付息"), after=sent["message_id"])
    await e2e.press(OFFICER.id, None, listing, data=_data(listing, "pl|v|"))
    details = await e2e.bot_message(
        OFFICER.id, lambda m: "pl|w|" in str(m.get("keyboard")), after=listing["message_id"] - 1
    )
    await e2e.press(OFFICER.id, None, details, data=_data(details, "pl|w|"))
    started = await e2e.bot_message(OFFICER.id, has("已开始推送"), after=details["message_id"])
    offered = int(re.search(r"(\d+) 家企业将收到", started["text"]).group(1))  # type: ignore[union-attr]
    await asyncio.sleep(0.05)
    e2e.process.kill()  # in the middle of the wave (the bulk lane sends under 30 a second)
    await e2e.process.wait()
    before = e2e.query("SELECT count(sent_at) AS n FROM policy_offers")[0]["n"]
    assert before < offered, "the wave had finished before the kill: nothing was tested"
    await e2e.start()

    fitting = [c for i, c in enumerate(contacts) if i % 3]
    assert offered >= len(fitting)
    await e2e.db_until(
        "SELECT count(*) AS n FROM policy_offers WHERE sent_at IS NULL AND failed = ''",
        predicate=lambda rows: rows[0]["n"] == 0,
        timeout=60,
    )
    received: Counter[int] = Counter()
    for user in contacts:
        for message in await e2e.client.messages(user):
            text = str(message.get("text") or "")
            if message["from_bot"] and all(word in text for word in OFFER):
                received[user] += 1
    assert all(received[user] >= 1 for user in fitting), received  # none missed
    assert all(received[user] == 0 for user in contacts if user not in fitting), received
    assert sum(received[user] - 1 for user in fitting) <= 1, received  # the one in flight
