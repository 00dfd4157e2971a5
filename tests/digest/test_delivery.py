"""Delivery: exactly once per subscription and day across runs and restarts, a blocked
subscriber made inactive without holding up the others, RetryAfter honoured, and the jobs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from telegram.ext import ExtBot

from handlers.digest import jobs as digest_jobs
from liaisonbot.clock import to_db, utcnow
from liaisonbot.services import subscriptions
from liaisonbot.services.digest_delivery import Outcome
from liaisonbot.store import Database
from tests.conftest import Bot, make_settings, start_bot
from tests.digest.conftest import DIGEST_NOW, generated, subscribe_three
from tests.support.fake_telegram import RecordingRequest
from tests.support.world import Clock

TOKEN = "123456:TEST-TOKEN"


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def delivered(request: RecordingRequest) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for call in request.calls:
        if call.method in ("sendMessage", "sendDocument") and call.result is not None:
            out.setdefault(int(call.params["chat_id"]), []).append(call.method)
    return out


async def cli_run(db: Database, tmp_path: Path, request: RecordingRequest) -> object:
    bot = ExtBot(TOKEN, request=request)
    return await digest_jobs.send_now(
        db, make_settings(tmp_path), bot=bot, now=DIGEST_NOW + timedelta(hours=2)
    )


async def test_two_send_runs_deliver_each_digest_once(db: Database, tmp_path: Path) -> None:
    await generated(db)
    subs = await subscribe_three(db)
    first, second = RecordingRequest(), RecordingRequest()
    report = await cli_run(db, tmp_path, first)
    assert {s.id: Outcome.SENT for s in subs} == report.outcomes  # type: ignore[attr-defined]
    got = delivered(first)
    assert got == {s.chat_id: ["sendMessage", "sendDocument"] for s in subs}
    await cli_run(db, tmp_path, second)
    assert delivered(second) == {}
    rows = await db.fetch_all("SELECT status FROM digest_deliveries")
    assert [r["status"] for r in rows] == ["sent"] * 3


async def test_a_restart_sends_the_missed_digest_once(bot: Bot, tmp_path: Path) -> None:
    await generated(bot.db)
    await subscribe_three(bot.db)
    bot.clock.now = DIGEST_NOW - timedelta(minutes=1)  # before 08:30: nothing is due yet
    assert (await digest_jobs.deliver_due(bot.app)).outcomes == {}
    bot.clock.now = DIGEST_NOW + timedelta(hours=3)  # the bot was down at 08:30
    await digest_jobs.deliver_due(bot.app)
    assert len(delivered(bot.request)) == 3

    again = await start_bot(make_settings(tmp_path), bot.db, Clock(DIGEST_NOW + timedelta(hours=4)))
    try:
        await digest_jobs.deliver_due(again.app)
        await digest_jobs.deliver_due(again.app)
        assert delivered(again.request) == {}
    finally:
        await again.app.shutdown()


async def test_a_digest_missed_beyond_the_grace_period_is_not_sent(bot: Bot) -> None:
    await generated(bot.db)
    await subscribe_three(bot.db)
    bot.clock.now = DIGEST_NOW + timedelta(hours=6, minutes=5)
    assert (await digest_jobs.deliver_due(bot.app)).outcomes == {}
    assert delivered(bot.request) == {}


async def test_a_blocked_subscriber_is_made_inactive_and_the_others_get_theirs(
    bot: Bot,
) -> None:
    await generated(bot.db)
    subs = await subscribe_three(bot.db)
    bot.request.fail_next["sendMessage"] = {
        "error_code": 403,
        "description": "Forbidden: bot was blocked by the user",
    }
    bot.clock.now = DIGEST_NOW + timedelta(minutes=5)
    report = await digest_jobs.deliver_due(bot.app)
    blocked = int(next(c for c in bot.request.calls if c.method == "sendMessage").params["chat_id"])
    by_chat = {s.chat_id: s.id for s in subs}
    assert report.outcomes[by_chat[blocked]] is Outcome.BLOCKED
    assert sorted(delivered(bot.request)) == sorted(c for c in by_chat if c != blocked)
    assert [s.chat_id for s in await subscriptions.active(bot.db)] == [
        c for c in by_chat if c != blocked
    ]
    row = await bot.db.fetch_one(
        "SELECT inactive_reason FROM subscriptions WHERE chat_id = ?", (blocked,)
    )
    assert row is not None and row[0] == "blocked"


async def test_retry_after_is_honoured(bot: Bot) -> None:
    await generated(bot.db)
    await subscribe_three(bot.db)
    bot.request.fail_next["sendMessage"] = {
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    bot.clock.now = DIGEST_NOW + timedelta(minutes=5)
    sleeps = Sleeps()
    report = await digest_jobs.deliver_due(bot.app, sleep=sleeps)
    assert sleeps.calls == [1.0]
    assert report.count(Outcome.SENT) == 3
    assert all(v == ["sendMessage", "sendDocument"] for v in delivered(bot.request).values())


async def test_a_failed_ledger_is_sent_later_without_the_message_again(bot: Bot) -> None:
    await generated(bot.db)
    subs = await subscribe_three(bot.db)
    await subscriptions.unsubscribe(bot.db, subs[1].chat_id, DIGEST_NOW)
    await subscriptions.unsubscribe(bot.db, subs[2].chat_id, DIGEST_NOW)
    bot.request.fail_next["sendDocument"] = {"error_code": 400, "description": "Bad Request: x"}
    bot.clock.now = DIGEST_NOW + timedelta(minutes=5)
    assert (await digest_jobs.deliver_due(bot.app)).outcomes == {subs[0].id: Outcome.FAILED}
    await digest_jobs.deliver_due(bot.app)
    assert delivered(bot.request) == {subs[0].chat_id: ["sendMessage", "sendDocument"]}


async def test_skip_empty_and_non_working_days(bot: Bot) -> None:
    subs = await subscribe_three(bot.db)
    await subscriptions.subscribe(
        bot.db,
        chat_id=subs[0].chat_id,
        owner_id=subs[0].chat_id,
        scope=subs[0].scope,
        now=DIGEST_NOW - timedelta(days=1),
        skip_empty=True,
    )
    bot.clock.now = DIGEST_NOW + timedelta(minutes=5)
    report = await digest_jobs.deliver_due(bot.app)
    assert report.outcomes[subs[0].id] is Outcome.SKIPPED
    texts = bot.request.texts()
    assert len(texts) == 2 and all("本期无新增问题" in t for t in texts)
    assert not bot.request.sent("sendDocument")  # an empty day has no ledger
    saturday = DIGEST_NOW + timedelta(days=2)
    await subscriptions.subscribe(
        bot.db,
        chat_id=subs[1].chat_id,
        owner_id=subs[1].chat_id,
        scope=subs[1].scope,
        now=DIGEST_NOW,
        skip_non_working=True,
    )
    bot.clock.now = saturday + timedelta(minutes=5)
    report = await digest_jobs.deliver_due(bot.app)
    assert report.outcomes[subs[1].id] is Outcome.SKIPPED
    assert report.outcomes[subs[2].id] is Outcome.SENT


async def test_jobs_are_made_from_the_database_at_start(bot: Bot) -> None:
    subs = await subscribe_three(bot.db)
    await subscriptions.subscribe(
        bot.db,
        chat_id=subs[0].chat_id,
        owner_id=subs[0].chat_id,
        scope=subs[0].scope,
        now=DIGEST_NOW,
        at_time="07:45",
    )
    await digest_jobs.on_startup(bot.app)
    queue = bot.app.job_queue
    assert queue is not None
    names = sorted(j.name for j in queue.jobs())
    assert names == sorted(
        ["digest@07:45", "digest@08:30", digest_jobs.CATCH_UP_JOB, digest_jobs.SWEEP_JOB]
    )
    job = queue.get_jobs_by_name("digest@07:45")[0].job
    assert job.misfire_grace_time == 6 * 3600 and job.coalesce
    assert str(job.trigger.timezone) == "Asia/Shanghai"
    assert not digest_jobs.ensure_daily_job(bot.app, "07:45")  # one job per time


async def _claim_as(db: Database, sub_id: int, holder: str, status: str = "sending") -> None:
    day = (DIGEST_NOW + timedelta(hours=2)).astimezone(make_settings(Path(".")).zone).date()
    await db.conn.execute(
        "INSERT INTO digest_deliveries (subscription_id, digest_date, status, claimed_at,"
        " claimed_by, message_id) VALUES (?, ?, ?, ?, ?, ?)",
        (
            sub_id,
            day.isoformat(),
            status,
            to_db(utcnow()),  # fresh: a claim made a moment ago
            holder,
            1 if status == "message_sent" else None,
        ),
    )
    await db.conn.commit()


async def test_a_rerun_after_a_crash_sends_what_the_dead_process_left(
    db: Database, tmp_path: Path
) -> None:
    import socket

    await generated(db)
    subs = await subscribe_three(db)
    dead = f"{socket.gethostname()}:999999999:1"  # a pid that does not run
    await _claim_as(db, subs[0].id, dead)  # killed before anything went out
    await _claim_as(db, subs[1].id, dead, status="message_sent")  # killed before the ledger
    request = RecordingRequest()
    report = await cli_run(db, tmp_path, request)
    assert report.outcomes == {s.id: Outcome.SENT for s in subs}  # type: ignore[attr-defined]
    got = delivered(request)
    assert got[subs[0].chat_id] == ["sendMessage", "sendDocument"]
    assert got[subs[1].chat_id] == ["sendDocument"]  # the text went before the crash


async def test_a_claim_held_by_a_running_process_is_reported_busy_not_sent(
    db: Database, tmp_path: Path
) -> None:
    from liaisonbot.store.process import this_process

    await generated(db)
    subs = await subscribe_three(db)
    # Another process that runs: this test's own process under another name would be taken for
    # this run, so use the parent's pid (alive for the whole test) with its real start time.
    import os

    from liaisonbot.store.process import _start_ticks

    parent = this_process().split(":")[0] + f":{os.getppid()}:{_start_ticks(os.getppid())}"
    await _claim_as(db, subs[2].id, parent)
    request = RecordingRequest()
    report = await cli_run(db, tmp_path, request)
    assert report.outcomes[subs[2].id] is Outcome.BUSY  # type: ignore[attr-defined]
    assert subs[2].chat_id not in delivered(request)
