"""The sandbox by default accepts what Telegram accepts, for any bot library: unknown parameters
and fields are ignored (and warned about in the call log), plain strings are reply-keyboard
buttons, MarkdownV2 and Markdown are rendered. The strict switch refuses the unknown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from liaisonbot.sandbox import Sandbox, SandboxClient, running_sandbox
from tests.sandbox.conftest import BOT_USERNAME, SEED, TOKEN, ZHANG


@pytest.fixture
async def lenient() -> AsyncIterator[Sandbox]:
    async with running_sandbox(
        token=TOKEN, bot_username=BOT_USERNAME, seed=SEED, strict=False
    ) as sandbox:
        yield sandbox


async def call(sb: Sandbox, method: str, **params: Any) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sb.api_base}{TOKEN}/{method}", json=params) as resp,
    ):
        return await resp.json()  # type: ignore[no-any-return]


async def upload(sb: Sandbox, **fields: str) -> dict[str, Any]:
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    form.add_field("document", b"hello", filename="a.txt", content_type="text/plain")
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sb.api_base}{TOKEN}/sendDocument", data=form) as resp,
    ):
        return await resp.json()  # type: ignore[no-any-return]


async def last_call(sb: Sandbox, method: str) -> dict[str, Any]:
    async with SandboxClient(sb.base_url) as client:
        return (await client.calls(method))[-1]


async def test_telegraf_keyboards_and_uploads_are_accepted_with_warnings(
    lenient: Sandbox,
) -> None:
    button = {"text": "受理", "callback_data": "acc:1", "hide": False}
    body = await call(
        lenient,
        "sendMessage",
        chat_id=ZHANG,
        text="hi",
        reply_markup={"inline_keyboard": [[button]]},
        colour="red",
    )
    assert body["ok"], body
    warnings = (await last_call(lenient, "sendMessage"))["warnings"]
    assert any('"colour"' in w for w in warnings)
    assert any("hide" in w for w in warnings)

    body = await upload(lenient, chat_id=str(ZHANG), method="sendDocument")
    assert body["ok"], body
    assert any('"method"' in w for w in (await last_call(lenient, "sendDocument"))["warnings"])


async def test_plain_strings_are_reply_keyboard_buttons(lenient: Sandbox) -> None:
    body = await call(
        lenient,
        "sendMessage",
        chat_id=ZHANG,
        text="选择",
        reply_markup={"keyboard": [["是", "否"]]},
    )
    assert body["ok"], body
    async with SandboxClient(lenient.base_url) as client:
        shown = (await client.messages(ZHANG))[-1]
    assert shown["reply_keyboard"] == [[{"text": "是"}, {"text": "否"}]]


async def test_markdown_v2_is_rendered(lenient: Sandbox) -> None:
    body = await call(
        lenient,
        "sendMessage",
        chat_id=ZHANG,
        text=r"*问题 1* _已受理_ `LOG` [详情](https://example.org) 时限 12\.07",
        parse_mode="MarkdownV2",
    )
    assert body["ok"], body
    result = body["result"]
    assert result["text"] == "问题 1 已受理 LOG 详情 时限 12.07"
    kinds = {e["type"] for e in result["entities"]}
    assert {"bold", "italic", "code", "text_link"} <= kinds

    refused = await call(
        lenient, "sendMessage", chat_id=ZHANG, text="12.07", parse_mode="MarkdownV2"
    )
    assert not refused["ok"] and "reserved" in refused["description"]


async def test_legacy_markdown_is_rendered(lenient: Sandbox) -> None:
    body = await call(
        lenient, "sendMessage", chat_id=ZHANG, text="*粗体* 和 _斜体_ 1.5", parse_mode="Markdown"
    )
    assert body["ok"], body
    assert body["result"]["text"] == "粗体 和 斜体 1.5"
    assert {e["type"] for e in body["result"]["entities"]} == {"bold", "italic"}


async def test_the_strict_switch_refuses_the_unknown(sb: Sandbox) -> None:
    body = await call(sb, "sendMessage", chat_id=ZHANG, text="hi", colour="red")
    assert not body["ok"] and "unknown parameter" in body["description"]
    async with SandboxClient(sb.base_url) as client:
        await client.configure(strict=False)
        assert (await call(sb, "sendMessage", chat_id=ZHANG, text="hi", colour="red"))["ok"]


async def test_the_page_learns_the_bots_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISONBOT_TZ", "Europe/Berlin")
    async with (
        running_sandbox(token=TOKEN, bot_username=BOT_USERNAME, seed=SEED) as sb,
        SandboxClient(sb.base_url) as client,
    ):
        assert (await client.state())["time_zone"] == "Europe/Berlin"
