"""The daily digest: build time on generated ledgers, and delivery to many subscribers.

1. Build the digest for one official (province 44) and nationwide on ledgers of 10,000 /
   100,000 / 1,000,000 reports and 100,000 enterprises. Reports arrive at a constant daily rate,
   so a bigger ledger is a longer history with the same daily activity: the build time should
   stay flat (it follows the period's activity and the open items, not the history).
   Target: <= 0.5 s at 1,000,000.
2. Deliver the digest to 1,000 subscribers through the real sender (AIORateLimiter, RetryAfter,
   retries) against a local aiohttp Bot API stub that answers 429 above 30 messages a second:
   all delivered, none twice.

`generate()` is also the tests' data (tests/digest): deterministic for a seed.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
REGIONS = (
    "110105", "110108", "310115", "320505", "330106", "350102", "350100", "370212",
    "420111", "440106", "440305", "440307", "441900", "510107", "610113", "500112",
)  # fmt: skip
CHAINS = ("汽车", "电子信息", "医疗物资", "装备制造", "纺织服装")
CATEGORIES = (
    "LAB", "SUP", "LOG", "PPE", "FIN", "MKT", "TRD", "POL", "APR", "CTL", "ENE", "CST", "PRJ",
    "OTH",
)  # fmt: skip
URGENCIES = (("URGENT", 1), ("HIGH", 3), ("NORMAL", 7))
OFFICERS = tuple(range(6001, 6021))
HOUR = 3600.0
DAY = 86400.0


def _ts(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="microseconds")


def _path(
    rng: random.Random, t0: float, urgency_days: int
) -> Iterator[tuple[float, str, str, str]]:
    """(time, action, to_state, note) after the submission, in order."""
    roll = rng.random()
    if roll < 0.02:
        yield t0 + rng.uniform(1, 20) * HOUR, "reject", "rejected", "不属于企业困难问题"
        return
    if roll < 0.03:
        yield t0 + rng.uniform(1, 20) * HOUR, "merge", "merged", "与同类问题合并"
        return
    t = t0 + rng.uniform(0.2, 30) * HOUR
    yield t, "accept", "accepted", "NORMAL LOCAL"
    t += rng.uniform(0.5, 24) * HOUR
    yield t, "sign", "in_progress", ""
    if rng.random() < 0.1:
        t += rng.uniform(2, 48) * HOUR
        yield t, "note", "in_progress", "正在协调上下游 <供应> & 物流"
    state = "in_progress"
    if rng.random() < 0.08:
        t += rng.uniform(2, 72) * HOUR
        yield t, "escalate", "escalated", "需跨地区协调"
        state = "escalated"
        if rng.random() < 0.6:
            t += rng.uniform(1, 30) * HOUR
            yield t, "acknowledge", "escalated", ""
    slow = rng.random() < 0.03
    span = rng.uniform(20, 400) if slow else rng.uniform(0.2, 1.6) * urgency_days
    t += span * DAY
    yield t, "resolve", "resolved", "已协调解决"
    if rng.random() < 0.08:
        t += rng.uniform(2, 72) * HOUR
        yield t, "reopen", "in_progress", "仍未解决"
        t += rng.uniform(0.5, 5) * DAY
        yield t, "resolve", "resolved", "再次协调，已解决"
    if rng.random() < 0.2:
        t += 7 * DAY
        yield t, "auto_close", "closed", "TIMEOUT"
    else:
        t += rng.uniform(1, 72) * HOUR
        yield t, "confirm", "closed", "SATISFIED" if rng.random() < 0.8 else "BASIC"
    del state


def generate(
    path: Path | str,
    *,
    reports: int,
    enterprises: int,
    per_day: int = 300,
    now: datetime,
    seed: int = 1,
    batch: int = 50_000,
) -> dict[str, int]:
    """Fill a migrated database with enterprises, officers, reports and their events, created at
    `per_day` reports a day up to `now`; each report's state is where its path is at `now`."""
    rng = random.Random(seed)
    end = now.timestamp()
    start = end - reports / per_day * DAY
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    stamp = _ts(start)
    with conn:
        conn.executemany(
            "INSERT INTO users (user_id, username, full_name, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(u, f"officer{u}", f"联络员{u - 6000}号", stamp, stamp) for u in OFFICERS],
        )
        conn.executemany(
            "INSERT INTO enterprises (id, credit_code, name, region_code, chain, tier,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    i,
                    f"91{i:016d}",
                    f"测试企业{i}有限公司" if i % 97 else f"<b>A&B</b> 企业{i}",
                    REGIONS[i % len(REGIONS)],
                    CHAINS[(i // len(REGIONS)) % len(CHAINS)],
                    "LEADING" if i % 50 == 0 else "CORE_SUPPLIER" if i % 3 == 0 else "OTHER",
                    stamp,
                    stamp,
                )
                for i in range(1, enterprises + 1)
            ),
        )
    report_rows: list[tuple[object, ...]] = []
    event_rows: list[tuple[object, ...]] = []
    counts = {"reports": 0, "events": 0}

    def flush() -> None:
        with conn:
            conn.executemany(
                "INSERT INTO reports (id, enterprise_id, reporter_id, category, title,"
                " urgency, state, assignee_id, due_at, source_key, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                report_rows,
            )
            conn.executemany(
                "INSERT INTO report_events (report_id, actor_id, at, action, from_state,"
                " to_state, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                event_rows,
            )
        counts["reports"] += len(report_rows)
        counts["events"] += len(event_rows)
        report_rows.clear()
        event_rows.clear()

    step = (end - start) / reports
    for rid in range(1, reports + 1):
        t0 = start + (rid - 1) * step + rng.random() * step
        urgency, days = URGENCIES[0 if rng.random() < 0.1 else 1 if rng.random() < 0.3 else 2]
        officer = OFFICERS[rid % len(OFFICERS)]
        state, last = "submitted", t0
        due: str | None = None
        assignee: int | None = None
        event_rows.append((rid, 5000 + rid % 997, _ts(t0), "submit", None, "submitted", ""))
        for at, action, to_state, note in _path(rng, t0, days):
            if at >= end:
                break
            if action == "accept":
                due = _ts(at + days * DAY)
                assignee = officer
                note = f"{urgency} LOCAL"
            event_rows.append((rid, officer, _ts(at), action, state, to_state, note))
            state, last = to_state, at
        title = f"问题{rid}：原材料供应不足" if rid % 101 else f"问题{rid} <script>&amp;"
        report_rows.append(
            (
                rid,
                1 + rng.randrange(enterprises),
                5000 + rid % 997,
                CATEGORIES[rng.randrange(len(CATEGORIES))],
                title,
                urgency,
                state,
                assignee,
                due,
                f"gen:{rid}",
                _ts(t0),
                _ts(last),
            )
        )
        if len(report_rows) >= batch:
            flush()
    flush()
    conn.close()
    return counts


