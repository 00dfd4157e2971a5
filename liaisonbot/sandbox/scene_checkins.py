"""A few rounds of check-in history for the sandbox scene, so that `/status`, `/enterprise`,
`/chain` and the digest show a real picture at once: the three working days before today."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from liaisonbot.domain.checkins import Answer, ResumptionStatus, Schedule
from liaisonbot.domain.deadlines import is_working_day
from liaisonbot.domain.vocabulary import Category
from liaisonbot.services import checkins
from liaisonbot.store import Database
from liaisonbot.store.checkins import CheckinRepository

P, N, F = ResumptionStatus.PARTIAL, ResumptionStatus.NOT_RESUMED, ResumptionStatus.FULL
# credit code → three rounds, oldest first; None: not answered. (answer, recorded on behalf)
HISTORY: dict[str, list[tuple[Answer, bool] | None]] = {
    "91350102MA31AB2CX5": [  # 闽江精密: parts held up by a supplier of its own
        (Answer(P, 200, 120, 50, None, Category.SUP), False),
        (Answer(P, 200, 140, 60, None, Category.SUP), False),
        (Answer(P, 200, 150, 65, None, Category.SUP), False),
    ],
    "91350181MA32CD4EXG": [  # 榕城电子: staff not back, answered by phone last time
        (Answer(N, 300, 20, 0, None, Category.LAB), False),
        (Answer(P, 300, 150, 40, None, Category.LAB), False),
        (Answer(P, 300, 210, 70, None, Category.LAB), True),
    ],
    "91350104MA33EF6GXX": [None, (Answer(F, 150, 140, 90), True), (Answer(F, 150, 145, 95), True)],
    "91350100MA2XN5K1X1": [None, None, (Answer(P, 2000, 1700, 75, None, Category.SUP), True)],
}


def _rounds(today: date, count: int = 3) -> list[date]:
    days: list[date] = []
    day = today
    while len(days) < count:
        day -= timedelta(days=1)
        if is_working_day(day):
            days.append(day)
    return sorted(days)


async def seed_checkins(db: Database, now: datetime, zone: ZoneInfo, officer_id: int) -> None:
    """Only into a database with no check-ins."""
    if await db.fetch_one("SELECT 1 FROM checkin_answers LIMIT 1") is not None:
        return
    rows = await db.fetch_all(
        "SELECT e.id, e.credit_code, EXISTS (SELECT 1 FROM contacts c"
        " WHERE c.enterprise_id = e.id) AS has_contact FROM enterprises e"
    )
    ids = {r["credit_code"]: (r["id"], bool(r["has_contact"])) for r in rows}
    days = _rounds(now.astimezone(zone).date())
    for n, day in enumerate(days):
        opens, closes = Schedule().window(day, zone)
        for code, history in HISTORY.items():
            if code not in ids:
                continue
            enterprise_id, has_contact = ids[code]
            if has_contact:
                async with db.transaction() as conn:
                    repo = CheckinRepository(conn)
                    await repo.claim_ask(day, enterprise_id, opens, closes, opens, opens)
                    await repo.mark_sent(day, enterprise_id, None, None, opens)
            entry = history[n]
            if entry is None:
                continue
            answer, on_behalf = entry
            await checkins.record_answer(
                db,
                enterprise_id,
                day,
                answer,
                recorded_by=officer_id if on_behalf else None,
                on_behalf=on_behalf,
                now=opens + timedelta(hours=1),
            )
