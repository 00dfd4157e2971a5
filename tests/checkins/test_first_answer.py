"""迟报 goes by the first answer's time: a correction after the window closes changes nothing,
and a late first answer stays late when corrected."""

from __future__ import annotations

from datetime import timedelta

from liaisonbot.domain.checkins import Answer, ResumptionStatus, RoundStatus
from liaisonbot.read import checkins as views
from liaisonbot.services import checkins
from liaisonbot.store import Database
from tests.checkins.test_figures import CLOSES, DAY, OPENS, _ask, _enterprises


async def test_the_first_version_decides_late_or_on_time(db: Database) -> None:
    on_time, late, once = await _enterprises(db, 3)
    partial = Answer(ResumptionStatus.PARTIAL, capacity=50)
    full = Answer(ResumptionStatus.FULL, capacity=95)
    for eid, first_at in ((on_time, OPENS), (late, CLOSES), (once, CLOSES)):
        await _ask(db, DAY, eid)
        await checkins.record_answer(db, eid, DAY, partial, recorded_by=None, now=first_at)
    for eid in (on_time, late):
        after = CLOSES + timedelta(hours=2)
        await checkins.record_answer(db, eid, DAY, full, recorded_by=None, now=after)

    found = {e.enterprise_id: e for e in await views.entries(db, DAY)}
    assert found[on_time].status is RoundStatus.ON_TIME and found[on_time].version == 2
    assert found[late].status is RoundStatus.LATE and found[late].answer == full
    assert found[once].status is RoundStatus.LATE and found[once].version == 1
    figures = await views.round_figures(db, DAY)
    assert (figures.on_time, figures.late) == (1, 2)
