"""Benchmark: how long an enterprise import holds the write lock, and what reporters feel meanwhile.

A 100,000-row list (bench_import's generator) is imported in a child process while this process
files one-line reports through `services.intake.submit_report` in a loop on its own connection, as
the bot would. Printed: the import's time, its longest write-lock hold (`Database.longest_hold`,
measured inside the child), and p50 / p99 / max of the report writes' latency during the import.

Target: longest hold ≤ ~1 s and no report write failed.

Usage: `python -m bench.bench_locks [ROWS]`, or `main()`.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from liaisonbot.domain.models import ReportContent
from liaisonbot.domain.vocabulary import Category
from liaisonbot.services import intake
from liaisonbot.store import Database
from tests.support.enterprise_lists import generate_rows, write_csv
from tests.support.world import CONTACT, seed_world

ROWS = 100_000
TARGET_HOLD_S = 1.0
REPORT_PAUSE_S = 0.02  # a burst: ~50 reports a second when the lock is free


def _child(list_path: str, db_path: str, queue: Any, go: Any) -> None:
    """Runs in a fresh process: one import; reports its time and its write-lock holds."""
    from liaisonbot.services.enterprise_import.importer import import_enterprises

    async def run() -> dict[str, Any]:
        db = await Database(db_path).open()
        go.set()
        try:
            started = time.perf_counter()
            result = await import_enterprises(db, Path(list_path), now=datetime.now(UTC))
            return {
                "seconds": time.perf_counter() - started,
                "created": result.created,
                "errors": len(result.errors),
                "applied": result.applied,
                "longest_hold": db.longest_hold,
                "holds": db.holds,
                "total_hold": db.total_hold,
            }
        finally:
            await db.close()

    queue.put(asyncio.run(run()))


async def _reports_during(db: Database, process: Any) -> tuple[list[float], int]:
    """File reports until the import's process ends: each one's latency, and the failures."""
    latencies: list[float] = []
    failed = 0
    n = 0
    while process.is_alive():
        n += 1
        content = ReportContent(category=Category.LOG, title=f"原材料运不进厂 {n}")
        started = time.perf_counter()
        try:
            await intake.submit_report(
                db,
                reporter_id=CONTACT.id,
                content=content,
                source_key=f"bench:{n}",
                now=datetime.now(UTC),
            )
        except Exception as exc:  # counted, and the first one said
            failed += 1
            if failed == 1:
                print(f"   a report write failed: {exc!r}")
        else:
            latencies.append(time.perf_counter() - started)
        await asyncio.sleep(REPORT_PAUSE_S)
    return latencies, failed


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _run(rows: int, tmp: Path) -> bool:
    list_path = tmp / "list.csv"
    write_csv(list_path, generate_rows(rows))
    db_path = tmp / "locks.db"
    db = await Database(db_path).open()
    try:
        await seed_world(db)
        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        go = ctx.Event()
        process = ctx.Process(target=_child, args=(str(list_path), str(db_path), queue, go))
        process.start()
        await asyncio.to_thread(go.wait)
        latencies, failed = await _reports_during(db, process)
        report = await asyncio.to_thread(queue.get)
        process.join()
    finally:
        await db.close()

    hold = report["longest_hold"]
    ok = hold <= TARGET_HOLD_S and failed == 0 and report["applied"] and report["errors"] == 0
    ms = 1000.0
    print(
        f"import {rows} rows: {report['seconds']:.2f} s, created {report['created']},"
        f" {report['holds']} write transactions holding the lock {report['total_hold']:.1f} s"
        " in all,"
        f" longest write-lock hold {hold * ms:.0f} ms"
    )
    print(
        f"reports during the import: {len(latencies)} written, {failed} failed;"
        f" latency p50 {_pct(latencies, 50) * ms:.0f} ms, p99 {_pct(latencies, 99) * ms:.0f} ms,"
        f" max {max(latencies, default=float('nan')) * ms:.0f} ms"
        f" (mean {statistics.fmean(latencies) * ms if latencies else float('nan'):.0f} ms)"
        f"  [{'ok' if ok else 'OVER TARGET'}: hold ≤{TARGET_HOLD_S:.0f} s, no report failed]"
    )
    return ok


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=ROWS)
    args = parser.parse_args(list(argv or ()))
    with tempfile.TemporaryDirectory(prefix="liaisonbot-bench-") as tmp:
        ok = asyncio.run(_run(args.rows, Path(tmp)))
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
