"""The digest ledger's 政策 sheet: offered and applied in the period and the funnel to date, by
benefit type and region; then policies about to expire and matched policies never offered."""

from __future__ import annotations

from liaisonbot.domain.codes import region_name
from liaisonbot.domain.policies import STAGES
from liaisonbot.files.sheets import TableSink
from liaisonbot.read.policies import PolicyFigures

POLICY_SHEET = "政策"
POLICY_HEADERS = (
    "支持方式",
    "地区",
    "本期推送(家)",
    "本期办结适用(项)",
    *(f"累计{s.label('zh')}" for s in STAGES),
)


def write_policy_sheet(sink: TableSink, figures: PolicyFigures | None) -> None:
    if figures is None or figures.empty:
        return
    sink.table(POLICY_SHEET, POLICY_HEADERS)
    for (benefit, region), counts in sorted(figures.by_kind.items()):
        sink.row(
            [
                benefit.label("zh"),
                region_name(region) or region,
                counts.offered,
                counts.applied,
                *counts.funnel,
            ]
        )
    for title, until in figures.expiring:
        sink.row(["10个工作日内到期", title, until.isoformat()])
    for name, report_id, title in figures.unoffered:
        sink.row(["匹配未推送", name, f"问题 {report_id}", title])
