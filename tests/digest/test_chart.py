"""The digest's picture: its series equal a direct count, it renders Chinese at phone size, it
goes between the digest's text and ledger exactly once, and /chart draws it on demand."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from matplotlib.image import imread
from telegram.ext import ExtBot

from handlers.digest import jobs as digest_jobs
from liaisonbot.charts import draw, fonts, runner
from liaisonbot.charts.data import chart_data, working_days_before
from liaisonbot.clock import to_db
from liaisonbot.domain.workflow import WORKING_STATES
from liaisonbot.read.digest.scope import DigestScope
from liaisonbot.services.digest_delivery import Outcome
from liaisonbot.store import Database
from tests.conftest import Bot, make_settings
from tests.digest.conftest import (
    DAY,
    DIGEST_NOW,
    OFFICIAL_GD,
    ZONE,
    generated,
    grant_officials,
    subscribe_three,
)
from tests.digest.test_delivery import _claim_as
from tests.support.fake_telegram import RecordingRequest
from tests.support.world import STRANGER

SCOPE = DigestScope("44")


def _series(figure: object, gid: str) -> list[float]:
    values: list[float] = []
    for ax in figure.axes:  # type: ignore[attr-defined]
        bars = [p for p in ax.patches if p.get_gid() == gid]
        values += [p.get_width() if gid == "category" else p.get_height() for p in bars]
        for line in ax.get_lines():
            if line.get_gid() == gid:
                values += list(line.get_ydata())
    return values


async def _direct_counts(db: Database, scope: DigestScope, days: list[date]) -> dict[str, list]:
    """Each day's figures the slow, obvious way: one query per day and figure."""
    from liaisonbot.charts.data import _bucket_ends

    ends = _bucket_ends(days, ZONE)
    start = _bucket_ends(working_days_before(days[0], 1), ZONE)[0]
    where, params = scope.sql("e")
    working = sorted(s.value for s in WORKING_STATES)
    marks = ", ".join("?" * len(working))
    out: dict[str, list] = {"new": [], "resolved": [], "open": []}
    for begin, end in zip([start, *ends[:-1]], ends, strict=True):
        window = [to_db(begin), to_db(end)]
        row = await db.fetch_one(
            "SELECT COUNT(*) FROM reports r JOIN enterprises e ON e.id = r.enterprise_id"
            f" WHERE r.created_at >= ? AND r.created_at < ?{where}",
            [*window, *params],
        )
        out["new"].append(row[0])  # type: ignore[index]
        row = await db.fetch_one(
            "SELECT COUNT(*) FROM report_events ev JOIN reports r ON r.id = ev.report_id"
            " JOIN enterprises e ON e.id = r.enterprise_id"
            f" WHERE ev.action = 'resolve' AND ev.at >= ? AND ev.at < ?{where}",
            [*window, *params],
        )
        out["resolved"].append(row[0])  # type: ignore[index]
        row = await db.fetch_one(
            "SELECT COUNT(*) FROM reports r JOIN enterprises e ON e.id = r.enterprise_id"
            f" WHERE r.created_at < ?{where} AND (SELECT ev.to_state FROM report_events ev"
            " WHERE ev.report_id = r.id AND ev.at < ? ORDER BY ev.at DESC, ev.id DESC LIMIT 1)"
            f" IN ({marks})",
            [to_db(end), *params, to_db(end), *working],
        )
        out["open"].append(row[0])  # type: ignore[index]
    return out


