"""Fixtures for enterprises, the industry chain, lists sent in the chat and /export."""

from __future__ import annotations

from typing import Any

from stdnum.cn import uscc

from liaisonbot.domain.models import Enterprise, RoleGrant
from liaisonbot.domain.vocabulary import Role, Tier
from liaisonbot.services import people
from liaisonbot.store import Database, UnitOfWork
from tests.conftest import Bot
from tests.support.fake_telegram import buttons
from tests.support.updates import Person
from tests.support.world import NOW

ADMIN = Person(7001, "管理员", "list_admin")
OTHER_ADMIN = Person(7002, "另一管理员", "other_admin")
OFFICIAL = Person(7101, "张处长", "zhang_official")
NEW_OFFICER = Person(6002, "陈联络员", "chen_officer")
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def code(region: str, serial: int) -> str:
    """A valid credit code registered in `region`."""
    org = ""
    for _ in range(9):
        serial, digit = divmod(serial, len(_ALPHABET))
        org = _ALPHABET[digit] + org
    body = f"91{region}{org}"
    return body + uscc.calc_check_digit(body)


async def grant(
    db: Database, person: Person, role: Role, region: str = "", chain: str = ""
) -> None:
    await people.grant_role(
        db, RoleGrant(user_id=person.id, role=role, region_prefix=region, chain=chain), NOW
    )


async def add_enterprise(
    db: Database,
    name: str,
    serial: int,
    *,
    region: str = "440300",
    chain: str = "汽车",
    tier: Tier = Tier.CORE_SUPPLIER,
    leading_id: int | None = None,
    officer: int | None = None,
) -> int:
    async with UnitOfWork(db) as uow:
        stored, _ = await uow.enterprises.upsert(
            Enterprise(
                credit_code=code(region, serial),
                name=name,
                region_code=region,
                chain=chain,
                tier=tier,
                liaison_officer_id=officer,
            ),
            NOW,
        )
        assert stored.id is not None
        if leading_id is not None:
            await uow.enterprises.link(stored.id, leading_id)
        return stored.id


async def scalar(db: Database, sql: str, params: tuple[Any, ...] = ()) -> Any:
    row = await db.fetch_one(sql, params)
    return row[0] if row else None


def button_data(params: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for b in buttons(params) if "callback_data" in b]


async def press(bot: Bot, person: Person, data: str, chat_id: int | None = None) -> None:
    params, message_id = bot.request.last_message(person.id if chat_id is None else chat_id)
    await bot.send(bot.updates.press(person, params, data, message_id))


def last_answer(bot: Bot) -> dict[str, Any]:
    return bot.request.sent("answerCallbackQuery")[-1]
