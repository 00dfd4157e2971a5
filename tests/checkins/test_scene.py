"""The sandbox scene carries a few rounds of check-ins, so `make run` shows a real picture."""

from __future__ import annotations

from liaisonbot.read import checkins as views
from liaisonbot.sandbox.scene import seed_database
from liaisonbot.store import Database
from tests.support.world import NOW


async def test_scene_has_three_rounds_and_a_shortfall_list(db: Database) -> None:
    await seed_database(db, NOW)
    await seed_database(db, NOW)  # idempotent
    assert len(await views.rounds(db)) == 3
    picture = await views.picture(db, region_prefix="35")
    assert picture is not None and picture.previous is not None
    assert picture.total.expected == 4 and picture.total.missing == 0
    shortfalls = await views.shortfalls(db, picture.round_date, items=picture.entries)
    assert shortfalls is not None
    assert [s.name for s in shortfalls.below] == ["闽江精密部件有限公司", "榕城电子科技有限公司"]
