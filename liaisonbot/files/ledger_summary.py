"""The ledger's summary sheets: the digest's 汇总 (its figures overall and by category, region and
chain; definitions in docs/domain.md#digest-figures) and the export's 分类汇总 (per category:
total, in progress, done, overdue and 办结率)."""

from __future__ import annotations

from typing import Any

from liaisonbot.domain.codes import region_name
from liaisonbot.domain.vocabulary import Category
from liaisonbot.files.sheets import Share, TableSink, zh_label
from liaisonbot.read.digest.definitions import FIGURE_DEFINITIONS
from liaisonbot.read.digest.model import SATISFACTION_LEVELS, Digest, Tally

DIGEST_SUMMARY_SHEET = "汇总"
DIGEST_SUMMARY_HEADERS = (
    "维度",
    "名称",
    "新增",
    "受理",
    "办结",
    "销号",
    "重办",
    "上报",
    "在办",
    "待回访",
    "临期",
    "超期",
    "督办",
    "已上报未阅",
    "办结率",
    "平均受理时长(小时)",
    "平均办结时长(小时)",
    "满意",
    "基本满意",
    "不满意",
    "超时未答",
    "满意率",
)
CATEGORY_SUMMARY_SHEET = "分类汇总"
CATEGORY_SUMMARY_HEADERS = ("类别", "问题总数", "办理中", "已办结", "超期", "办结率")


def _rate(value: float | None) -> Share | None:
    """A rate as a percentage cell; empty when there is nothing to divide by."""
    return None if value is None else Share(value)


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _tally_row(dimension: str, name: str, t: Tally) -> list[Any]:
    return [
        dimension,
        name,
        t.new,
        t.accepted,
        t.resolved,
        t.closed,
        t.reopened,
        t.escalated,
        t.open,
        t.awaiting_confirmation,
        t.due_soon,
        t.overdue,
        t.supervise,
        t.escalated_unacked,
        _rate(t.done_rate),
        _hours(t.avg_accept_hours),
        _hours(t.avg_resolve_hours),
        *(t.satisfaction[k] for k in SATISFACTION_LEVELS),
        _rate(t.satisfaction_rate),
    ]


NOTES_SHEET = "说明"
NOTES_HEADERS = ("指标", "口径")


def write_definitions(sink: TableSink) -> None:
    """The 说明 sheet: what each figure counts (liaisonbot.read.digest.definitions)."""
    sink.table(NOTES_SHEET, NOTES_HEADERS)
    for figure, definition in FIGURE_DEFINITIONS:
        sink.row([figure, definition])


def write_digest_summary(sink: TableSink, digest: Digest) -> None:
    sink.table(DIGEST_SUMMARY_SHEET, DIGEST_SUMMARY_HEADERS)
    sink.row(_tally_row("合计", "", digest.total))
    for code, t in sorted(digest.by_category.items()):
        sink.row(_tally_row("类别", zh_label(Category, code), t))
    for code, t in sorted(digest.by_region.items()):
        sink.row(_tally_row("地区", region_name(code) or code, t))
    for chain, t in sorted(digest.by_chain.items()):
        sink.row(_tally_row("产业链", chain or "—", t))


class CategoryCounts:
    """Per category: [total, open, done, overdue], counted as the export's rows are written."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {c.value: [0, 0, 0, 0] for c in Category}

    def add(self, category: str, *, open_: bool, done: bool, overdue: bool) -> None:
        counts = self.counts.setdefault(category, [0, 0, 0, 0])
        counts[0] += 1
        counts[1] += open_
        counts[2] += done
        counts[3] += overdue

    def write(self, sink: TableSink) -> None:
        sink.table(CATEGORY_SUMMARY_SHEET, CATEGORY_SUMMARY_HEADERS)
        totals = [0, 0, 0, 0]
        for code, counts in self.counts.items():
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            sink.row([zh_label(Category, code), *counts, _share(counts[2], counts[0])])
        sink.row(["合计", *totals, _share(totals[2], totals[0])])


def _share(done: int, total: int) -> Share | None:
    return Share(done / total) if total else None
