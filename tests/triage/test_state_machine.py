"""Every (state, action) pair of the state machine, through the service against the database:
allowed pairs move the report and write exactly one event; refused ones change nothing."""

from __future__ import annotations

import asyncio
import itertools
from zoneinfo import ZoneInfo

import pytest

from liaisonbot.clock import to_db
from liaisonbot.domain.errors import DomainError, IllegalTransition, NotAllowed, StaleState
from liaisonbot.domain.models import ReportContent
from liaisonbot.domain.vocabulary import Category, ReportState, Urgency
from liaisonbot.domain.workflow import (
    ACTIVITY_STATES,
    TRANSITIONS,
    Action,
    Activity,
    allowed_actions,
    next_state,
)
from liaisonbot.services import follow_up, intake, triage
from liaisonbot.services.triage import Outcome, Satisfaction, Seat
from liaisonbot.store import Database
from tests.support.world import CONTACT, NOW, OFFICER
from tests.triage.helpers import ADMIN, FAR_OFFICER, OFFICIAL

ZONE = ZoneInfo("Asia/Shanghai")
ALL_PAIRS = list(itertools.product(ReportState, Action))


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS, ids=lambda v: str(v))
def test_next_state_is_the_table(state: ReportState, action: Action) -> None:
    if (state, action) in TRANSITIONS:
        assert next_state(state, action) is TRANSITIONS[(state, action)]
        assert action in allowed_actions(state)
    else:
        with pytest.raises(IllegalTransition):
            next_state(state, action)
        assert action not in allowed_actions(state)


async def new_report(db: Database, state: ReportState, key: str = "k") -> int:
    filed = await intake.submit_report(
        db,
        reporter_id=CONTACT.id,
        content=ReportContent(category=Category.LOG, title="原材料运不进厂"),
        source_key=key,
        now=NOW,
    )
    await db.conn.execute(
        "UPDATE reports SET state = ?, due_at = ?, resolved_at = ? WHERE id = ?",
        (state.value, to_db(NOW), to_db(NOW), filed.report_id),
    )
    await db.conn.commit()
    return filed.report_id