# -- 1. build time ----------------------------------------------------------------------------


async def _build_times(path: Path, now: datetime) -> dict[str, tuple[float, int, int]]:
    from liaisonbot.read.digest import DigestScope, build_digest, digest_period
    from liaisonbot.store import Database

    day = now.astimezone(SHANGHAI).date()
    period = digest_period(day, SHANGHAI)
    out = {}
    async with Database(path) as db:
        for label, scope in (("official 44", DigestScope("44")), ("nationwide", DigestScope())):
            best = float("inf")
            digest = None
            for _ in range(3):
                started = time.perf_counter()
                digest = await build_digest(db, scope, period, now=now, zone=SHANGHAI)
                best = min(best, time.perf_counter() - started)
            assert digest is not None
            out[label] = (best, len(digest.rows), len(digest.events))
    return out


def bench_build(sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)) -> None:
    from liaisonbot.store import Database

    now = datetime(2026, 11, 26, 0, 30, tzinfo=SHANGHAI).astimezone(UTC)
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "digest.db"

            async def migrate(p: Path = path) -> None:
                async with Database(p):
                    pass

            asyncio.run(migrate())
            started = time.perf_counter()
            counts = generate(path, reports=size, enterprises=100_000, now=now)
            generated = time.perf_counter() - started
            print(
                f"   {size:>9,} reports, {counts['events']:>9,} events, 100,000 enterprises:"
                f" generated in {generated:.1f} s",
                flush=True,
            )
            for label, (seconds, rows, events) in asyncio.run(_build_times(path, now)).items():
                print(
                    f"      {label:<12} build {seconds * 1000:7.1f} ms"
                    f"  ({rows:,} ledger rows, {events:,} period events)",
                    flush=True,
                )


# -- 2. delivery --------------------------------------------------------------------------------


