"""Run every benchmark in turn: `python -m bench [name ...]`."""

from __future__ import annotations

import importlib
import sys

BENCHES = (
    "bench_intake",
    "bench_import",
    "bench_digest",
    "bench_bombs",
    "bench_locks",
    "bench_crash",
    "bench_checkins",
    "bench_charts",
    "bench_search",
)


def main(argv: list[str]) -> int:
    names = argv or list(BENCHES)
    for name in names:
        print(f"== {name}", flush=True)
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            print(f"   skipped: {exc}")
            continue
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
