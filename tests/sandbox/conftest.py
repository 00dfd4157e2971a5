"""Fixtures: a sandbox server on a free 127.0.0.1 port, a PTB Bot pointed at it, and the
control-API client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from liaisonbot.sandbox import Sandbox, SandboxClient, running_sandbox
from liaisonbot.sandbox.spec import load_spec

TOKEN = "4242424242:TEST-sandbox-token"
BOT_USERNAME = "test_liaison_bot"
ZHANG, LI, WANG, STRANGER = 1001, 1002, 1003, 1004
GROUP = -4001
SEED: dict[str, Any] = {
    "users": [
        {"id": ZHANG, "first_name": "张三", "username": "zhangsan", "started": True},
        {"id": LI, "first_name": "李四", "started": True},
        {"id": WANG, "first_name": "王五"},
        {"id": STRANGER, "first_name": "路人", "started": True},
    ],
    "groups": [
        {
            "id": GROUP,
            "title": "汽车产业链联络群",
            "members": [LI, WANG],
            "creator": ZHANG,
            "bot": "member",
        }
    ],
}


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with running_sandbox(
        token=TOKEN, bot_username=BOT_USERNAME, seed=SEED, strict=True
    ) as sandbox:
        yield sandbox


def make_bot(sb: Sandbox, read_timeout: float = 5.0) -> Bot:
    request = HTTPXRequest(read_timeout=read_timeout, connect_timeout=2.0)
    return Bot(
        sb.token,
        base_url=sb.api_base,
        base_file_url=sb.file_base,
        request=request,
        get_updates_request=HTTPXRequest(read_timeout=read_timeout, connect_timeout=2.0),
    )


@pytest.fixture
async def bot(sb: Sandbox) -> AsyncIterator[Bot]:
    async with make_bot(sb) as ptb_bot:
        yield ptb_bot


@pytest.fixture
async def client(sb: Sandbox) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(sb.base_url) as control:
        yield control


def assert_shape(type_name: str, value: Any) -> None:
    """The value has exactly the Bot API shape of `type_name` (fields, types, required)."""
    problems = load_spec().check_shape(type_name, value)
    assert not problems, problems
