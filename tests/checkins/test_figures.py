"""The round's figures on generated data, checked against a direct count; the 未复工达产 ranking;
the digest's section."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from stdnum.cn import uscc

from liaisonbot.clock import to_db
from liaisonbot.domain.checkins import Answer, ResumptionStatus, RoundStatus
from liaisonbot.domain.models import Enterprise
from liaisonbot.domain.vocabulary import Tier
from liaisonbot.read import checkins as views
from liaisonbot.services import checkins
from liaisonbot.store import Database, UnitOfWork

DAY = date(2026, 11, 26)
PREVIOUS = date(2026, 11, 25)
OPENS = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
CLOSES = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)
STATUSES = list(ResumptionStatus)


def _code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


async def _enterprises(db: Database, n: int) -> list[int]:
    ids = []
    async with UnitOfWork(db) as uow:
        for i in range(n):
            e, _ = await uow.enterprises.upsert(
                Enterprise(
                    credit_code=_code(f"91350100M{i:08d}"),
                    name=f"企业{i:03d}",
                    region_code=random.choice(["350100", "350200", "440300"]),
                    chain=random.choice(["汽车", "电子"]),
                    tier=random.choice([Tier.CORE_SUPPLIER, Tier.OTHER, Tier.LEADING]),
                ),
                OPENS,
            )
            assert e.id
            ids.append(e.id)
    return ids


async def _ask(db: Database, day: date, eid: int) -> None:
    await db.write(
        "INSERT INTO checkin_asks (round_date, enterprise_id, opens_at, closes_at, status,"
        " claimed_at) VALUES (?, ?, ?, ?, 'sent', ?)",
        (day.isoformat(), eid, to_db(OPENS), to_db(CLOSES), to_db(OPENS)),
    )


def _random_answer(rng: random.Random) -> Answer:
    status = rng.choice(STATUSES)
    registered = rng.choice([None, rng.randint(10, 500)])
    on_duty = None if registered is None else rng.randint(0, registered)
    capacity = (
        None if status is ResumptionStatus.CLOSED else rng.choice([None, rng.randint(0, 100)])
    )
    return Answer(status, registered, on_duty, capacity)


async def test_figures_match_a_direct_count(db: Database) -> None:
    rng = random.Random(12)
    random.seed(12)
    ids = await _enterprises(db, 120)
    truth: dict[int, tuple[str, Answer | None]] = {}
    for eid in ids:
        kind = rng.choice(["on_time", "late", "missing", "exempt", "absent"])
        if kind == "exempt":  # stopped in the previous round, not asked now
            closed = Answer(ResumptionStatus.CLOSED)
            await checkins.record_answer(db, eid, PREVIOUS, closed, recorded_by=None, now=OPENS)
            truth[eid] = ("exempt", None)
            continue
        if kind == "absent":
            continue
        await _ask(db, DAY, eid)
        answer = None
        if kind in ("on_time", "late"):
            answer = _random_answer(rng)
            at = OPENS + timedelta(hours=1) if kind == "on_time" else CLOSES + timedelta(hours=1)
            first = Answer(ResumptionStatus.NOT_RESUMED)
            await checkins.record_answer(db, eid, DAY, first, recorded_by=None, now=at)
            await checkins.record_answer(db, eid, DAY, answer, recorded_by=None, now=at)
        truth[eid] = (kind, answer)

    f = (await views.picture(db, DAY)).total  # type: ignore[union-attr]
    kinds = [k for k, _ in truth.values()]
    assert f.exempt == kinds.count("exempt")
    assert f.on_time == kinds.count("on_time") and f.late == kinds.count("late")
    assert f.missing == kinds.count("missing")
    expected = len(kinds) - kinds.count("exempt")
    assert f.expected == expected
    assert f.reporting_rate == 100 * kinds.count("on_time") / expected
    answers = [a for k, a in truth.values() if a and a.status is not ResumptionStatus.CLOSED]
    resumed = [a for a in answers if a.status is not ResumptionStatus.NOT_RESUMED]
    assert f.resumed_any == 100 * len(resumed) / len(answers)
    full = [a for a in answers if a.status is ResumptionStatus.FULL]
    assert f.resumed_full == 100 * len(full) / len(answers)
    staffed = [a for a in answers if a.registered and a.on_duty is not None]
    assert f.staff_rate == 100 * sum(a.on_duty for a in staffed) / sum(
        a.registered for a in staffed
    )  # type: ignore[misc]
    caps = [
        (0.0 if a.status is ResumptionStatus.NOT_RESUMED else a.capacity, a.registered)
        for a in answers
    ]
    caps = [(c, r) for c, r in caps if c is not None]
    known = [r for _, r in caps if r]
    mean = sum(known) / len(known)
    weighted = sum(c * (r or mean) for c, r in caps) / sum(r or mean for _, r in caps)
    assert abs(f.capacity_rate - weighted) < 1e-9  # type: ignore[operator]
    assert f.at_threshold == 100 * sum(c >= 80 for c, _ in caps) / len(caps)
    # a scope is the same count over its enterprises
    scoped = (await views.picture(db, DAY, region_prefix="35", chain="汽车")).total  # type: ignore[union-attr]
    entries = await views.entries(db, DAY, region_prefix="35", chain="汽车")
    assert scoped.expected == sum(e.status is not RoundStatus.EXEMPT for e in entries)


async def test_shortfall_ranking_and_missing_apart(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        leads = []
        for i in range(3):
            e, _ = await uow.enterprises.upsert(
                Enterprise(
                    credit_code=_code(f"9111000000{i:07d}"),
                    name=f"龙头{i}",
                    region_code="350100",
                    tier=Tier.LEADING,
                ),
                OPENS,
            )
            leads.append(e.id)
        sups = {}
        for name in ("甲", "乙", "丙", "丁"):
            e, _ = await uow.enterprises.upsert(
                Enterprise(
                    credit_code=_code(f"91350100MA{len(sups):07d}"),
                    name=f"配套{name}",
                    region_code="350100",
                    tier=Tier.CORE_SUPPLIER,
                ),
                OPENS,
            )
            sups[name] = e.id
        for lead in leads:
            await uow.enterprises.link(sups["乙"], lead)
        await uow.enterprises.link(sups["甲"], leads[0])
        await uow.enterprises.link(sups["丁"], leads[0])
    for eid in sups.values():
        await _ask(db, DAY, eid)
    low = Answer(ResumptionStatus.PARTIAL, capacity=50)
    await checkins.record_answer(db, sups["甲"], PREVIOUS, low, recorded_by=None, now=OPENS)
    await checkins.record_answer(db, sups["甲"], DAY, low, recorded_by=None, now=OPENS)
    stopped = Answer(ResumptionStatus.NOT_RESUMED)
    await checkins.record_answer(db, sups["乙"], DAY, stopped, recorded_by=None, now=OPENS)
    fine = Answer(ResumptionStatus.FULL, capacity=95)
    await checkins.record_answer(db, sups["丙"], DAY, fine, recorded_by=None, now=OPENS)
    result = await views.shortfalls(db, DAY)
    assert result is not None
    assert [s.name for s in result.below] == ["配套乙", "配套甲"]  # 3 leading held up before 1
    assert result.below[1].below_since == PREVIOUS and result.below[1].rounds_below == 2
    assert [s.name for s in result.missing] == ["配套丁"]
    status = await views.digest_status(db, "35", (), DAY)
    assert status is not None and status.shortfall_total == 2
    assert status.not_resumed[0] == ("配套乙", "龙头0、龙头1、龙头2")