class _Stub:
    """A Bot API stub: getMe, sendMessage and sendDocument; 429 above `rate` messages a second
    (sliding window over both kinds), as Telegram does."""

    def __init__(self, rate: int = 30) -> None:
        self.rate = rate
        self.window: list[float] = []
        self.sent: dict[tuple[int, str], int] = {}
        self.rejected = 0
        self.next_id = 1

    async def handle(self, request: object) -> object:
        from aiohttp import web

        assert isinstance(request, web.Request)
        method = request.match_info["method"]
        if method == "getMe":
            return web.json_response(
                {
                    "ok": True,
                    "result": {
                        "id": 1,
                        "is_bot": True,
                        "first_name": "Bench",
                        "username": "BenchBot",
                    },
                }
            )
        if method not in ("sendMessage", "sendDocument"):
            return web.json_response({"ok": True, "result": True})
        data = await request.post()
        chat_id = int(str(data["chat_id"]))
        now = time.monotonic()
        self.window = [t for t in self.window if now - t < 1.0]
        if len(self.window) >= self.rate:
            self.rejected += 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        self.window.append(now)
        key = (chat_id, method)
        self.sent[key] = self.sent.get(key, 0) + 1
        self.next_id += 1
        message = {
            "message_id": self.next_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "x"},
        }
        return web.json_response({"ok": True, "result": message})


async def _deliver(subscribers: int, path: Path, now: datetime) -> None:
    from aiohttp import web
    from telegram.ext import ExtBot

    from handlers.digest.jobs import send_now, smooth_rate_limiter
    from liaisonbot.config import Settings
    from liaisonbot.domain.models import RoleGrant
    from liaisonbot.domain.vocabulary import Role
    from liaisonbot.read.digest.scope import DigestScope
    from liaisonbot.services import people, subscriptions
    from liaisonbot.store import Database

    stub = _Stub()
    app = web.Application(client_max_size=20 * 1024 * 1024)
    app.router.add_post("/bot{token}/{method}", stub.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    settings = Settings(token="1:BENCH", api_base=f"http://127.0.0.1:{port}/bot", db=path)
    scopes = [DigestScope(p) for p in ("44", "35", "11", "31", "4403")]
    try:
        async with Database(path) as db:
            for i in range(subscribers):
                user = 100_000 + i
                scope = scopes[i % len(scopes)]
                await people.grant_role(
                    db,
                    RoleGrant(user_id=user, role=Role.OFFICIAL, region_prefix=scope.region_prefix),
                    now,
                )
                await subscriptions.subscribe(
                    db, chat_id=user, owner_id=user, scope=scope, now=now - timedelta(days=1)
                )
            bot = ExtBot(
                "1:BENCH",
                base_url=settings.api_base,
                rate_limiter=smooth_rate_limiter(),
            )
            started = time.perf_counter()
            report = await asyncio.wait_for(
                send_now(db, settings, bot=bot, now=now, concurrency=32), timeout=300
            )
            elapsed = time.perf_counter() - started
            again = await send_now(
                db, settings, bot=ExtBot("1:BENCH", base_url=settings.api_base), now=now
            )
    finally:
        await runner.cleanup()
    messages = sum(v for (_, m), v in stub.sent.items() if m == "sendMessage")
    documents = sum(v for (_, m), v in stub.sent.items() if m == "sendDocument")
    twice = sum(1 for v in stub.sent.values() if v > 1)
    print(
        f"   {subscribers:,} subscribers: {report.count(report_outcome('sent')):,} sent in"
        f" {elapsed:.1f} s ({messages:,} messages + {documents:,} ledgers,"
        f" {stub.rejected} answered 429); twice: {twice}; second run sent"
        f" {again.count(report_outcome('sent'))}",
        flush=True,
    )


def report_outcome(name: str) -> object:
    from liaisonbot.services.digest_delivery import Outcome

    return Outcome(name)


def bench_delivery(subscribers: int = 1000) -> None:
    from liaisonbot.store import Database

    now = datetime(2026, 11, 26, 8, 30, tzinfo=SHANGHAI).astimezone(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deliver.db"

        async def migrate() -> None:
            async with Database(path):
                pass

        asyncio.run(migrate())
        generate(path, reports=20_000, enterprises=5_000, now=now)
        asyncio.run(_deliver(subscribers, path, now))


def main() -> None:
    print("digest build time (best of 3):", flush=True)
    bench_build()
    print("digest delivery against a 30 messages/s stub:", flush=True)
    bench_delivery()


if __name__ == "__main__":
    main()
