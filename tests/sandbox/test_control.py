"""The control API, the client, seeding, the page, and response shapes against the spec."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from liaisonbot.sandbox import (
    Sandbox,
    SandboxClient,
    SandboxError,
    SandboxTimeout,
    SandboxWorld,
    running_sandbox,
)
from liaisonbot.sandbox.server import DEMO_SEED, parse_args, serve
from liaisonbot.sandbox.spec import SPEC_PATH
from tests.sandbox.conftest import BOT_USERNAME, GROUP, LI, STRANGER, WANG, ZHANG, make_bot


async def test_deep_link_button_opens_private_chat_with_start(
    bot: Bot, client: SandboxClient
) -> None:
    link = f"https://t.me/{BOT_USERNAME}?start=join_abc-123"
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("去私聊填写", url=link)]])
    group_msg = await bot.send_message(GROUP, "请私聊我填写", reply_markup=markup)
    # WANG never opened the private chat; the link does it, as in Telegram
    result = await client.press(WANG, GROUP, group_msg.message_id, text="去私聊填写")
    assert result["kind"] == "deep_link" and result["chat_id"] == WANG
    (update,) = await bot.get_updates()
    assert update.message.text == "/start join_abc-123"
    assert update.message.chat.type == "private"
    assert update.message.entities[0].type == "bot_command"
    assert update.message.entities[0].length == len("/start")
    await bot.send_message(WANG, "现在可以私聊了")
    other = await client.press(WANG, GROUP, group_msg.message_id, text="去私聊填写")
    assert other["message_id"] > result["message_id"]
    with pytest.raises(SandboxError, match="invalid start payload"):
        await client.open_deep_link(LI, f"https://t.me/{BOT_USERNAME}?start=有空格 的")
    with pytest.raises(SandboxError, match="not a link to"):
        await client.open_deep_link(LI, "https://t.me/another_bot?start=x")


async def test_callback_answer_once_and_in_time(
    bot: Bot, sb: Sandbox, client: SandboxClient
) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="ok")]])
    msg = await bot.send_message(ZHANG, "确认？", reply_markup=markup)
    pressed = await client.press(ZHANG, None, msg.message_id, callback_data="ok")
    (update,) = await bot.get_updates()
    query = update.callback_query
    assert query.id == pressed["callback_query_id"]
    assert query.data == "ok" and query.message.message_id == msg.message_id
    assert query.from_user.id == ZHANG
    not_yet = await client.callback_answer(query.id, timeout=0)
    assert not_yet["answered"] is False
    assert await bot.answer_callback_query(query.id, "好的") is True
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query.id, "又一次")
    assert (await client.callback_answer(query.id))["answer"]["text"] == "好的"
    sb.world.callback_answer_timeout = 0.0
    late = await client.press(ZHANG, None, msg.message_id, callback_data="ok")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(late["callback_query_id"])
    with pytest.raises(SandboxError, match="no such button"):
        await client.press(ZHANG, None, msg.message_id, callback_data="nope")


async def test_wait_for_bot_message(bot: Bot, client: SandboxClient) -> None:
    with pytest.raises(SandboxTimeout):
        await client.wait_for_bot_message(ZHANG, timeout=0.1)
    sent = await client.send_text(ZHANG, None, "hi")
    await bot.send_message(ZHANG, "回答")
    reply = await client.wait_for_bot_message(ZHANG, after=sent["message_id"], timeout=1)
    assert reply["text"] == "回答" and reply["from_bot"] is True
    result = await client.wait(ZHANG, after=reply["message_id"], timeout=0.05)
    assert result["timed_out"] is True and result["messages"] == []


async def test_user_document_multipart_and_messages_view(
    sb: Sandbox, bot: Bot, client: SandboxClient
) -> None:
    form = aiohttp.FormData()
    form.add_field("user_id", str(LI))
    form.add_field("chat_id", str(GROUP))
    form.add_field("caption", f"@{BOT_USERNAME} 材料")
    form.add_field("file", b"a,b\n1,2\n", filename="清单.csv", content_type="text/csv")
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sb.base_url}/control/document", data=form) as resp,
    ):
        body = await resp.json()
    assert body["ok"], body
    shown = body["result"]
    assert shown["document"]["file_name"] == "清单.csv"
    assert shown["visible_to_bot"] is True  # the caption mentions the bot
    (update,) = await bot.get_updates()
    assert update.message.document.mime_type == "text/csv"
    assert update.message.caption_entities[0].type == "mention"
    async with (
        aiohttp.ClientSession() as session,
        session.get(sb.base_url + shown["document"]["download_url"]) as resp,
    ):
        assert await resp.read() == b"a,b\n1,2\n"
        assert "filename*=UTF-8''%E6%B8%85%E5%8D%95.csv" in resp.headers["Content-Disposition"]


async def test_control_errors_are_explicit(client: SandboxClient) -> None:
    with pytest.raises(SandboxError, match="not a member"):
        await client.send_text(STRANGER, GROUP, "我不在群里")
    with pytest.raises(SandboxError, match="no user 424242"):
        await client.send_text(424242, None, "谁")
    with pytest.raises(SandboxError, match="missing field 'text'"):
        await client.request("POST", "send", json={"user_id": ZHANG})
    with pytest.raises(SandboxError, match="unknown fault kind"):
        await client.inject_fault("explode")


async def test_world_building_through_the_client(bot: Bot, client: SandboxClient) -> None:
    user = await client.add_user("赵六", username="zhaoliu", label="联络员", started=True)
    assert "label" not in user  # Bot API shape only
    assert (await bot.get_chat_member(user["id"], user["id"])).user.first_name == "赵六"
    group = await client.add_group("电子信息产业链群", type="supergroup", creator=user["id"])
    assert str(group["id"]).startswith("-100")
    assert group["bot_status"] == "member"
    await client.set_member(group["id"], ZHANG, by=user["id"])
    (update,) = await bot.get_updates()
    assert update.message.new_chat_members[0].id == ZHANG
    assert update.message.from_user.id == user["id"]
    chats = await client.request("GET", "chats", params={"user_id": ZHANG})
    assert {c["id"] for c in chats} == {ZHANG, GROUP, group["id"]}
    state = await client.state()
    assert state["bot"]["username"] == BOT_USERNAME
    assert {u["id"]: u["label"] for u in state["users"]}[user["id"]] == "联络员"
    assert state["pending_updates"] == 1


async def test_call_log(bot: Bot, client: SandboxClient) -> None:
    await bot.send_message(ZHANG, "一")
    with pytest.raises(BadRequest):
        await bot.send_message(-1, "二")
    await bot.get_updates()
    calls = await client.calls()
    assert [c["method"] for c in calls] == ["getMe", "sendMessage", "sendMessage"]
    assert calls[1]["params"] == {"chat_id": ZHANG, "text": "一"}
    assert calls[1]["result"]["text"] == "一"
    assert calls[2]["description"] == "Bad Request: chat not found"
    assert [c["method"] for c in await client.calls(include_polling=True)][-1] == "getUpdates"
    assert len(await client.calls(method="SENDMESSAGE", since=calls[1]["seq"])) == 1


async def test_reset_reseeds(bot: Bot, client: SandboxClient) -> None:
    await bot.send_message(ZHANG, "旧")
    await client.add_user("临时")
    await client.send_text(ZHANG, None, "重置前")
    (before,) = await bot.get_updates()
    await client.reset()
    # a bot still polling with its old offset sees the updates made after the reset
    await client.send_text(ZHANG, None, "重置后")
    (after,) = await bot.get_updates(offset=before.update_id + 1)
    assert after.update_id > before.update_id and after.message.text == "重置后"
    state = await client.state()
    assert sorted(u["id"] for u in state["users"]) == [ZHANG, LI, WANG, STRANGER]
    assert [m["text"] for m in await client.messages(ZHANG)] == ["重置后"]
    await client.reset(seed=False)
    assert (await client.state())["users"] == []


async def test_seed_from_json_file_and_callable(tmp_path: Path) -> None:
    seed_file = tmp_path / "scene.json"
    seed_file.write_text(
        json.dumps({"users": [{"id": 7, "first_name": "甲", "started": True}], "privacy": False}),
        encoding="utf-8",
    )
    async with running_sandbox(seed=str(seed_file)) as sb, make_bot(sb) as bot:
        assert (await bot.send_message(7, "你好")).chat.first_name == "甲"
        assert (await bot.get_me()).can_read_all_group_messages is True

    async def build(world: SandboxWorld) -> None:
        world.add_user("乙", id=8, started=True)
        world.add_group("群", id=-88, members=[8])

    async with running_sandbox(seed=build) as sb, make_bot(sb) as bot:
        assert (await bot.get_chat(-88)).title == "群"


async def test_page_and_static_files(sb: Sandbox) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(sb.base_url + "/") as resp:
            page = await resp.text()
            assert resp.status == 200
        assert 'lang="zh-CN"' in page
        for asset in ("app.js", "style.css"):
            async with session.get(f"{sb.base_url}/static/{asset}") as resp:
                assert resp.status == 200, asset


def test_spec_copy_and_licence() -> None:
    assert SPEC_PATH.name == "bot-api-10.1.json"
    assert json.loads(SPEC_PATH.read_text(encoding="utf-8"))["version"] == "Bot API 10.1"
    assert "MIT License" in SPEC_PATH.with_name("LICENSE-bot-api-spec").read_text()


async def test_every_logged_result_has_the_documented_shape(
    bot: Bot, client: SandboxClient
) -> None:
    """Drive many methods, then check each successful result against the spec's return type."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]])
    msg = await bot.send_message(ZHANG, "<b>x</b> #标签 https://e.org", parse_mode="HTML")
    await bot.edit_message_text("y", ZHANG, msg.message_id, reply_markup=markup)
    await bot.edit_message_reply_markup(ZHANG, msg.message_id)
    doc = await bot.send_document(ZHANG, b"abc", filename="a.txt", caption="c")
    await bot.get_file(doc.document.file_id)
    await bot.edit_message_caption(ZHANG, doc.message_id, caption="d")
    await client.send_text(ZHANG, None, "/start")
    reply = await client.send_text(LI, GROUP, f"@{BOT_USERNAME}")
    await bot.send_message(GROUP, "回复", reply_to_message_id=reply["message_id"])
    await bot.get_updates()
    await bot.get_chat(GROUP)
    await bot.get_chat_member(GROUP, LI)
    await bot.get_chat_administrators(GROUP)
    await bot.get_webhook_info()
    await bot.get_my_commands()
    await bot.delete_message(ZHANG, msg.message_id)
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    from liaisonbot.sandbox.spec import load_spec

    checker = load_spec()
    checked = 0
    for call in await client.calls(include_polling=True):
        if not call["ok"]:
            continue
        returns = spec["methods"][call["method"]]["returns"]
        result = call["result"]
        if call["method"] == "getUpdates":
            continue
        problems = [checker.check_shape(t, result) for t in returns]
        assert not all(problems), (call["method"], problems)
        checked += 1
    assert checked >= 14
    for entry in await client.updates():
        assert not checker.check_shape("Update", entry["update"]), entry


async def test_serve_reports_the_bound_port_and_stops_on_cancel() -> None:
    ready: asyncio.Queue[Sandbox] = asyncio.Queue()
    task = asyncio.create_task(serve(port=0, seed=DEMO_SEED, ready=ready.put_nowait))
    sb = await asyncio.wait_for(ready.get(), 5)
    assert sb.host == "127.0.0.1" and sb.port > 0
    assert sb.api_base == f"http://127.0.0.1:{sb.port}/bot"
    async with SandboxClient(sb.base_url) as control:
        assert len((await control.state())["users"]) == 3
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def test_command_line_defaults_to_loopback() -> None:
    args = parse_args([])
    assert (args.host, args.port, args.seed, args.demo) == ("127.0.0.1", 8081, None, False)
    assert parse_args(["--port", "0", "--demo"]).demo is True
