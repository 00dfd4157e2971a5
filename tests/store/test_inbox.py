"""The inbox keeps fetched updates until handled; a handled id is known; old rows are pruned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from liaisonbot.store import Database
from liaisonbot.store.inbox import KEEP_HANDLED_FOR, Inbox

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def _update(update_id: int, text: str = "hi") -> dict[str, object]:
    return {"update_id": update_id, "message": {"message_id": 1, "text": text}}


async def test_kept_updates_come_back_in_order_until_handled(db: Database) -> None:
    inbox = Inbox(db)
    await inbox.keep([_update(12, "第二"), _update(11, "第一")], NOW)
    await inbox.keep([_update(11, "again")], NOW)  # delivered twice: kept once, as first seen

    assert [u["update_id"] for u in await inbox.unhandled()] == [11, 12]
    assert (await inbox.unhandled())[0]["message"]["text"] == "第一"

    await inbox.mark_handled(11, NOW)
    assert await inbox.is_handled(11)
    assert not await inbox.is_handled(12)
    assert [u["update_id"] for u in await inbox.unhandled()] == [12]
    assert await inbox.highest_handled() == 11


async def test_an_update_handled_without_the_fetch_is_recorded(db: Database) -> None:
    inbox = Inbox(db)
    await inbox.mark_handled(40, NOW)
    assert await inbox.is_handled(40)
    assert await inbox.unhandled() == []


async def test_prune_forgets_handled_rows_only(db: Database) -> None:
    inbox = Inbox(db)
    await inbox.keep([_update(1), _update(2)], NOW)
    await inbox.mark_handled(1, NOW)
    removed = await inbox.prune(NOW + KEEP_HANDLED_FOR + timedelta(minutes=1))
    assert removed == 1
    assert [u["update_id"] for u in await inbox.unhandled()] == [2]
