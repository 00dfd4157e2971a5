"""Invites for one person, and a contact of another enterprise asked before being moved."""

from __future__ import annotations

from liaisonbot.domain.models import RoleGrant
from liaisonbot.domain.vocabulary import Role
from liaisonbot.services import people
from tests.chat_lists.conftest import button_data, last_answer, press, scalar
from tests.conftest import Bot, Person
from tests.support.world import CONTACT, LEADING, NOW, OFFICER, STRANGER, SUPPLIER

NEWCOMER = Person(5002, "赵会计", "zhao_acc")


async def _link(bot: Bot, command: str) -> str:
    await bot.say(OFFICER, command)
    text = bot.request.last_text(OFFICER.id)
    return text[text.index("start=") + len("start=") :].split()[0]


async def test_an_invite_for_a_user_id_works_only_for_them(bot: Bot, world: object) -> None:
    payload = await _link(bot, f"/invite {SUPPLIER.credit_code} {NEWCOMER.id}")
    assert f"只对 {NEWCOMER.id} 有效" in bot.request.last_text(OFFICER.id)
    await bot.say(STRANGER, f"/start {payload}")
    assert "另一位联络人" in bot.request.last_text(STRANGER.id)
    assert (
        await scalar(bot.db, "SELECT COUNT(*) FROM contacts WHERE user_id = ?", (STRANGER.id,)) == 0
    )
    assert await scalar(bot.db, "SELECT used_by FROM invites") is None  # still usable
    await bot.say(NEWCOMER, f"/start {payload}")
    assert "绑定成功" in bot.request.last_text(NEWCOMER.id)
    assert await scalar(bot.db, "SELECT used_by FROM invites") == NEWCOMER.id


async def test_an_invite_for_a_username_the_bot_has_seen(bot: Bot, world: object) -> None:
    await bot.say(OFFICER, f"/invite {SUPPLIER.credit_code} @zhao_acc")
    assert "不认识 @zhao_acc" in bot.request.last_text(OFFICER.id)
    assert await scalar(bot.db, "SELECT COUNT(*) FROM invites") == 0
    await bot.say(NEWCOMER, "/help")  # now the bot knows the username
    payload = await _link(bot, f"/invite {SUPPLIER.credit_code} @Zhao_Acc")
    assert await scalar(bot.db, "SELECT for_user FROM invites") == NEWCOMER.id
    await bot.say(STRANGER, f"/start {payload}")
    assert await scalar(bot.db, "SELECT used_by FROM invites") is None


async def test_a_contact_of_another_enterprise_confirms_the_move(bot: Bot, world: object) -> None:
    await bot.say(OFFICER, "/help")
    # An officer also covering Beijing invites to the leading enterprise; the supplier's
    # contact opens it.
    await people.grant_role(
        bot.db, RoleGrant(user_id=OFFICER.id, role=Role.OFFICER, region_prefix="11"), NOW
    )
    payload = await _link(bot, f"/invite {LEADING.credit_code}")
    before = await scalar(
        bot.db, "SELECT enterprise_id FROM contacts WHERE user_id = ?", (CONTACT.id,)
    )
    await bot.say(CONTACT, f"/start {payload}")
    ask = bot.request.last_text(CONTACT.id)
    assert SUPPLIER.name in ask and LEADING.name in ask
    assert (
        await scalar(bot.db, "SELECT enterprise_id FROM contacts WHERE user_id = ?", (CONTACT.id,))
        == before
    )
    params, _ = bot.request.last_message(CONTACT.id)
    yes, no = button_data(params)
    # A forged press (another token) and someone else's press change nothing.
    await press(bot, CONTACT, "im|y|forged")
    assert last_answer(bot)["show_alert"]
    await press(bot, CONTACT, no)
    assert await scalar(bot.db, "SELECT COUNT(*) FROM contact_moves") == 0
    await press(bot, CONTACT, yes)
    after = await scalar(
        bot.db, "SELECT enterprise_id FROM contacts WHERE user_id = ?", (CONTACT.id,)
    )
    assert after != before
    row = await bot.db.fetch_one("SELECT * FROM contact_moves")
    assert row is not None
    assert (row["user_id"], row["from_enterprise_id"], row["to_enterprise_id"]) == (
        CONTACT.id,
        before,
        after,
    )
    assert row["moved_at"]
    # Pressing again: the invite is theirs now, nothing recorded twice.
    await press(bot, CONTACT, yes)
    assert await scalar(bot.db, "SELECT COUNT(*) FROM contact_moves") == 1
