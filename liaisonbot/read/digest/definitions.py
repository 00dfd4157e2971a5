"""What each digest figure counts (口径), written once: the ledger's 说明 sheet prints these, and
docs/domain.md#digest-figures says the same (a test checks every figure is there).

Counts are of reports, not of events: a report resolved twice in the period is one 办结, and
满意率 uses each report's latest answer in the period.
"""

from __future__ import annotations

FIGURE_DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("统计时段", "定时日调度：前一自然日 0:00 至 24:00"
     "（跳过非工作日的订阅：自上一个工作日 0:00 起）；"
     "/digest：今日 0:00 至生成时刻（截至），并列前一日全天数字"),
    ("新增", "统计时段内登记的问题数"),
    ("受理", "统计时段内受理过的问题数（每个问题计一次）"),
    ("办结", "统计时段内办结过的问题数（同一问题时段内办结两次也只计一次）"),
    ("销号", "统计时段内销号的问题数（企业评价或到期自动销号）"),
    ("重办", "统计时段内因企业不满意而重办的问题数"),
    ("上报", "统计时段内上报专班的问题数"),
    ("在办", "截至生成时刻处于已登记、已受理、办理中、待补充、已上报状态的问题数"),
    ("待回访", "截至生成时刻已办结、等待企业评价的问题数"),
    ("临期 / 超期 / 督办", "截至生成时刻带有该预警的在办问题数；超期含督办"),
    ("已上报未阅", "已上报、且最近一次上报后专班无人点“已阅”的问题数"),
    ("办结率", "台账中已办结或已销号的问题数 ÷ 台账中受理办理的问题数（不含不予受理、已合并）"),
    ("平均受理时长", "时段内受理的问题，从登记到首次受理的平均小时数"),
    ("平均办结时长", "时段内办结的问题，从登记到时段内最后一次办结的平均小时数"),
    ("满意 / 基本满意 / 不满意 / 超时未答", "时段内有评价的问题，按每个问题最新一次评价计数"
     "（重办计为不满意，到期自动销号计为超时未答）"),
    ("满意率", "（满意 + 基本满意）÷（满意 + 基本满意 + 不满意）；超时未答不计入"),
)  # fmt: skip