async def perform(db: Database, action: Action, report_id: int, target_id: int) -> object:
    now = NOW
    if action is Action.SUBMIT:
        raise IllegalTransition(state="-", action="submit")  # filing is intake's, never again
    if action is Action.ACCEPT:
        return await triage.accept(
            db, report_id, OFFICER.id, expected=None, now=now, zone=ZONE, urgency=Urgency.HIGH
        )
    if action is Action.REJECT:
        return await triage.reject(db, report_id, OFFICER.id, "理由", expected=None, now=now)
    if action is Action.MERGE:
        return await triage.merge(db, report_id, OFFICER.id, target_id, expected=None, now=now)
    if action is Action.SIGN:
        return await triage.sign(db, report_id, OFFICER.id, expected=None, now=now)
    if action is Action.RETURN:
        return await triage.return_for_info(
            db, report_id, OFFICER.id, "请补充", expected=None, now=now
        )
    if action is Action.INFO_GIVEN:
        return await triage.give_info(db, report_id, CONTACT.id, "补充了", now=now)
    if action is Action.ESCALATE:
        return await triage.escalate(db, report_id, OFFICER.id, "跨省", expected=None, now=now)
    if action is Action.SEND_BACK:
        return await triage.send_back(db, report_id, OFFICIAL.id, "退回", expected=None, now=now)
    if action is Action.SEND_DOWN:  # held by the second task force of its path
        for level, prefix in ((1, "3501"), (2, "35")):
            await db.conn.execute(
                "INSERT INTO report_levels (report_id, level, chat_id, region_prefix, reached_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (report_id, level, -100 - level, prefix, to_db(now)),
            )
        await db.conn.execute("UPDATE reports SET escalation_level = 2 WHERE id = ?", (report_id,))
        await db.conn.commit()
        return await triage.send_back(db, report_id, OFFICIAL.id, "退回", expected=None, now=now)
    if action is Action.RESOLVE:
        return await triage.resolve(
            db, report_id, OFFICER.id, Outcome.SOLVED, "已解决", expected=None, now=now
        )
    if action is Action.REOPEN:
        return await triage.rate(
            db, report_id, CONTACT.id, Satisfaction.UNSATISFIED, now=now, reason="没解决"
        )
    if action is Action.CONFIRM:
        return await triage.rate(db, report_id, CONTACT.id, Satisfaction.SATISFIED, now=now)
    if action is Action.WITHDRAW:
        return await follow_up.withdraw(db, report_id, CONTACT.id, "已自行解决", now=now)
    if action is Action.AUTO_CLOSE:
        changes = await triage.auto_close_due(db, now=now.replace(year=2027), timeout_days=7)
        if not changes:
            raise IllegalTransition(state="-", action="auto_close")
        return changes
    raise AssertionError(action)


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS, ids=lambda v: str(v))
async def test_service_moves_exactly_the_allowed_pairs(
    db: Database, triage_world: object, state: ReportState, action: Action
) -> None:
    target = await new_report(db, ReportState.ACCEPTED, "target")
    report_id = await new_report(db, state)
    before = await db.fetch_all("SELECT id FROM report_events WHERE report_id = ?", (report_id,))
    allowed = (state, action) in TRANSITIONS
    if allowed:
        await perform(db, action, report_id, target)
    else:
        with pytest.raises(DomainError) as refused:
            await perform(db, action, report_id, target)
        assert isinstance(refused.value, (IllegalTransition, StaleState))
    row = await db.fetch_one("SELECT state FROM reports WHERE id = ?", (report_id,))
    events = await db.fetch_all(
        "SELECT action, from_state, to_state FROM report_events WHERE report_id = ? ORDER BY id",
        (report_id,),
    )
    assert row is not None
    if allowed:
        assert row["state"] == TRANSITIONS[(state, action)].value
        assert len(events) == len(before) + 1
        assert tuple(events[-1]) == (
            action.value,
            state.value,
            TRANSITIONS[(state, action)].value,
        )
    else:
        assert row["state"] == state.value
        assert len(events) == len(before)


@pytest.mark.parametrize(
    ("state", "activity"), list(itertools.product(ReportState, Activity)), ids=lambda v: str(v)
)
async def test_activities_only_in_their_states(
    db: Database, triage_world: object, state: ReportState, activity: Activity
) -> None:
    report_id = await new_report(db, state)
    other = await new_report(db, ReportState.ACCEPTED, "other")
    calls = {
        Activity.TAKE: lambda: triage.assign(db, report_id, OFFICER.id, expected=None, now=NOW),
        Activity.ASSIGN: lambda: triage.assign(
            db, report_id, OFFICER.id, OFFICER.id, expected=None, now=NOW
        ),
        Activity.NOTE: lambda: triage.add_note(db, report_id, OFFICER.id, "进展", now=NOW),
        Activity.PUBLIC_NOTE: lambda: triage.add_note(
            db, report_id, OFFICER.id, "进展", public=True, now=NOW
        ),
        Activity.RECATEGORIZE: lambda: triage.recategorize(
            db, report_id, OFFICER.id, Category.FIN, expected=None, now=NOW
        ),
        Activity.LINK: lambda: triage.link(db, report_id, OFFICER.id, other, now=NOW),
        Activity.EXTEND: lambda: triage.extend(
            db, report_id, OFFICER.id, 3, "复杂", expected=None, now=NOW, zone=ZONE
        ),
        Activity.ACKNOWLEDGE: lambda: triage.acknowledge(db, report_id, OFFICIAL.id, now=NOW),
        Activity.UNITS: lambda: triage.set_units(
            db, report_id, OFFICER.id, "商务厅；交通厅", now=NOW
        ),
        Activity.ASSIST_REQUEST: lambda: triage.name_other_region(
            db, report_id, OFFICER.id, "4403", now=NOW
        ),
        Activity.ASSIST_ACCEPT: lambda: triage.assist_step(
            db, report_id, "4401", ADMIN.id, Activity.ASSIST_ACCEPT, now=NOW
        ),
        Activity.ASSIST_DONE: lambda: triage.assist_step(
            db, report_id, "4401", ADMIN.id, Activity.ASSIST_DONE, now=NOW
        ),
        Activity.ASSIST_NOTE: lambda: triage.assist_note(
            db, report_id, "4401", ADMIN.id, "已协调", now=NOW
        ),
        Activity.ADD_INFO: lambda: follow_up.add_info(db, report_id, CONTACT.id, "补充", now=NOW),
        Activity.CORRECT: lambda: follow_up.correct(
            db, report_id, CONTACT.id, "新标题", "新描述", now=NOW
        ),
    }
    await db.conn.execute(
        "INSERT INTO assist_requests (report_id, region_code, requested_at, updated_at)"
        " VALUES (?, '4401', ?, ?)",
        (report_id, to_db(NOW), to_db(NOW)),
    )
    await db.conn.commit()
    count = "SELECT COUNT(*) FROM report_events WHERE report_id = ?"
    before = (await db.fetch_one(count, (report_id,)))[0]  # type: ignore[index]
    if state in ACTIVITY_STATES[activity]:
        change = await calls[activity]()
        assert change.to_state is state and change.from_state is state
        assert (await db.fetch_one(count, (report_id,)))[0] == before + 1  # type: ignore[index]
    else:
        with pytest.raises(IllegalTransition):
            await calls[activity]()
        assert (await db.fetch_one(count, (report_id,)))[0] == before  # type: ignore[index]


