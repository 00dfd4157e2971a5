"""The daily digest: build time on generated ledgers, and delivery to many subscribers.

1. Build the digest for one official (province 44) and nationwide on ledgers of 10,000 /
   100,000 / 1,000,000 reports and 100,000 enterprises. Reports arrive at a constant daily rate,
   so a bigger ledger is a longer history with the same daily activity: the build time should
   stay flat (it follows the period's activity and the open items, not the history).
   Target: <= 0.5 s at 1,000,000.
2. Deliver the digest to 1,000 subscribers through the real sender (AIORateLimiter, RetryAfter,
   retries) against a local aiohttp Bot API stub that answers 429 above 30 messages a second:
   all delivered, none twice.

The ledgers come from `tests.support.digest_data.generate` (the tests' data too).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.digest_data import SHANGHAI, generate

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
