"""The digest's chart: counting its data on a generated ledger, and drawing it.

1. chart_data for a province and nationwide on 100,000 reports (a long history at 300 a day).
2. Drawing the PNG (1080 px wide), warm: matplotlib imported and the font loaded by the first
   one; then ten more, median and worst. Target: ≤ 300 ms warm.
3. Memory: the Python allocations' peak during one drawing (tracemalloc) and the process's peak
   resident size (drawing runs in a worker thread of the bot's process).
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from tests.support.digest_data import SHANGHAI, generate

REPORTS = 100_000
RUNS = 10


async def _run(path: Path, now: datetime) -> None:
    from liaisonbot.charts import draw
    from liaisonbot.charts.data import chart_data
    from liaisonbot.read.digest.scope import DigestScope
    from liaisonbot.store import Database

    day = now.astimezone(SHANGHAI).date()
    async with Database(path) as db:
        datas = {}
        for label, scope in (("province 44", DigestScope("44")), ("nationwide", DigestScope())):
            times = []
            for _ in range(3):
                started = time.perf_counter()
                datas[label] = await chart_data(db, scope, day, SHANGHAI)
                times.append(time.perf_counter() - started)
            print(f"   data {label:<12} {min(times) * 1000:7.1f} ms", flush=True)
    data = datas["nationwide"]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    png = draw.render_png(data, "zh", "全国 · 全部产业链")
    print(
        f"   first drawing (imports matplotlib, loads the font): "
        f"{(time.perf_counter() - started) * 1000:.0f} ms, {len(png) // 1024} KiB",
        flush=True,
    )
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        draw.render_png(data, "zh", "全国 · 全部产业链")
        times.append(time.perf_counter() - started)
    print(
        f"   warm drawing: median {statistics.median(times) * 1000:.0f} ms,"
        f" best {min(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms"
        " (target ≤ 300 ms)",
        flush=True,
    )
    tracemalloc.start()
    draw.render_png(data, "zh", "全国 · 全部产业链")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"   memory: drawing's Python peak {peak / 2**20:.1f} MiB; process peak RSS"
        f" {rss:.0f} MiB ({rss_before:.0f} MiB before the first drawing)",
        flush=True,
    )


def main() -> None:
    from liaisonbot.store import Database

    now = datetime(2026, 11, 26, 8, 30, tzinfo=SHANGHAI).astimezone(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "charts.db"

        async def migrate() -> None:
            async with Database(path):
                pass

        asyncio.run(migrate())
        generate(path, reports=REPORTS, enterprises=20_000, now=now)
        print(f"   {REPORTS:,} reports generated", flush=True)
        asyncio.run(_run(path, now))


if __name__ == "__main__":
    main()
