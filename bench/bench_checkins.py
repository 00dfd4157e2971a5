"""Check-ins: a round's wave, and the figures of a round.

1. A round to 10,000 enterprises (BENCH_CHECKIN_ROUND to change it) through the real sender
   (handlers/checkins/rounds.py) and the two-lane rate limiter, against the local Bot API stub of
   bench_digest that answers 429 above 30 messages a second. Reported: time ÷ Telegram's floor
   (messages ÷ 30 s), target ≤ 1.1; enterprises asked twice and missed (target 0 and 0); a second
   run (a restart) asks nobody. Meanwhile 200 interactive replies go through the same bot: p99
   time to send, target ≤ 1 s.
2. The figures of a round (picture + 未复工达产名单) on 100,000 enterprises: one official's
   scope (a province) and nationwide. Target ≤ 0.5 s for one official's scope.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from stdnum.cn import uscc

ROUND_OPEN = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)  # 16:30 in Shanghai, a working day
DAY = date(2026, 11, 26)
PROVINCES = ("11", "31", "32", "33", "35", "37", "41", "42", "44", "51")


def _code(i: int) -> str:
    body = f"91{i:015d}"[:17]
    return body + uscc.calc_check_digit(body)


async def _seed(path: Path, enterprises: int, *, answers: bool) -> None:
    """Enterprises with one contact each; with `answers`, two rounds of asks and answers."""
    from liaisonbot.clock import to_db
    from liaisonbot.store import Database

    rng = random.Random(7)
    now = to_db(ROUND_OPEN)
    async with Database(path) as db:
        conn = db.conn
        await conn.execute("BEGIN")
        await conn.executemany(
            "INSERT INTO enterprises (id, credit_code, name, region_code, chain, tier, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i,
                    _code(i),
                    f"企业{i}",
                    rng.choice(PROVINCES) + "0100",
                    rng.choice(("汽车", "电子", "医药")),
                    rng.choice(("LEADING", "CORE_SUPPLIER", "CORE_SUPPLIER", "OTHER")),
                    now,
                    now,
                )
                for i in range(1, enterprises + 1)
            ],
        )
        await conn.executemany(
            "INSERT INTO contacts (user_id, enterprise_id, bound_at) VALUES (?, ?, ?)",
            [(1_000_000 + i, i, now) for i in range(1, enterprises + 1)],
        )
        if answers:
            leading = list(range(1, enterprises + 1, 4))
            await conn.executemany(
                "INSERT OR IGNORE INTO enterprise_links (supplier_id, leading_id) VALUES (?, ?)",
                [(i, rng.choice(leading)) for i in range(2, enterprises + 1, 4)],
            )
            for day in ("2026-11-25", DAY.isoformat()):
                await conn.executemany(
                    "INSERT INTO checkin_asks (round_date, enterprise_id, opens_at, closes_at,"
                    " status, claimed_at) VALUES (?, ?, ?, ?, 'sent', ?)",
                    [(day, i, now, now, now) for i in range(1, enterprises + 1)],
                )
                rows = []
                for i in range(1, enterprises + 1):
                    if rng.random() < 0.1:
                        continue  # 未报
                    status = rng.choice(("NOT_RESUMED", "PARTIAL", "PARTIAL", "FULL"))
                    registered = rng.randint(20, 2000)
                    rows.append(
                        (
                            i,
                            day,
                            status,
                            registered,
                            rng.randint(0, registered),
                            rng.randint(0, 100),
                            "LOG",
                            now,
                        )
                    )
                await conn.executemany(
                    "INSERT INTO checkin_answers (enterprise_id, round_date, version, status,"
                    " registered, on_duty, capacity, bottleneck, answered_at)"
                    " VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
        await conn.commit()


async def _round(enterprises: int, path: Path) -> None:
    from aiohttp import web
    from telegram.ext import ExtBot

    from bench.bench_digest import _Stub
    from handlers.checkins import rounds
    from handlers.common import Deps
    from handlers.rate_lanes import LaneRateLimiter
    from liaisonbot.config import Settings
    from liaisonbot.store import Database

    stub = _Stub()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", stub.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    settings = Settings(token="1:BENCH", api_base=f"http://127.0.0.1:{port}/bot", db=path)
    latencies: list[float] = []
    try:
        async with Database(path) as db:
            limiter = LaneRateLimiter()
            bot = ExtBot("1:BENCH", base_url=settings.api_base, rate_limiter=limiter)
            d = Deps(db=db, settings=settings, clock=lambda: ROUND_OPEN)
            async with bot:

                async def reply(i: int) -> None:
                    await asyncio.sleep(i * 0.05)  # 200 replies over the first 10 s
                    started = time.perf_counter()
                    await bot.send_message(5_000_000 + i, "ack")
                    latencies.append(time.perf_counter() - started)

                started = time.perf_counter()
                replies = asyncio.gather(*(reply(i) for i in range(200)))
                result = await rounds.send_round(bot, d)
                elapsed = time.perf_counter() - started
                await replies
                again = await rounds.send_round(bot, d)
    finally:
        await runner.cleanup()
    asked = {c for (c, m), _ in stub.sent.items() if m == "sendMessage" and c < 5_000_000}
    twice = sum(1 for (c, _), v in stub.sent.items() if v > 1 and c < 5_000_000)
    missed = enterprises - len(asked)
    messages = result.asked + len(latencies)
    floor = messages / 30
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) > 2 else max(latencies)
    print(
        f"   round to {enterprises:,} enterprises: {result.asked:,} asked in {elapsed:.1f} s"
        f" (+{len(latencies)} replies); floor {floor:.1f} s; ratio {elapsed / floor:.3f}"
        f" (target <= 1.1); twice {twice}, missed {missed}; 429 answers {stub.rejected};"
        f" second run asked {again.asked}",
        flush=True,
    )
    print(
        f"   interactive replies during the round: p50 {statistics.median(latencies) * 1000:.0f}"
        f" ms, p99 {p99 * 1000:.0f} ms (target <= 1000 ms)",
        flush=True,
    )


async def _figures(path: Path) -> None:
    from liaisonbot.read import checkins as views
    from liaisonbot.store import Database

    async with Database(path) as db:
        for label, prefix in (("official 44", "44"), ("nationwide", "")):
            best = float("inf")
            for _ in range(3):
                started = time.perf_counter()
                picture = await views.picture(db, DAY, region_prefix=prefix)
                shortfalls = await views.shortfalls(db, DAY, items=picture.entries)
                best = min(best, time.perf_counter() - started)
            assert picture is not None and shortfalls is not None
            print(
                f"   {label:<12} figures + 未复工达产名单 {best * 1000:7.1f} ms"
                f"  ({picture.total.expected:,} expected, {len(shortfalls.below):,} listed)",
                flush=True,
            )


def _migrated(path: Path) -> None:
    from liaisonbot.store import Database

    async def migrate() -> None:
        async with Database(path):
            pass

    asyncio.run(migrate())


def main() -> None:
    size = int(os.environ.get("BENCH_CHECKIN_ROUND", "10000"))
    print(f"check-in round against a 30 messages/s stub ({size:,} enterprises):", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "round.db"
        _migrated(path)
        asyncio.run(_seed(path, size, answers=False))
        asyncio.run(_round(size, path))
    print("check-in figures on 100,000 enterprises (best of 3):", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "figures.db"
        _migrated(path)
        asyncio.run(_seed(path, 100_000, answers=True))
        asyncio.run(_figures(path))


if __name__ == "__main__":
    main()
