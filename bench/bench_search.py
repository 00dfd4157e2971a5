"""Search (/find) on 50,000 reports: the first indexing, then the p95 of searches.

The ledger comes from `tests.support.digest_data.generate`, its titles, descriptions and asks
rewritten from a vocabulary of the notice's difficulties (芯片, 复工, 补贴 …) so that common and
rare words, two-character and longer ones, are all there. Each query runs 40 times, for an
official of a province, a contact (one enterprise) and the admin; the p95 of each is printed.
Target: p95 ≤ 200 ms.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.support.digest_data import SHANGHAI, generate

REPORTS = 50_000
RUNS = 40
SUBJECTS = (
    "芯片供应短缺", "复工人员不足", "稳岗补贴申请", "原材料运不进厂", "物流通行证办理",
    "口罩等防疫物资紧缺", "贷款到期续贷困难", "出口订单取消", "用电用气成本上升",
    "上游配套企业未复工", "员工返岗隔离", "应收账款拖欠", "重点项目审批慢", "集装箱短缺",
)  # fmt: skip
DETAILS = (
    "影响整车生产", "进口芯片断供两周", "申请社保减免和稳岗补贴", "高速路口通行受限",
    "外地员工无法返岗", "资金周转困难", "供应商在湖北尚未复工", "海关通关时间延长",
    "希望协调上下游", "请求减免租金", "产能利用率不足五成", "订单交付延期",
)  # fmt: skip
QUERIES = ("芯片", "补贴", "复工", "芯片 办理中", "补贴 近30天", "海关通关", "集装箱", "稀有词汇")


def _rewrite(path: Path, seed: int = 3) -> None:
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT id FROM reports").fetchall()
    with conn:
        conn.executemany(
            "UPDATE reports SET title = ?, description = ?, ask = ? WHERE id = ?",
            (
                (
                    rng.choice(SUBJECTS),
                    "，".join(rng.sample(DETAILS, 2)),
                    rng.choice(DETAILS),
                    rid,
                )
                for (rid,) in rows
            ),
        )
    conn.close()


async def _run(path: Path, now: datetime) -> None:
    from liaisonbot.search import index, segmenter
    from liaisonbot.search.query import SearchScope, search
    from liaisonbot.search.terms import parse
    from liaisonbot.store import Database

    started = time.perf_counter()
    await segmenter.load()
    print(f"   jieba loaded in {time.perf_counter() - started:.2f} s", flush=True)
    async with Database(path) as db:
        started = time.perf_counter()
        indexed = await index.refresh(db)
        print(
            f"   first indexing: {indexed:,} reports in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        contact = await db.fetch_one("SELECT enterprise_id FROM reports ORDER BY id DESC LIMIT 1")
        assert contact is not None
        scopes = {
            "official 44": SearchScope(grants=(("44", ""),), staff=True),
            "contact": SearchScope(enterprise_id=contact[0]),
            "admin": SearchScope(everything=True, staff=True),
        }
        worst = 0.0
        for label, scope in scopes.items():
            for text in QUERIES:
                query = parse(text)
                times = []
                hits = 0
                for _ in range(RUNS):
                    begun = time.perf_counter()
                    page = await search(db, scope, query, now=now)
                    times.append(time.perf_counter() - begun)
                    hits = len(page.hits)
                p95 = statistics.quantiles(times, n=20)[-1] * 1000
                worst = max(worst, p95)
                print(
                    f"   {label:<12} {text:<12}\tp50 {statistics.median(times) * 1000:6.1f} ms"
                    f"  p95 {p95:6.1f} ms  ({hits} on the first page)",
                    flush=True,
                )
        print(f"   worst p95 {worst:.1f} ms (target ≤ 200 ms)", flush=True)


def main() -> None:
    from liaisonbot.store import Database

    now = datetime(2026, 11, 26, 0, 30, tzinfo=SHANGHAI).astimezone(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "search.db"

        async def migrate() -> None:
            async with Database(path):
                pass

        asyncio.run(migrate())
        generate(path, reports=REPORTS, enterprises=5_000, now=now)
        _rewrite(path)
        print(f"   {REPORTS:,} reports generated", flush=True)
        asyncio.run(_run(path, now))


if __name__ == "__main__":
    main()
