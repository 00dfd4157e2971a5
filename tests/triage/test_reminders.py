"""Reminders with a frozen clock: 临期 to the assignee, 超期 in the group, 督办 to officials; each
once, across runs and restarts; unanswered resolutions close after the timeout."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from handlers.triage import reminders as reminder_jobs
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.store import Database
from tests.conftest import Bot, make_settings, start_bot
from tests.support.world import CONTACT, GROUP_ID, NOW, OFFICER, Clock
from tests.triage.helpers import (
    OFFICIAL,
    accept,
    answer_prompt,
    deps_of,
    file_report,
    press,
    state_of,
)


async def run(bot: Bot) -> reminder_jobs.RunResult:
    return await reminder_jobs.run_once(bot.app.bot, deps_of(bot))


async def test_due_soon_overdue_and_supervise_each_once(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id, pick="H0")  # HIGH: 3 working days → Tue 12-01 10:00
    assert (await run(bot)).sent == {}

    bot.clock.now = NOW + timedelta(days=4, hours=1)  # Mon 11-30 11:00: one day left, no mark
    assert (await run(bot)).sent == {}
    bot.clock.now = NOW + timedelta(days=5, hours=-9)  # Tue 12-01 01:00: the due day
    assert (await run(bot)).sent == {"due_soon": 1}
    assert "今日到期" in bot.request.last_text(OFFICER.id)
    assert "今日到期" in bot.request.sent("editMessageText", GROUP_ID)[-1]["text"]
    assert (await run(bot)).sent == {}

    bot.clock.now = NOW + timedelta(days=5, minutes=1)  # Tue 12-01 10:01: overdue
    assert (await run(bot)).sent == {"overdue": 1}
    assert "超期" in bot.request.last_text(GROUP_ID)
    assert (await run(bot)).sent == {}

    bot.clock.now = NOW + timedelta(days=9)  # Sat 12-05: 4 working days after the reminder
    assert (await run(bot)).sent == {}
    bot.clock.now = NOW + timedelta(days=12, minutes=2)  # Tue 12-08 10:02: five working days
    assert (await run(bot)).sent == {"supervise": 1}
    assert "督办" in bot.request.last_text(OFFICIAL.id)
    assert "督办" in bot.request.sent("editMessageText", GROUP_ID)[-1]["text"]
    assert (await run(bot)).sent == {}
    rows = await bot.db.fetch_all("SELECT kind FROM reminders_sent ORDER BY sent_at")
    assert [r["kind"] for r in rows] == ["due_soon", "overdue", "supervise"]


async def test_reminders_survive_a_restart_without_repeating(
    tmp_path: Path, db: Database, triage_world: object
) -> None:
    clock = Clock(NOW)
    first = await start_bot(make_settings(tmp_path), db, clock)
    report_id, card_id = await file_report(first)
    await accept(first, report_id, card_id, pick="U0")
    clock.now = NOW + timedelta(days=1, minutes=1)
    assert (await run(first)).sent == {"overdue": 1}
    await first.app.shutdown()

    second = await start_bot(make_settings(tmp_path), db, clock)
    await second.app.post_init(second.app)  # schedules the jobs again
    jobs = second.app.job_queue.get_jobs_by_name(reminder_jobs.JOB_NAME)  # type: ignore[union-attr]
    assert len(jobs) == 1
    assert jobs[0].job.misfire_grace_time == reminder_jobs.MISFIRE_GRACE_SECONDS
    assert jobs[0].job.coalesce is True
    assert (await run(second)).sent == {}
    await second.app.shutdown()


async def test_a_failed_send_is_retried_next_run(bot: Bot, triage_world: object) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id, pick="U0")
    bot.clock.now = NOW + timedelta(days=1, minutes=1)
    bot.request.fail_next["sendMessage"] = {"error_code": 500, "description": "Internal"}
    assert (await run(bot)).sent == {}
    assert (await run(bot)).sent == {"overdue": 1}


async def test_unanswered_resolution_closes_after_the_timeout(
    bot: Bot, triage_world: object
) -> None:
    report_id, card_id = await file_report(bot)
    await accept(bot, report_id, card_id)
    await press(bot, OFFICER, report_id, "sig", "accepted", message_id=card_id)
    await press(bot, OFFICER, report_id, "out", "in_progress", "S", message_id=card_id)
    await answer_prompt(bot, OFFICER, GROUP_ID, "已解决")
    bot.clock.now = NOW + timedelta(days=6)
    assert (await run(bot)).closed == 0
    bot.clock.now = NOW + timedelta(days=7, minutes=1)
    assert (await run(bot)).closed == 1
    assert await state_of(bot, report_id) is ReportState.CLOSED
    row = await bot.db.fetch_one("SELECT satisfaction FROM reports WHERE id = ?", (report_id,))
    assert row is not None and row["satisfaction"] == "TIMEOUT"
    last = await bot.db.fetch_one(
        "SELECT action, actor_id FROM report_events WHERE report_id = ? ORDER BY id DESC",
        (report_id,),
    )
    assert last is not None and tuple(last) == ("auto_close", None)
    assert "自动销号" in bot.request.last_text(CONTACT.id)
    assert (await run(bot)).closed == 0
