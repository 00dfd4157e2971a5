"""The Bot API as a real python-telegram-bot client sees it: results and strict errors."""

from __future__ import annotations

import json
import re

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter

from liaisonbot.sandbox import Sandbox, SandboxClient
from tests.sandbox.conftest import (
    BOT_USERNAME,
    GROUP,
    LI,
    STRANGER,
    TOKEN,
    WANG,
    ZHANG,
    assert_shape,
)

KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("受理", callback_data="acc:1"),
            InlineKeyboardButton("上报", url="https://t.me/x"),
        ]
    ]
)


def seconds(err: RetryAfter) -> float:
    """The wait of a RetryAfter, read from its message (the attribute's type is changing)."""
    match = re.search(r"Retry in (\d+(?:\.\d+)?) seconds", str(err))
    assert match, str(err)
    return float(match.group(1))


async def raw_call(sb: Sandbox, method: str, **params: object) -> tuple[int, dict]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sb.api_base}{TOKEN}/{method}", json=params) as resp,
    ):
        return resp.status, await resp.json()


async def test_get_me(bot: Bot, sb: Sandbox) -> None:
    me = await bot.get_me()
    assert me.username == BOT_USERNAME
    assert me.id == 4242424242
    assert me.can_read_all_group_messages is False
    status, body = await raw_call(sb, "getMe")
    assert status == 200
    assert body["ok"] is True
    assert_shape("User", body["result"])


async def test_send_html_message_shape(bot: Bot, sb: Sandbox, client: SandboxClient) -> None:
    msg = await bot.send_message(
        ZHANG, "<b>问题</b> &lt;编号&gt; /status", parse_mode=ParseMode.HTML, reply_markup=KEYBOARD
    )
    assert msg.text == "问题 <编号> /status"
    assert [(e.type, e.offset, e.length) for e in msg.entities] == [
        ("bold", 0, 2),
        ("bot_command", 8, 7),
    ]
    assert msg.reply_markup == KEYBOARD
    assert msg.from_user.id == bot.id and msg.chat.id == ZHANG
    status, body = await raw_call(
        sb, "sendMessage", chat_id=ZHANG, text="x", reply_markup=KEYBOARD.to_dict()
    )
    assert status == 200
    assert_shape("Message", body["result"])
    shown = await client.messages(ZHANG)
    assert shown[0]["html"].startswith("<b>问题</b> &lt;编号&gt;")
    assert shown[0]["source"] == "<b>问题</b> &lt;编号&gt; /status"
    assert shown[0]["keyboard"][0][1]["url"] == "https://t.me/x"


async def test_method_names_are_case_insensitive_and_unknown_is_404(sb: Sandbox) -> None:
    status, body = await raw_call(sb, "GETME")
    assert status == 200 and body["result"]["username"] == BOT_USERNAME
    status, body = await raw_call(sb, "sendMesage", chat_id=ZHANG, text="x")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_form_encoded_and_query_parameters(sb: Sandbox) -> None:
    markup = json.dumps({"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]})
    async with aiohttp.ClientSession() as session:
        url = f"{sb.api_base}{TOKEN}/sendMessage"
        form = {"chat_id": str(ZHANG), "text": "表单", "reply_markup": markup}
        async with session.post(url, data=form) as resp:
            body = await resp.json()
        assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "b"
        async with session.get(url, params={"chat_id": str(ZHANG), "text": "查询"}) as resp:
            assert (await resp.json())["result"]["text"] == "查询"


async def test_wrong_token_is_unauthorized(sb: Sandbox) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("1:wrong", base_url=sb.api_base):
            pass


async def test_unknown_and_missing_parameters(sb: Sandbox, bot: Bot) -> None:
    status, body = await raw_call(sb, "sendMessage", chat_id=ZHANG, text="x", colour="red")
    assert status == 400
    assert body["description"] == 'Bad Request: unknown parameter "colour" for method sendMessage'
    status, body = await raw_call(sb, "sendMessage", chat_id=ZHANG)
    assert body["description"] == "Bad Request: message text is empty"
    status, body = await raw_call(sb, "sendMessage", text="x")
    assert body["description"] == "Bad Request: chat_id is empty"
    with pytest.raises(BadRequest, match='Unknown parameter "bogus"'):
        await bot.send_message(ZHANG, "x", api_kwargs={"bogus": 1})
    status, body = await raw_call(
        sb,
        "sendMessage",
        chat_id=ZHANG,
        text="x",
        reply_markup={"inline_keyboard": [[{"text": "a", "callback": "b"}]]},
    )
    assert status == 400 and "callback: not a field of InlineKeyboardButton" in body["description"]


async def test_text_limits(bot: Bot) -> None:
    await bot.send_message(ZHANG, "长" * 4096)
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(ZHANG, "长" * 4097)
    # the limit counts text after entity parsing
    await bot.send_message(ZHANG, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(ZHANG, "😀" * 2049)  # 4098 UTF-16 units
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(ZHANG, "<b> </b>", parse_mode="HTML")


async def test_bad_html_is_rejected(bot: Bot) -> None:
    with pytest.raises(BadRequest, match='Can\'t parse entities: unsupported start tag "br"'):
        await bot.send_message(ZHANG, "a<br>b", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Can't parse entities: can't find end tag"):
        await bot.send_message(ZHANG, "<b>a", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(ZHANG, "研发 R&D 部", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(ZHANG, "1 < 2", parse_mode="HTML")
    # without parse_mode the same text is fine
    assert (await bot.send_message(ZHANG, "1 < 2 & 3")).text == "1 < 2 & 3"


async def test_button_data_limit(bot: Bot) -> None:
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="x" * 64)]])
    await bot.send_message(ZHANG, "ok", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="汉" * 22)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(ZHANG, "no", reply_markup=too_long)
    with pytest.raises(BadRequest, match="Button_url_invalid"):
        await bot.send_message(
            ZHANG,
            "no",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("a", url="ftp://x")]]),
        )


