"""Updates of one chat are handled in order; a chat that waits does not hold up the others."""

from __future__ import annotations

import asyncio

from telegram import Bot

from handlers.update_order import PerChatUpdateProcessor, order_key
from tests.support.fake_telegram import RecordingRequest
from tests.support.updates import Person, UpdateFactory

ALICE = Person(11, "Alice")
BOB = Person(12, "Bob")


async def test_a_waiting_chat_does_not_hold_up_another() -> None:
    updates = UpdateFactory(Bot("1:X", request=RecordingRequest()))
    processor = PerChatUpdateProcessor()
    release_alice = asyncio.Event()
    done: list[str] = []

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        if wait is not None:
            await wait.wait()
        done.append(name)

    alice_1 = asyncio.create_task(
        processor.process_update(updates.text(ALICE, "1"), handle("alice 1", release_alice))
    )
    alice_2 = asyncio.create_task(
        processor.process_update(updates.text(ALICE, "2"), handle("alice 2"))
    )
    bob = asyncio.create_task(processor.process_update(updates.text(BOB, "1"), handle("bob")))
    await asyncio.wait_for(bob, 1)
    assert done == ["bob"]  # Alice's first update still waits; her second waits behind it
    release_alice.set()
    await asyncio.wait_for(asyncio.gather(alice_1, alice_2), 1)
    assert done == ["bob", "alice 1", "alice 2"]
    assert processor._locks == {}  # nothing kept for chats with nothing in flight


def test_updates_are_keyed_by_chat() -> None:
    updates = UpdateFactory(Bot("1:X", request=RecordingRequest()))
    assert order_key(updates.text(ALICE, "/report", chat_id=-100)) == -100
    assert order_key(updates.text(ALICE, "hi")) == ALICE.id
    assert order_key(object()) is None
