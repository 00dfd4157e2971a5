"""An admin sends an enterprise list to the bot: report, confirmation buttons, then the import."""

from __future__ import annotations

from pathlib import Path

from liaisonbot.domain.vocabulary import Role
from tests.chat_lists.conftest import (
    ADMIN,
    OTHER_ADMIN,
    button_data,
    grant,
    last_answer,
    press,
    scalar,
)
from tests.conftest import Bot, make_settings, start_bot
from tests.lists.conftest import BAD_CODE, good_rows, write_csv, write_xlsx
from tests.support.world import CONTACT, NOW, Clock


def _content(path: Path) -> bytes:
    return path.read_bytes()


async def send_list(bot: Bot, path: Path, file_id: str = "F1", *, size: int | None = None) -> None:
    bot.request.files[file_id] = _content(path)
    await bot.send(bot.updates.document(ADMIN, file_id, path.name, file_size=size))


async def enterprises(bot: Bot) -> int:
    return int(await scalar(bot.db, "SELECT COUNT(*) FROM enterprises"))


async def test_a_good_list_is_checked_then_imported_on_confirmation(
    bot: Bot, tmp_path: Path
) -> None:
    await grant(bot.db, ADMIN, Role.ADMIN)
    await send_list(bot, write_xlsx(tmp_path / "名单.xlsx", good_rows()))
    assert [c.method for c in bot.request.calls][-3:] == ["getFile", "download", "sendMessage"]
    params, _ = bot.request.last_message(ADMIN.id)
    assert "企业名单 名单.xlsx：共 4 行" in params["text"] and "预计新增 4" in params["text"]
    data = button_data(params)
    assert [d.rsplit("|", 1)[1] for d in data] == ["a", "c"]  # import, cancel
    assert await enterprises(bot) == 0  # nothing written before the confirmation
    await press(bot, ADMIN, data[0])
    assert await enterprises(bot) == 4
    edit = bot.request.sent("editMessageText", ADMIN.id)[-1]
    assert "已导入" in edit["text"] and not edit.get("reply_markup")
    assert await scalar(bot.db, "SELECT status FROM list_uploads") == "applied"
    assert await scalar(bot.db, "SELECT imported_by FROM enterprise_imports") == ADMIN.id
    # The same button again: already applied.
    await press(bot, ADMIN, data[0])
    assert last_answer(bot)["show_alert"] and "失效" in last_answer(bot)["text"]
    assert await scalar(bot.db, "SELECT COUNT(*) FROM enterprise_imports") == 1


async def test_a_list_with_errors_offers_only_the_valid_rows(bot: Bot, tmp_path: Path) -> None:
    await grant(bot.db, ADMIN, Role.ADMIN)
    rows = good_rows()
    rows[3][1] = BAD_CODE
    await send_list(bot, write_csv(tmp_path / "list.csv", rows))
    params, _ = bot.request.last_message(ADMIN.id)
    assert "第 5 行（统一社会信用代码）" in params["text"] and "校验位错误" in params["text"]
    data = button_data(params)
    assert [d.rsplit("|", 1)[1] for d in data] == ["v", "c"]  # no plain "import"
    forged = data[0][:-1] + "a"
    await press(bot, ADMIN, forged)
    assert last_answer(bot)["show_alert"] and await enterprises(bot) == 0
    await press(bot, ADMIN, data[0])
    assert await enterprises(bot) == 3
    assert "跳过有误的 1 行" in bot.request.sent("editMessageText", ADMIN.id)[-1]["text"]


async def test_a_list_without_any_valid_row_offers_nothing(bot: Bot, tmp_path: Path) -> None:
    await grant(bot.db, ADMIN, Role.ADMIN)
    path = tmp_path / "list.csv"
    path.write_text("随便写点什么\n没有表头\n", encoding="utf-8")
    await send_list(bot, path)
    params, _ = bot.request.last_message(ADMIN.id)
    assert "未找到表头行" in params["text"] and "无法导入" in params["text"]
    assert button_data(params) == []
    assert await scalar(bot.db, "SELECT COUNT(*) FROM list_uploads") == 0


async def test_cancel_and_foreign_presses(bot: Bot, tmp_path: Path) -> None:
    await grant(bot.db, ADMIN, Role.ADMIN)
    await grant(bot.db, OTHER_ADMIN, Role.ADMIN)
    await send_list(bot, write_xlsx(tmp_path / "l.xlsx", good_rows()))
    params, message_id = bot.request.last_message(ADMIN.id)
    apply, cancel = button_data(params)
    # Another admin pressing the button (say, in a forwarded message) is refused.
    await bot.send(bot.updates.press(OTHER_ADMIN, params, apply, message_id))
    assert "不是您发送的名单" in last_answer(bot)["text"] and await enterprises(bot) == 0
    await press(bot, ADMIN, cancel)
    assert "已取消" in bot.request.sent("editMessageText", ADMIN.id)[-1]["text"]
    await press(bot, ADMIN, apply)
    assert "失效" in last_answer(bot)["text"] and await enterprises(bot) == 0
    await press(bot, ADMIN, "lu|nonsense")
    assert "失效" in last_answer(bot)["text"]


