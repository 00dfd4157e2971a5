"""Enterprise lists with the real bot process: an admin sends a list in the private chat, sees the
validation report, confirms, and the new supplier is there for /enterprise and /chain."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc

from liaisonbot.sandbox.scene import ADMIN, CONTACT, LEADING
from tests.e2e.conftest import E2E, has, with_button

pytestmark = pytest.mark.e2e


def credit_code(region: str, body: str) -> str:
    code = "91" + region + body
    return code + uscc.calc_check_digit(code)


NEW_SUPPLIER = "马尾港智能装备有限公司"
NEW_CODE = credit_code("350105", "MA34GH8J2")
LIST_CSV = (
    "企业名称,统一社会信用代码,地区代码,产业链,企业类型,配套龙头企业,上下游\n"
    f"{NEW_SUPPLIER},{NEW_CODE},350105,汽车,核心配套,{LEADING.credit_code},上游\n"
).encode("gb18030")  # as Chinese Excel saves it


async def test_admin_imports_a_list_in_chat_after_confirming(e2e: E2E) -> None:
    await e2e.say(ADMIN.id, None, "/start")
    await e2e.bot_message(ADMIN.id, has("/report"))
    sent = await e2e.client.send_document(ADMIN.id, None, "新增配套企业.csv", LIST_CSV)
    check = await e2e.bot_message(ADMIN.id, with_button("✅ 导入"), after=sent["message_id"])
    assert "1" in check["text"] and not e2e.query(
        "SELECT 1 FROM enterprises WHERE credit_code = ?", (NEW_CODE,)
    ), "nothing is written before the admin confirms"

    await e2e.answer_of(await e2e.press(ADMIN.id, None, check, text="✅ 导入"))
    rows = await e2e.db_until(
        "SELECT name, tier, chain FROM enterprises WHERE credit_code = ?", (NEW_CODE,)
    )
    assert tuple(rows[0]) == (NEW_SUPPLIER, "CORE_SUPPLIER", "汽车")

    asked = await e2e.say(ADMIN.id, None, "/enterprise 马尾港智能装备")
    shown = await e2e.bot_message(
        ADMIN.id, has(NEW_SUPPLIER, "核心配套"), after=asked["message_id"]
    )
    assert LEADING.name in shown["text"]  # the leading enterprise it supplies

    asked = await e2e.say(ADMIN.id, None, f"/chain {LEADING.name}")
    await e2e.bot_message(ADMIN.id, has(NEW_SUPPLIER), after=asked["message_id"])


async def test_a_contact_cannot_import_a_list(e2e: E2E) -> None:
    await e2e.say(CONTACT.id, None, "/start")
    sent = await e2e.client.send_document(CONTACT.id, None, "名单.csv", LIST_CSV)
    await e2e.bot_message(CONTACT.id, has("只有管理员"), after=sent["message_id"])
    assert not e2e.query("SELECT 1 FROM enterprises WHERE credit_code = ?", (NEW_CODE,))