async def test_two_presses_at_once_make_exactly_one_transition(
    db: Database, triage_world: object
) -> None:
    report_id = await new_report(db, ReportState.SUBMITTED)

    async def press() -> object:
        return await triage.accept(
            db, report_id, OFFICER.id, expected=ReportState.SUBMITTED, now=NOW, zone=ZONE
        )

    results = await asyncio.gather(press(), press(), return_exceptions=True)
    assert sum(isinstance(r, triage.Change) for r in results) == 1
    assert sum(isinstance(r, StaleState) for r in results) == 1
    accepts = await db.fetch_all(
        "SELECT * FROM report_events WHERE report_id = ? AND action = 'accept'", (report_id,)
    )
    assert len(accepts) == 1


async def test_two_different_actions_at_once_one_wins(db: Database, triage_world: object) -> None:
    report_id = await new_report(db, ReportState.SUBMITTED)
    results = await asyncio.gather(
        triage.accept(
            db, report_id, OFFICER.id, expected=ReportState.SUBMITTED, now=NOW, zone=ZONE
        ),
        triage.reject(db, report_id, OFFICER.id, "重复", expected=ReportState.SUBMITTED, now=NOW),
        return_exceptions=True,
    )
    assert sum(isinstance(r, triage.Change) for r in results) == 1
    events = await db.fetch_all(
        "SELECT * FROM report_events WHERE report_id = ? AND action != 'submit'", (report_id,)
    )
    assert len(events) == 1


async def test_authority_comes_from_roles(db: Database, triage_world: object) -> None:
    report_id = await new_report(db, ReportState.SUBMITTED)
    for who in (FAR_OFFICER.id, CONTACT.id, OFFICIAL.id, 424242):
        with pytest.raises(NotAllowed):
            await triage.accept(db, report_id, who, expected=None, now=NOW, zone=ZONE)
    # the task-force seat needs an official; an officer there is refused
    await db.conn.execute("UPDATE reports SET state = 'escalated' WHERE id = ?", (report_id,))
    await db.conn.commit()
    with pytest.raises(NotAllowed):
        await triage.send_back(db, report_id, OFFICER.id, "x", expected=None, now=NOW)
    with pytest.raises(NotAllowed):
        await triage.resolve(
            db, report_id, OFFICIAL.id, Outcome.SOLVED, "x", expected=None, now=NOW
        )
    await triage.resolve(
        db,
        report_id,
        OFFICIAL.id,
        Outcome.SOLVED,
        "x",
        expected=None,
        now=NOW,
        seat=Seat.ESCALATION,
    )
