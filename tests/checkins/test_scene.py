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


async def test_digest_shows_the_check_in_section(db: Database) -> None:
    from zoneinfo import ZoneInfo

    from handlers.digest.render import render_digest
    from liaisonbot.read.digest import DigestScope, build_digest
    from liaisonbot.read.digest.scope import digest_period

    zone = ZoneInfo("Asia/Shanghai")
    await seed_database(db, NOW)
    period = digest_period(NOW.astimezone(zone).date(), zone)
    digest = await build_digest(db, DigestScope("35"), period, now=NOW, zone=zone)
    text = render_digest(digest, "zh", zone, "bot")
    assert "企业复工复产" in text and "轮填报" in text and "返岗率" in text
    assert "未复工达产的核心配套企业 2 家" in text and "闽江精密部件有限公司" in text
    english = render_digest(digest, "en", zone, "bot")
    assert "not back at capacity" in english
