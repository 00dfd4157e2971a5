"""Updates: getUpdates semantics, privacy mode, membership changes, redelivery, polling with a
real PTB Application."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Conflict, TimedOut
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from liaisonbot.sandbox import Sandbox, SandboxClient
from tests.sandbox.conftest import BOT_USERNAME, GROUP, LI, WANG, ZHANG, assert_shape, make_bot


async def texts(bot: Bot, **kwargs: object) -> list[str | None]:
    updates = await bot.get_updates(**kwargs)
    return [u.effective_message.text if u.effective_message else None for u in updates]


async def test_offset_confirms(bot: Bot, client: SandboxClient) -> None:
    for text in ("一", "二", "三"):
        await client.send_text(ZHANG, None, text)
    first = await bot.get_updates()
    assert [u.message.text for u in first] == ["一", "二", "三"]
    assert [u.update_id for u in first] == list(range(first[0].update_id, first[0].update_id + 3))
    # not confirmed yet: delivered again
    assert [u.update_id for u in await bot.get_updates()] == [u.update_id for u in first]
    assert await texts(bot, offset=first[1].update_id) == ["二", "三"]
    assert await texts(bot, limit=1) == ["二"]
    assert await texts(bot, offset=first[2].update_id + 1) == []
    await client.send_text(ZHANG, None, "四")
    assert await texts(bot) == ["四"]
    await client.send_text(ZHANG, None, "五")
    assert await texts(bot, offset=-1) == ["五"]


async def test_update_shapes(bot: Bot, sb: Sandbox, client: SandboxClient) -> None:
    await client.send_text(ZHANG, None, "/start abc")
    await client.remove_bot(GROUP, by=ZHANG)
    for entry in await client.updates():
        assert_shape("Update", entry["update"])


async def test_long_poll_returns_when_an_update_arrives(bot: Bot, client: SandboxClient) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=0) == ()
    assert time.monotonic() - started < 0.5

    async def later() -> None:
        await asyncio.sleep(0.2)
        await client.send_text(ZHANG, None, "来了")

    task = asyncio.create_task(later())
    started = time.monotonic()
    updates = await bot.get_updates(timeout=3)
    elapsed = time.monotonic() - started
    await task
    assert [u.message.text for u in updates] == ["来了"]
    assert 0.15 < elapsed < 2
    started = time.monotonic()
    await bot.get_updates(offset=updates[0].update_id + 1, timeout=1)
    assert 0.9 < time.monotonic() - started < 2


async def test_second_poller_conflicts_the_first(sb: Sandbox, bot: Bot) -> None:
    async with make_bot(sb) as other:
        first = asyncio.create_task(bot.get_updates(timeout=3))
        await asyncio.sleep(0.1)
        second = asyncio.create_task(other.get_updates(timeout=0))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first
        assert await second == ()


async def test_allowed_updates_are_sticky(bot: Bot, client: SandboxClient) -> None:
    await bot.get_updates(allowed_updates=["callback_query"])
    await client.send_text(ZHANG, None, "不要")  # created while only callback_query is allowed
    assert await bot.get_updates() == ()  # still callback_query only: the setting is sticky
    await bot.get_updates(allowed_updates=["message", "chat_member"])
    await client.send_text(ZHANG, None, "要")
    await client.set_member(GROUP, ZHANG, "member")  # no-op, already there as creator? no
    assert await texts(bot) == ["要"]
    await bot.get_updates(allowed_updates=[])  # Telegram's default again
    await client.send_text(ZHANG, None, "默认")
    assert await texts(bot) == ["要", "默认"]
    log = await client.updates()
    assert [e["queued"] for e in log if e["type"] == "message"] == [False, True, True]


async def test_privacy_mode_in_groups(bot: Bot, client: SandboxClient) -> None:
    bot_msg = await bot.send_message(GROUP, "请回复本消息")
    await client.send_text(LI, GROUP, "大家好")  # plain chatter: not delivered
    await client.send_text(LI, GROUP, "/report")  # command without a target
    await client.send_text(LI, GROUP, f"/report@{BOT_USERNAME}")  # command for us
    await client.send_text(LI, GROUP, "/report@other_bot")  # command for another bot
    await client.send_text(LI, GROUP, f"请 @{BOT_USERNAME} 处理")  # mention
    await client.send_text(WANG, GROUP, "回复", reply_to=bot_msg.message_id)  # reply to the bot
    await client.send_text(WANG, GROUP, "看 /report")  # command not at the start
    got = await texts(bot)
    assert got == ["/report", f"/report@{BOT_USERNAME}", f"请 @{BOT_USERNAME} 处理", "回复"]
    shown = await client.messages(GROUP)
    assert [m["visible_to_bot"] for m in shown if not m["from_bot"]] == [
        False, True, True, False, True, True, False,
    ]  # fmt: skip
    seen = (await bot.get_updates())[-1].update_id
    await client.configure(privacy=False)
    await client.send_text(LI, GROUP, "隐私关闭后都能收到")
    last = await bot.get_updates(offset=seen + 1)
    assert [u.message.text for u in last] == ["隐私关闭后都能收到"]
    assert (await bot.get_me()).can_read_all_group_messages is True


async def test_user_edit_emits_edited_message(bot: Bot, client: SandboxClient) -> None:
    sent = await client.send_text(ZHANG, None, "/report 原文")
    edited = await client.edit_text(ZHANG, None, sent["message_id"], "/report 改过")
    assert edited["edit_date"] is not None
    updates = await bot.get_updates()
    assert updates[0].message.text == "/report 原文"
    assert updates[1].edited_message.text == "/report 改过"
    assert updates[1].edited_message.message_id == sent["message_id"]


async def test_membership_updates(bot: Bot, client: SandboxClient) -> None:
    await bot.get_updates(allowed_updates=["message", "my_chat_member", "chat_member"])
    await client.remove_bot(GROUP, by=ZHANG)
    await client.add_bot_to_group(GROUP, by=ZHANG, status="administrator")
    await client.set_member(GROUP, ZHANG + 100 if False else WANG, "left")
    await client.block_bot(LI)
    updates = await bot.get_updates()
    kinds = [(u.effective_chat.id, type_of(u)) for u in updates]
    assert kinds == [
        (GROUP, "my_chat_member"),
        (GROUP, "my_chat_member"),
        (GROUP, "message"),
        (GROUP, "message"),
        (GROUP, "chat_member"),
        (LI, "my_chat_member"),
    ]
    removed, added, joined, left, member, blocked = updates
    assert removed.my_chat_member.new_chat_member.status == "kicked"
    assert removed.my_chat_member.from_user.id == ZHANG
    assert added.my_chat_member.old_chat_member.status == "kicked"
    assert added.my_chat_member.new_chat_member.status == "administrator"
    assert [u.id for u in joined.message.new_chat_members] == [bot.id]
    assert left.message.left_chat_member.id == WANG
    assert member.chat_member.new_chat_member.status == "left"
    assert blocked.my_chat_member.new_chat_member.status == "kicked"
    assert blocked.my_chat_member.chat.type == "private"


def type_of(update: Update) -> str:
    for kind in ("message", "edited_message", "callback_query", "my_chat_member", "chat_member"):
        if getattr(update, kind) is not None:
            return kind
    return "?"


async def test_migration_updates(bot: Bot, client: SandboxClient) -> None:
    new = await client.migrate(GROUP)
    old_msg, new_msg = (u.message for u in await bot.get_updates())
    assert old_msg.chat.id == GROUP and old_msg.migrate_to_chat_id == new["id"]
    assert new_msg.chat.id == new["id"] and new_msg.migrate_from_chat_id == GROUP
    assert new_msg.chat.type == "supergroup"
    await client.send_text(LI, new["id"], "/status")
    assert (await bot.get_updates())[-1].message.chat.id == new["id"]


async def test_deliver_twice(bot: Bot, client: SandboxClient) -> None:
    await client.send_text(ZHANG, None, "/report 一次")
    (first,) = await bot.get_updates()
    assert await bot.get_updates(offset=first.update_id + 1) == ()
    await client.deliver_twice(first.update_id)
    await client.send_text(ZHANG, None, "后来的")
    again = await bot.get_updates(offset=first.update_id + 1)
    assert again[0].update_id == first.update_id
    assert again[0].message.text == "/report 一次"
    assert again[1].message.text == "后来的"
    assert await bot.get_updates(offset=again[1].update_id + 1) == ()


async def test_timeout_fault_surfaces_as_timed_out(sb: Sandbox, client: SandboxClient) -> None:
    async with make_bot(sb, read_timeout=0.3) as short:
        await client.inject_fault("timeout", method="sendMessage", delay=5)
        with pytest.raises(TimedOut):
            await short.send_message(ZHANG, "丢了")
        # the fault was used up and the message did not arrive
        assert (await short.send_message(ZHANG, "好了")).text == "好了"
        assert [m["text"] for m in await client.messages(ZHANG)] == ["好了"]
        # execute=True: the answer is lost but the message is still sent (retry => duplicate)
        await client.inject_fault("timeout", method="sendMessage", delay=0.5, execute=True)
        with pytest.raises(TimedOut):
            await short.send_message(ZHANG, "答复丢了")
        late = await client.wait_for_bot_message(ZHANG, after=1, timeout=2)
        assert late["text"] == "答复丢了"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_faults_by_method_and_chat(bot: Bot, client: SandboxClient) -> None:
    from telegram.error import Forbidden, NetworkError, RetryAfter

    await client.inject_fault("retry_after", method="sendmessage", count=2, retry_after=7)
    for _ in range(2):
        with pytest.raises(RetryAfter, match="Retry in 7 seconds"):
            await bot.send_message(ZHANG, "x")
    await bot.send_message(ZHANG, "第三次成功")
    await client.inject_fault("blocked", chat_id=LI, count=None)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(LI, "x")
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_chat_action(LI, "typing")
    await bot.send_message(ZHANG, "其他聊天不受影响")
    await client.clear_faults()
    await bot.send_message(LI, "清除后正常")
    await client.inject_fault("kicked", chat_id=GROUP)
    with pytest.raises(Forbidden, match="kicked"):
        await bot.send_message(GROUP, "x")
    await client.inject_fault("error", method="getMe", error_code=502, description="Bad Gateway")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()
    failed = [c for c in await client.calls() if not c["ok"]]
    assert [c["status"] for c in failed] == [429, 429, 403, 403, 403, 502]


async def test_application_polling_round_trip(sb: Sandbox, client: SandboxClient) -> None:
    """A real PTB Application: /start -> reply with a keyboard -> press -> answer + edit."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("受理 #12", callback_data="acc:12")]]
        )
        payload = " ".join(context.args)
        await update.message.reply_html(
            f"<b>欢迎</b> {payload}", reply_markup=keyboard, do_quote=True
        )

    async def accept(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer("已受理", show_alert=True)
        await query.edit_message_text(f"已受理（{query.from_user.first_name}）")

    app = (
        Application.builder()
        .token(sb.token)
        .base_url(sb.api_base)
        .base_file_url(sb.file_base)
        .build()
    )
    app.add_handler(CommandHandler("start", start, filters=filters.UpdateType.MESSAGE))
    app.add_handler(CallbackQueryHandler(accept, pattern=r"^acc:"))
    async with app:
        await app.start()
        await app.updater.start_polling(
            poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        try:
            sent = await client.send_text(ZHANG, None, "/start inv-42")
            reply = await client.wait_for_bot_message(ZHANG, after=sent["message_id"], timeout=5)
            assert reply["text"] == "欢迎 inv-42"
            assert reply["html"].startswith("<b>欢迎</b>")
            assert reply["reply_to_message_id"] == sent["message_id"]
            pressed = await client.press(ZHANG, None, reply["message_id"], callback_data="acc:12")
            answer = await client.callback_answer(pressed["callback_query_id"], timeout=5)
            assert answer["answer"]["text"] == "已受理" and answer["answer"]["show_alert"] is True
            edited = await client.wait_for_edit(ZHANG, reply["message_id"], pressed["seq"])
            assert edited["text"] == "已受理（张三）"
            assert edited["keyboard"] is None
        finally:
            await app.updater.stop()
            await app.stop()
    methods = [c["method"] for c in await client.calls()]
    assert methods[:2] == ["getMe", "deleteWebhook"]
    assert {"sendMessage", "answerCallbackQuery", "editMessageText"} <= set(methods)