async def test_edit_and_delete(bot: Bot, client: SandboxClient) -> None:
    msg = await bot.send_message(ZHANG, "v1", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text(
        "<i>v2</i>", ZHANG, msg.message_id, parse_mode="HTML", reply_markup=KEYBOARD
    )
    assert edited.text == "v2" and edited.edit_date is not None
    with pytest.raises(BadRequest, match="Message is not modified: specified new message content"):
        await bot.edit_message_text(
            "<i>v2</i>", ZHANG, msg.message_id, parse_mode="HTML", reply_markup=KEYBOARD
        )
    # editing the text without reply_markup drops the keyboard, as in Telegram
    dropped = await bot.edit_message_text("<i>v2</i>", ZHANG, msg.message_id, parse_mode="HTML")
    assert dropped.reply_markup is None
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(ZHANG, msg.message_id)
    again = await bot.edit_message_reply_markup(ZHANG, msg.message_id, reply_markup=KEYBOARD)
    assert again.reply_markup == KEYBOARD
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", ZHANG, 999)
    user_msg = await client.send_text(ZHANG, None, "我的消息")
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", ZHANG, user_msg["message_id"])
    assert await bot.delete_message(ZHANG, msg.message_id) is True
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(ZHANG, msg.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", ZHANG, msg.message_id)
    assert [m["message_id"] for m in await client.messages(ZHANG)] == [user_msg["message_id"]]


async def test_chat_errors(bot: Bot, client: SandboxClient) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-999, "x")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(WANG, "x")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat(WANG)
    await client.block_bot(LI)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(LI, "x")
    await client.unblock_bot(LI)
    await bot.send_message(LI, "又能发了")
    await client.remove_bot(GROUP, by=ZHANG)
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await bot.send_message(GROUP, "x")
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(ZHANG, "x", reply_parameters=ReplyParameters(12345))
    sent = await bot.send_message(
        ZHANG, "x", reply_parameters=ReplyParameters(12345, allow_sending_without_reply=True)
    )
    assert sent.reply_to_message is None


async def test_migrated_group(bot: Bot, client: SandboxClient) -> None:
    new = await client.migrate(GROUP)
    assert str(new["id"]).startswith("-100")
    with pytest.raises(ChatMigrated) as err:
        await bot.send_message(GROUP, "x")
    assert err.value.new_chat_id == new["id"]
    sent = await bot.send_message(new["id"], "到新群")
    assert sent.chat.type == "supergroup"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limit_answers_retry_after(bot: Bot, client: SandboxClient) -> None:
    await client.configure(rate_limits={"group_per_minute": 3})
    for i in range(3):
        await bot.send_message(GROUP, f"第{i}条")
    with pytest.raises(RetryAfter) as err:
        await bot.send_message(GROUP, "第4条")
    assert 55 <= seconds(err.value) <= 60
    await bot.send_message(ZHANG, "private chats are not limited per minute")
    await client.configure(rate_limits={"global_per_second": 1, "group_per_minute": None})
    with pytest.raises(RetryAfter):
        for _ in range(3):
            await bot.send_message(ZHANG, "快")


async def test_commands_by_scope(bot: Bot, client: SandboxClient) -> None:
    await bot.set_my_commands([BotCommand("report", "报告问题"), BotCommand("help", "帮助")])
    await bot.set_my_commands([BotCommand("triage", "分办")], scope=BotCommandScopeChat(GROUP))
    assert [c.command for c in await bot.get_my_commands()] == ["report", "help"]
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(GROUP))] == [
        "triage"
    ]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Report", "大写")])
    assert await bot.delete_my_commands() is True
    assert await bot.get_my_commands() == ()
    assert len(await client.commands()) == 1