async def test_a_newer_list_replaces_the_pending_one(bot: Bot, tmp_path: Path) -> None:
    await grant(bot.db, ADMIN, Role.ADMIN)
    await send_list(bot, write_xlsx(tmp_path / "a.xlsx", good_rows()), "F1")
    first = button_data(bot.request.last_message(ADMIN.id)[0])[0]
    await send_list(bot, write_xlsx(tmp_path / "b.xlsx", good_rows()[:1]), "F2")
    await press(bot, ADMIN, first)
    assert "失效" in last_answer(bot)["text"] and await enterprises(bot) == 0


async def test_a_pending_list_survives_a_restart(bot: Bot, tmp_path: Path) -> None:
    await grant(bot.db, ADMIN, Role.ADMIN)
    await send_list(bot, write_xlsx(tmp_path / "l.xlsx", good_rows()))
    params, message_id = bot.request.last_message(ADMIN.id)
    apply = button_data(params)[0]
    await bot.app.shutdown()
    again = await start_bot(make_settings(tmp_path), bot.db, Clock(NOW))
    try:
        again.updates.update_ids = iter(range(1000, 2000))  # type: ignore[assignment]
        await again.send(again.updates.press(ADMIN, params, apply, message_id))
        assert await enterprises(again) == 4
    finally:
        await again.app.shutdown()
        await bot.app.initialize()  # the fixture shuts it down again


async def test_who_may_send_a_list_and_which_files(bot: Bot, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "l.xlsx", good_rows())
    bot.request.files["F1"] = _content(path)
    await bot.send(bot.updates.document(CONTACT, "F1", "l.xlsx"))
    assert "只有管理员" in bot.request.last_text(CONTACT.id)
    assert not bot.request.sent("getFile")
    await grant(bot.db, ADMIN, Role.ADMIN)
    for name in ("scan.pdf", "old.xls"):
        await bot.send(bot.updates.document(ADMIN, "F9", name))
        assert "请发送 .xlsx 或 .csv" in bot.request.last_text(ADMIN.id)
    await bot.send(bot.updates.document(ADMIN, "F1", "l.xlsx", file_size=25 * 1024 * 1024))
    assert "文件过大（25.0 MB）" in bot.request.last_text(ADMIN.id)
    assert not bot.request.sent("getFile")
    bot.request.fail_next["getFile"] = {
        "error_code": 400,
        "description": "Bad Request: file is too big",
    }
    await bot.send(bot.updates.document(ADMIN, "F1", "l.xlsx"))
    assert "文件过大" in bot.request.last_text(ADMIN.id)
    await bot.send(bot.updates.document(ADMIN, "missing", "l.xlsx"))
    assert "下载失败" in bot.request.last_text(ADMIN.id)
    assert await enterprises(bot) == 0
    assert await scalar(bot.db, "SELECT COUNT(*) FROM list_uploads") == 0


async def test_a_document_during_the_report_dialog_is_an_attachment(
    bot: Bot, world: tuple[int, int], tmp_path: Path
) -> None:
    from liaisonbot.services import drafts

    await grant(bot.db, ADMIN, Role.ADMIN)
    await bot.say(CONTACT, "/report")
    draft = await drafts.get(bot.db, CONTACT.id)
    assert draft is not None
    draft.step = "attachments"
    await drafts.save(bot.db, draft, NOW)
    await bot.send(bot.updates.document(CONTACT, "F1", "配套清单.xlsx"))
    assert "只有管理员" not in bot.request.last_text(CONTACT.id)
    draft = await drafts.get(bot.db, CONTACT.id)
    assert draft is not None and draft.data["attachments"][0]["file_name"] == "配套清单.xlsx"


async def test_english_report_and_buttons(bot: Bot, tmp_path: Path) -> None:
    await grant(bot.db, ADMIN, Role.ADMIN)
    await bot.say(ADMIN, "/lang en")
    await send_list(bot, write_xlsx(tmp_path / "l.xlsx", good_rows()))
    params, _ = bot.request.last_message(ADMIN.id)
    assert "Enterprise list l.xlsx: 4 rows" in params["text"]
    assert "Nothing is written until you confirm." in params["text"]


async def test_a_list_in_shift_jis_is_refused_in_chat_with_the_row(
    bot: Bot, tmp_path: Path
) -> None:
    await grant(bot.db, ADMIN, Role.ADMIN)
    path = tmp_path / "名单.csv"
    path.write_bytes(
        "name,credit code,region code\n東京電力株式会社,X,110108\n".encode("shift_jis")
    )
    await send_list(bot, path)
    text = bot.request.last_text(ADMIN.id)
    assert "第 2 行" in text and "UTF-8" in text and ".xlsx" in text
    assert not button_data(bot.request.last_message(ADMIN.id)[0])
    assert await enterprises(bot) == 0
