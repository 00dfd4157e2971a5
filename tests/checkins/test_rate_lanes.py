"""The two-lane rate limiter: an interactive request overtakes queued bulk ones, the group limit
holds, and RetryAfter pauses and retries."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from telegram.error import RetryAfter

from handlers.rate_lanes import LaneRateLimiter


def _recorder(order: list[str]) -> Any:
    async def call(name: str) -> bool:
        order.append(name)
        return True

    return call


async def _send(limiter: LaneRateLimiter, call: Any, name: str, chat: int, lane: str | None):
    return await limiter.process_request(
        call, (name,), {}, "sendMessage", {"chat_id": chat}, {"lane": lane} if lane else None
    )


async def test_an_acknowledgement_overtakes_queued_bulk_sends() -> None:
    limiter = LaneRateLimiter(per_second=20)  # 50 ms apart
    order: list[str] = []
    call = _recorder(order)
    bulk = [
        asyncio.create_task(_send(limiter, call, f"bulk{i}", 1000 + i, "bulk")) for i in range(10)
    ]
    await asyncio.sleep(0.12)  # a few bulk sends went; the rest queue behind the pace
    ack = asyncio.create_task(_send(limiter, call, "ack", 5001, None))
    await asyncio.gather(ack, *bulk)
    position = order.index("ack")
    assert position <= 4, order  # next slot, not after the 10 queued bulk sends
    assert len(order) == 11


async def test_group_limit_per_minute() -> None:
    offset = [0.0]
    limiter = LaneRateLimiter(
        per_second=1000, group_per_minute=3, clock=lambda: time.monotonic() + offset[0]
    )
    order: list[str] = []
    call = _recorder(order)
    for i in range(3):
        await _send(limiter, call, f"g{i}", -100, None)
    blocked = asyncio.create_task(_send(limiter, call, "g3", -100, None))
    await asyncio.sleep(0.01)
    assert "g3" not in order
    await _send(limiter, call, "private", 42, "bulk")  # another chat is not held up
    assert order[-1] == "private"
    offset[0] = 61.0
    await asyncio.wait_for(blocked, 2)
    assert order[-1] == "g3"


async def test_retry_after_pauses_and_retries() -> None:
    limiter = LaneRateLimiter(per_second=1000, max_retries=2)
    calls: list[int] = []

    async def flaky() -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise RetryAfter(0.05)  # type: ignore[arg-type]
        return True

    assert await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert len(calls) == 2

    async def always() -> bool:
        raise RetryAfter(0.01)  # type: ignore[arg-type]

    with pytest.raises(RetryAfter):
        await limiter.process_request(always, (), {}, "sendMessage", {"chat_id": 1}, None)