async def test_chat_and_members(bot: Bot, sb: Sandbox) -> None:
    chat = await bot.get_chat(GROUP)
    assert chat.title == "汽车产业链联络群" and chat.type == "group"
    _, body = await raw_call(sb, "getChat", chat_id=GROUP)
    assert_shape("ChatFullInfo", body["result"])
    private = await bot.get_chat(ZHANG)
    assert private.first_name == "张三" and private.username == "zhangsan"
    assert (await bot.get_chat_member(GROUP, ZHANG)).status == "creator"
    assert (await bot.get_chat_member(GROUP, LI)).status == "member"
    assert (await bot.get_chat_member(GROUP, STRANGER)).status == "left"
    assert (await bot.get_chat_member(GROUP, bot.id)).status == "member"
    for user in (ZHANG, LI, STRANGER, bot.id):
        _, body = await raw_call(sb, "getChatMember", chat_id=GROUP, user_id=user)
        assert_shape("ChatMember", body["result"])
    admins = await bot.get_chat_administrators(GROUP)
    assert [a.user.id for a in admins] == [ZHANG]
    assert await bot.get_chat_member_count(GROUP) == 4
    with pytest.raises(BadRequest, match="User not found"):
        await bot.get_chat_member(GROUP, 777)
    assert await bot.send_chat_action(GROUP, "typing") is True
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(GROUP, "dancing")
    assert await bot.leave_chat(GROUP) is True
    with pytest.raises(Forbidden, match="bot is not a member of the group chat"):
        await bot.send_message(GROUP, "x")


async def test_webhook_close_logout(bot: Bot) -> None:
    assert await bot.delete_webhook() is True
    with pytest.raises(BadRequest, match="through getupdates only"):
        await bot.set_webhook("https://example.org/hook")
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0
    assert await bot.close() is True
    assert await bot.log_out() is True


async def test_document_upload_get_file_download(
    bot: Bot, sb: Sandbox, client: SandboxClient
) -> None:
    content = "序号,企业\n1,某汽车零部件公司\n".encode()
    msg = await bot.send_document(
        ZHANG,
        content,
        filename="台账.csv",
        caption="<b>日调度</b>",
        parse_mode="HTML",
        reply_markup=KEYBOARD,
    )
    assert msg.reply_markup == KEYBOARD  # nested JSON inside a multipart form
    assert msg.document.file_name == "台账.csv"
    assert msg.document.file_size == len(content)
    assert msg.caption == "日调度" and msg.caption_entities[0].type == "bold"
    tg_file = await bot.get_file(msg.document.file_id)
    assert tg_file.file_path == f"{sb.file_base}{TOKEN}/documents/file_1.csv"
    assert bytes(await tg_file.download_as_bytearray()) == content
    # the same file id can be sent again
    again = await bot.send_document(LI, msg.document.file_id)
    assert again.document.file_unique_id == msg.document.file_unique_id
    shown = (await client.messages(ZHANG))[-1]
    assert await client.download(shown["document"]["file_id"]) == content
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_document(ZHANG, "nope")


PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def test_photo_and_user_document(bot: Bot, client: SandboxClient) -> None:
    msg = await bot.send_photo(ZHANG, PNG_1x1, caption="图")
    assert (msg.photo[-1].width, msg.photo[-1].height) == (1, 1)
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(ZHANG, b"not an image")
    sent = await client.send_document(ZHANG, None, "营业执照.pdf", b"%PDF-1.4 test", caption="附件")
    updates = await bot.get_updates()
    doc = updates[-1].message.document
    assert doc.file_name == "营业执照.pdf" and doc.mime_type == "application/pdf"
    assert updates[-1].message.message_id == sent["message_id"]
    assert (
        bytes(await (await bot.get_file(doc.file_id)).download_as_bytearray()) == b"%PDF-1.4 test"
    )