async def test_the_figures_series_equal_a_direct_count(db: Database) -> None:
    await generated(db)
    data = await chart_data(db, SCOPE, DAY, ZONE)
    assert len(data.days) == 14 and data.days[-1] < DAY
    direct = await _direct_counts(db, SCOPE, list(data.days))
    assert sum(direct["new"]) > 0 and sum(direct["resolved"]) > 0  # the data covers the window
    figure = draw.build(data, "zh", "广东省")
    assert _series(figure, "new") == direct["new"]
    assert _series(figure, "resolved") == direct["resolved"]
    assert _series(figure, "open") == direct["open"]
    by_category = await db.fetch_all(
        "SELECT r.category, COUNT(*) AS n FROM reports r JOIN enterprises e"
        " ON e.id = r.enterprise_id WHERE substr(e.region_code, 1, 2) = '44'"
        f" AND r.state IN ({', '.join(repr(s.value) for s in WORKING_STATES)})"
        " GROUP BY r.category",
    )
    counts = sorted((r["n"] for r in by_category), reverse=True)
    expected = [*counts[: draw.MAX_CATEGORIES], sum(counts[draw.MAX_CATEGORIES :])]
    assert sorted(_series(figure, "category")) == sorted(n for n in expected if n)
    assert data.open_now == sum(counts)


async def test_the_golden_image_is_phone_sized_and_not_blank(db: Database) -> None:
    await generated(db)
    png = await runner.render(await chart_data(db, SCOPE, DAY, ZONE), "zh", "广东省 · 全部产业链")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = imread(io.BytesIO(png))
    height, width = pixels.shape[:2]
    assert width == 1080 and 1000 <= height <= 2000
    assert 20_000 < len(png) < 2_000_000
    assert pixels[..., :3].std() > 0.1  # not one flat colour
    ink = (pixels[..., :3].mean(axis=2) < 0.5).mean()
    assert 0.01 < ink < 0.6  # text, bars and lines, on white


def test_chinese_renders_with_the_font_loaded_by_path() -> None:
    assert fonts.check()
    assert fonts.missing_glyphs(fonts.SAMPLE) == []


def test_a_font_without_chinese_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not latin.is_file():
        pytest.skip("no DejaVu font to stand in for a font without Chinese")
    monkeypatch.setenv(fonts.FONT_ENV, str(latin))
    fonts.check.cache_clear()
    fonts.font_name.cache_clear()
    try:
        with pytest.raises(fonts.FontMissing, match="lacks"):
            fonts.check()
    finally:
        monkeypatch.delenv(fonts.FONT_ENV)
        fonts.check.cache_clear()
        fonts.font_name.cache_clear()


# -- delivery --------------------------------------------------------------------------------


def delivered(request: RecordingRequest) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for call in request.calls:
        if call.method in ("sendMessage", "sendPhoto", "sendDocument") and call.result:
            out.setdefault(int(call.params["chat_id"]), []).append(call.method)
    return out


async def cli_run(db: Database, tmp_path: Path, request: RecordingRequest) -> object:
    bot = ExtBot("123456:TEST-TOKEN", request=request)
    return await digest_jobs.send_now(
        db, make_settings(tmp_path), bot=bot, now=DIGEST_NOW + timedelta(hours=2)
    )


async def test_text_then_picture_then_ledger_once(db: Database, tmp_path: Path) -> None:
    await generated(db)
    subs = await subscribe_three(db)
    first = RecordingRequest()
    await cli_run(db, tmp_path, first)
    assert delivered(first) == {
        s.chat_id: ["sendMessage", "sendPhoto", "sendDocument"] for s in subs
    }
    [caption] = [p["caption"] for p in first.sent("sendPhoto", subs[0].chat_id)]
    assert len(caption) <= 1024 and "新增问题" in caption and "办结" in caption
    second = RecordingRequest()
    await cli_run(db, tmp_path, second)
    assert delivered(second) == {}


async def test_a_failed_picture_goes_later_without_the_text_again(
    db: Database, tmp_path: Path
) -> None:
    await generated(db)
    subs = await subscribe_three(db)
    first = RecordingRequest()
    first.fail_next["sendPhoto"] = {"error_code": 400, "description": "Bad Request: x"}
    report = await cli_run(db, tmp_path, first)
    assert Outcome.FAILED in report.outcomes.values()  # type: ignore[attr-defined]
    second = RecordingRequest()
    await cli_run(db, tmp_path, second)
    both = {**delivered(second)}
    failed = [c for c, calls in delivered(first).items() if calls == ["sendMessage"]]
    assert len(failed) == 1 and both == {failed[0]: ["sendPhoto", "sendDocument"]}
    assert len(subs) == 3


