"""Benchmark: import a generated 100,000-row enterprise list into a fresh database on disk.

Target: at most 10 s and a peak memory under 300 MB. Each import runs in a fresh child process so
that its peak resident set size (ru_maxrss) is the import's own, not the generator's; the figure
includes the interpreter and the libraries it loads. The list has 1,000
leading enterprises and 99,000 suppliers linked to one or two of them, 500 liaison officers (so
officer grants are written) and a contact for every other enterprise. It is written as GB18030
CSV (what Chinese Excel saves) and imported twice: the second import must change nothing.

The same list is also written as .xlsx and imported (read with python-calamine; openpyxl's
read-only reader alone took ~13 s for these rows).

Usage: `python bench/bench_import.py [ROWS] [--format csv|xlsx|both]`, or `main()` for both.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.support.enterprise_lists import HEADERS, generate_rows, write_csv

ROWS = 100_000
TARGET_SECONDS = 10.0
TARGET_MB = 300.0


def write_xlsx(path: Path, rows: list[list[Any]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("名单")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)


def _child(list_path: str, db_path: str, queue: Any) -> None:
    """Runs in a fresh process: one import; reports its time, counts and this process's peak RSS."""
    from liaisonbot.services.enterprise_import.importer import import_enterprises
    from liaisonbot.store import Database

    async def run() -> dict[str, Any]:
        db = await Database(db_path).open()
        try:
            started = time.perf_counter()
            result = await import_enterprises(db, Path(list_path), now=datetime.now(UTC))
            return {
                "seconds": time.perf_counter() - started,
                "created": result.created,
                "changed": result.created + result.updated,
                "unchanged": result.unchanged,
                "errors": len(result.errors),
                "grants": len(result.grants),
            }
        finally:
            await db.close()

    report = asyncio.run(run())
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report["peak_mb"] = rss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    queue.put(report)


def measure(list_path: Path, db_path: Path) -> dict[str, Any]:
    """One import in a fresh process, so that the peak memory is that import's own."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(str(list_path), str(db_path), queue))
    process.start()
    report = queue.get()
    process.join()
    return report


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark; exit with status 1 if a run misses the target. `argv=None`: defaults
    (100,000 rows, CSV and .xlsx), so that a runner with its own command line can call `main()`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=ROWS)
    parser.add_argument("--format", choices=("csv", "xlsx", "both"), default="both")
    args = parser.parse_args(list(argv or ()))

    formats = ["csv", "xlsx"] if args.format == "both" else [args.format]
    failed = False
    with tempfile.TemporaryDirectory(prefix="liaisonbot-bench-") as tmp:
        rows = generate_rows(args.rows)
        for fmt in formats:
            list_path = Path(tmp) / f"list.{fmt}"
            started = time.perf_counter()
            (write_csv if fmt == "csv" else write_xlsx)(list_path, rows)
            made = time.perf_counter() - started
            size_mb = list_path.stat().st_size / 1e6
            db_path = Path(tmp) / f"{fmt}.db"
            first = measure(list_path, db_path)
            again = measure(list_path, db_path)  # the same list again: nothing may change
            ok = (
                max(first["seconds"], again["seconds"]) <= TARGET_SECONDS
                and max(first["peak_mb"], again["peak_mb"]) < TARGET_MB
                and first["errors"] == 0
                and first["created"] == args.rows
                and again["changed"] == 0
            )
            failed |= not ok
            print(
                f"{fmt:4}  {args.rows} rows ({size_mb:.1f} MB, generated in {made:.1f} s):"
                f" import {first['seconds']:.2f} s, peak RSS {first['peak_mb']:.0f} MB;"
                f" created {first['created']}, officer grants {first['grants']},"
                f" errors {first['errors']};"
                f" re-import {again['seconds']:.2f} s, peak RSS {again['peak_mb']:.0f} MB,"
                f" unchanged {again['unchanged']}, changed {again['changed']}"
                f"  [{'ok' if ok else 'OVER TARGET'}: ≤{TARGET_SECONDS:.0f} s, <{TARGET_MB:.0f} MB]"
            )
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
