"""/export in the private chat: the files of `liaisonbot export` for the caller's scope."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from liaisonbot.domain.vocabulary import Role
from tests.chat_lists.conftest import ADMIN, OFFICIAL, grant
from tests.conftest import Bot
from tests.support.world import CONTACT, GROUP_ID, LEADING, OFFICER, SUPPLIER


def documents(bot: Bot, chat_id: int) -> dict[str, bytes]:
    """File name -> content of the documents sent to a chat."""
    out = {}
    for call in bot.request.calls:
        if call.method == "sendDocument" and int(call.params["chat_id"]) == chat_id:
            for name, content in call.uploads.values():
                out[name] = content
    return out


def names_in(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    sheet = book["企业名单"]
    return [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]


async def test_an_official_gets_both_files_for_their_scope(
    bot: Bot, world: tuple[int, int]
) -> None:
    await grant(bot.db, OFFICIAL, Role.OFFICIAL, region="35")
    await bot.say(CONTACT, "/report LOG 原材料运不进厂")
    await bot.say(OFFICIAL, "/export")
    files = documents(bot, OFFICIAL.id)
    assert sorted(files) == ["企业名单-35.xlsx", "问题台账-35.xlsx"]
    assert names_in(files["企业名单-35.xlsx"]) == [SUPPLIER.name]  # not the Beijing one
    ledger = load_workbook(io.BytesIO(files["问题台账-35.xlsx"]), read_only=True)["问题台账"]
    rows = list(ledger.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][7] == "原材料运不进厂"
    captions = [p["caption"] for p in bot.request.sent("sendDocument", OFFICIAL.id)]
    assert captions == ["企业名单 · 福建省（35）", "问题台账 · 福建省（35）"]


async def test_one_kind_and_a_narrower_scope(bot: Bot, world: tuple[int, int]) -> None:
    await grant(bot.db, ADMIN, Role.ADMIN)
    await bot.say(ADMIN, "/export enterprises 11 汽车")
    files = documents(bot, ADMIN.id)
    assert list(files) == ["企业名单-11-汽车.xlsx"]
    assert names_in(files["企业名单-11-汽车.xlsx"]) == [LEADING.name]
    bot.request.clear()
    await bot.say(ADMIN, "/export ledger")
    assert list(documents(bot, ADMIN.id)) == ["问题台账-all.xlsx"]


async def test_export_refusals(bot: Bot, world: tuple[int, int]) -> None:
    await bot.say(CONTACT, "/export")
    assert "没有权限" in bot.request.last_text(CONTACT.id)
    await bot.say(OFFICER, "/export", chat_id=GROUP_ID)
    assert "私聊" in bot.request.last_text(GROUP_ID)
    await bot.say(OFFICER, "/export ledger 11")  # Beijing is outside the officer's region 35
    assert "不在您的权限范围内" in bot.request.last_text(OFFICER.id)
    assert not bot.request.sent("sendDocument")
