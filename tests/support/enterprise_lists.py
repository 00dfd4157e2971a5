"""Generated enterprise lists (名单) of any size, for the benches and the tests: valid credit
codes, leading enterprises and suppliers linked to one or two of them, liaison officers, a contact
for every other enterprise; written as GB18030 CSV (what Chinese Excel saves)."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

from stdnum.cn import uscc

from liaisonbot.files.list_headers import ZH_HEADERS

LEADING = 1_000
OFFICERS = 500
HEADERS = list(ZH_HEADERS)
REGIONS = [
    "110108", "110105", "120101", "130102", "310104", "310115", "320102", "320505", "330106",
    "340104", "350102", "370102", "410105", "420106", "430104", "440106", "440305", "500103",
    "510107", "610113",
]  # fmt: skip
CHAINS = ["汽车", "电子信息", "医疗物资", "装备制造", "纺织服装", "食品"]
SIZES = ["大型", "中型", "小型", "微型"]
_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(region: str, serial: int) -> str:
    """A valid code: 91 (an enterprise registered with market regulation), division, org code."""
    org = ""
    n = serial
    for _ in range(9):
        n, digit = divmod(n, len(_ORG_ALPHABET))
        org = _ORG_ALPHABET[digit] + org
    body = f"91{region}{org}"
    return body + uscc.calc_check_digit(body)


def generate_rows(
    rows: int, seed: int = 20200301, *, leading: int = LEADING, officers: int = OFFICERS
) -> list[list[Any]]:
    """`rows` rows: the first `leading` are leading enterprises, the others their suppliers."""
    rnd = random.Random(seed)
    leading_codes: list[str] = []
    out: list[list[Any]] = []
    for i in range(rows):
        region = REGIONS[i % len(REGIONS)]
        code = credit_code(region, 10_000 + i)
        chain = CHAINS[i % len(CHAINS)]
        officer = 7_000_000_000 + (i % officers)
        contact = str(8_000_000_000 + i) if i % 2 else ""
        if i < leading:
            leading_codes.append(code)
            tier, refs, relation = "龙头", "", ""
        else:
            tier = "核心配套" if i % 3 else "其他"
            refs = "；".join(rnd.sample(leading_codes, rnd.choice((1, 1, 2))))
            relation = "上游" if i % 4 else "下游"
        out.append(
            [
                f"测试企业{i:06d}有限公司",
                code,
                region,
                chain,
                tier,
                refs,
                relation,
                "是" if i % 10 == 0 else "否",
                SIZES[i % len(SIZES)],
                officer,
                contact,
            ]
        )
    return out


def write_csv(path: Path, rows: list[list[Any]]) -> None:
    with path.open("w", encoding="gb18030", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        writer.writerows(rows)