async def test_a_crash_after_the_picture_sends_only_the_ledger(
    db: Database, tmp_path: Path
) -> None:
    import socket

    await generated(db)
    subs = await subscribe_three(db)
    dead = f"{socket.gethostname()}:999999999:1"
    await _claim_as(db, subs[0].id, dead, status="message_sent")  # killed before the picture
    await _claim_as(db, subs[1].id, dead, status="message_sent")  # killed after it
    await db.write(
        "UPDATE digest_deliveries SET chart_sent_at = ? WHERE subscription_id = ?",
        (to_db(DIGEST_NOW), subs[1].id),
    )
    request = RecordingRequest()
    await cli_run(db, tmp_path, request)
    got = delivered(request)
    assert got[subs[0].chat_id] == ["sendPhoto", "sendDocument"]
    assert got[subs[1].chat_id] == ["sendDocument"]
    assert got[subs[2].chat_id] == ["sendMessage", "sendPhoto", "sendDocument"]


async def test_a_chart_that_cannot_be_drawn_leaves_the_digest_whole(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def too_slow(*args: object, **kwargs: object) -> bytes:
        raise runner.ChartTimeout("chart not drawn within 20 s")

    monkeypatch.setattr(runner, "render", too_slow)
    await generated(db)
    subs = await subscribe_three(db)
    request = RecordingRequest()
    await cli_run(db, tmp_path, request)
    assert delivered(request) == {s.chat_id: ["sendMessage", "sendDocument"] for s in subs}


# -- /chart ----------------------------------------------------------------------------------


async def test_chart_command_draws_the_callers_scope(bot: Bot) -> None:
    await generated(bot.db)
    await grant_officials(bot.db)
    bot.clock.now = DIGEST_NOW
    await bot.say(OFFICIAL_GD, "/chart")
    [photo] = bot.request.sent("sendPhoto", OFFICIAL_GD.id)
    assert "广东省" in photo["caption"] and "近14个工作日" in photo["caption"]
    await bot.say(OFFICIAL_GD, "/chart 7")
    assert "近7个工作日" in bot.request.sent("sendPhoto", OFFICIAL_GD.id)[-1]["caption"]
    await bot.say(OFFICIAL_GD, "/chart 999")
    assert "5 到 60" in bot.request.last_text(OFFICIAL_GD.id)
    await bot.say(STRANGER, "/chart")
    assert "只有负责同志" in bot.request.last_text(STRANGER.id)
    assert len(bot.request.sent("sendPhoto")) == 2


async def test_the_check_in_panel_shows_each_rounds_rates(db: Database) -> None:
    from liaisonbot.domain.checkins import Answer, ResumptionStatus
    from liaisonbot.services import checkins

    await generated(db)
    rows = await db.fetch_all(
        "SELECT id FROM enterprises WHERE region_code LIKE '44%' ORDER BY id LIMIT 2"
    )
    first, second = (r["id"] for r in rows)
    days = working_days_before(DAY, 14)
    full, stopped = ResumptionStatus.FULL, ResumptionStatus.NOT_RESUMED
    answers = {
        days[3]: (Answer(full, None, None, 80), Answer(stopped)),
        days[9]: (Answer(full, None, None, 100), Answer(full, None, None, 60)),
    }
    for day, (a, b) in answers.items():
        for eid, answer in ((first, a), (second, b)):
            await checkins.record_answer(db, eid, day, answer, recorded_by=None, now=DIGEST_NOW)
    data = await chart_data(db, SCOPE, DAY, ZONE)
    assert [r.day for r in data.rounds] == [days[3], days[9]]
    figure = draw.build(data, "zh", "广东省")
    assert _series(figure, "resumed") == [50.0, 100.0]  # 复工率: resumed of those who answered
    assert _series(figure, "capacity") == [40.0, 80.0]  # 产能利用率: not resumed counts as 0
    assert len(figure.axes) == 3
    empty = await chart_data(db, DigestScope("35"), DAY, ZONE)
    assert empty.rounds == () and len(draw.build(empty, "zh", "福建省").axes) == 2
