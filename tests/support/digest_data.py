"""Generated ledgers for the digest's tests and bench: enterprises, officers, reports and their
events, created at a constant daily rate up to a given moment. Deterministic for a seed."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
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
        # half of the redos within hours: resolved twice (and rated twice) on one day
        quick = rng.random() < 0.5
        t += rng.uniform(0.5, 2) * HOUR if quick else rng.uniform(2, 72) * HOUR
        yield t, "reopen", "in_progress", "仍未解决"
        t += rng.uniform(0.5, 2) * HOUR if quick else rng.uniform(0.5, 5) * DAY
        yield t, "resolve", "resolved", "再次协调，已解决"
        if quick:
            t += rng.uniform(0.2, 1) * HOUR
            yield t, "confirm", "closed", "SATISFIED"
            return
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
