"""The ledger's (问题台账) columns and the words in its cells, shared by the digest's ledger and
`liaisonbot export ledger` / /export: one column list, so the two files read the same.

A column a source has nothing for stays empty: the export (reports registered in a date range)
has no period, so 本期动态, 已上报未阅, 需协调事项 and 办理经过 are the digest's; both fill the
rest. Positions matter to readers who sort and filter in Excel (and to the tests: 问题标题 is
column 8, 登记时间 column 12, 受理时间 column 18).
"""

from __future__ import annotations

from liaisonbot.domain.codes import region_name
from liaisonbot.files.sheets import WIDTHS
from liaisonbot.read.digest.model import LedgerRow
from liaisonbot.read.event_words import SATISFACTION_CODES, action_words, satisfaction_words

LEDGER_SHEET = "问题台账"

LEDGER_HEADERS = (
    # the item at a glance
    "序号",
    "编号",
    "企业名称",
    "统一社会信用代码",
    "地区",
    "产业链",
    "类别",
    "问题标题",
    "紧急程度",
    "状态",
    "责任人",
    # as registered
    "登记时间",
    "渠道",
    "范围",
    "问题描述",
    "诉求",
    "影响",
    # as handled
    "受理时间",
    "办理方式",
    "时限",
    "办结时间",
    "销号时间",
    "预警",
    "超期",
    "已上报未阅",
    "办理结果",
    "回访",
    "本期动态",
    "最新进展",
    "需协调事项",
    "办理经过",
    # the escalation ladder and coordination (docs/domain.md#escalation-ladder)
    "上报路径",
    "当前层级",
    "协办地区",
    "牵头单位",
    "配合单位",
)
# One row per event: the digest's 本期办理记录 (the period's) and the export's 办理记录.
EVENT_HEADERS = ("序号", "编号", "企业名称", "时间", "操作", "操作人", "原状态", "新状态", "备注")

# The shared widths, and those of the columns only the ledger's sheets have.
LEDGER_WIDTHS = {
    **WIDTHS,
    "销号时间": 17,
    "预警": 8,
    "已上报未阅": 10,
    "回访": 9,
    "本期动态": 24,
    "需协调事项": 24,
    "办理经过": 60,
    "维度": 8,
    "名称": 24,
    "待回访": 8,
    "平均受理时长(小时)": 12,
    "平均办结时长(小时)": 12,
    "满意率": 8,
    "上报路径": 30,
    "当前层级": 14,
    "协办地区": 24,
    "牵头单位": 16,
    "配合单位": 24,
}

# The ledger's words for the ladder: levels and 协办 states.
ASSIST_STATE_LABELS = {"requested": "待接收", "accepted": "已接收", "done": "已办结"}

# 回访 answers (liaisonbot.services.triage; the digest's SATISFACTION_LEVELS), in words.
SATISFACTION_LABELS = {code: satisfaction_words(code, "zh") for code in SATISFACTION_CODES}

# Deadline marks, strongest first (docs/domain.md#deadlines).
WARNING_LABELS = {"supervise": "督办", "overdue": "超期", "due_soon": "临期"}


def level_label(prefix: str | None) -> str:
    """联络群 (None), 部专班 (''), 福建省专班 ('35')."""
    if prefix is None:
        return "联络群"
    if not prefix:
        return "部专班"
    return f"{region_name(prefix) or prefix}专班"


def path_label(prefixes: tuple[str, ...] | list[str]) -> str:
    """联络群 → 福建省专班 → 部专班; empty when never escalated."""
    if not prefixes:
        return ""
    return " → ".join([level_label(None), *(level_label(p) for p in prefixes)])


def assists_label(assists: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> str:
    """广东省深圳市（已接收）、北京市（已办结）."""
    return "、".join(
        f"{region_name(code) or code}（{ASSIST_STATE_LABELS.get(state, state)}）"
        for code, state in assists
    )


def action_label(action: str) -> str:
    """An event kind as the ledger names it: the catalogue's words (action.*), in Chinese."""
    return action_words(action, "zh")


def warning_key(row: LedgerRow) -> str | None:
    """The row's strongest deadline mark: supervise (督办), overdue (超期), due_soon (临期)."""
    return next((key for key in WARNING_LABELS if getattr(row.flags, key)), None)


def warning_label(row: LedgerRow) -> str:
    key = warning_key(row)
    return WARNING_LABELS[key] if key else ""


def ledger_line(values: dict[str, object]) -> list[object]:
    """A row of 问题台账 from its cells by header; a column not given stays empty."""
    return [values.get(header) for header in LEDGER_HEADERS]
