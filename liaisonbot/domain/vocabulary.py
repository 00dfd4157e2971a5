"""The notice's vocabulary: categories, urgency, scope, mode, states, roles and tiers.

Each term carries its Chinese and English label so that every layer, the Excel ledger included,
uses the same words. Labels are domain data (they appear in exports and digests), which is why
they live here and not in the chat text catalogue.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Labelled(StrEnum):
    """A StrEnum whose members have a Chinese and an English label."""

    @property
    def zh(self) -> str:
        return _LABELS[type(self).__name__][self.value][0]

    @property
    def en(self) -> str:
        return _LABELS[type(self).__name__][self.value][1]

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    @classmethod
    def parse(cls, text: str) -> Self | None:
        """Find a member by code (any case) or by its Chinese or English label."""
        needle = text.strip()
        if not needle:
            return None
        for member in cls:
            if needle.upper() == member.value.upper() or needle == member.zh:
                return member
            if needle.lower() == member.en.lower():
                return member
        return None


class Category(Labelled):
    """The 14 kinds of difficulty. Buttons use the short names; the full names go in cards,
    ledgers and digests."""

    LAB = "LAB"
    SUP = "SUP"
    LOG = "LOG"
    PPE = "PPE"
    FIN = "FIN"
    MKT = "MKT"
    TRD = "TRD"
    POL = "POL"
    APR = "APR"
    CTL = "CTL"
    ENE = "ENE"
    CST = "CST"
    PRJ = "PRJ"
    OTH = "OTH"

    def short_label(self, lang: str) -> str:
        zh, en = _SHORT_CATEGORY[self.value]
        return en if lang == "en" else zh

    @classmethod
    def parse(cls, text: str) -> Category | None:
        """A code, a full name or a short name (`物流`, `logistics`) in either language."""
        found = super().parse(text)
        if found is not None:
            return found
        needle = text.strip().lower()
        if not needle:
            return None
        names = {m: [n.lower() for n in (*_SHORT_CATEGORY[m.value], m.zh, m.en)] for m in cls}
        for member, known in names.items():
            if needle in known:
                return member
        # a part of a name, when only one category has it (`运输`, `融资`)
        partial = [m for m, known in names.items() if any(needle in n for n in known)]
        return partial[0] if len(partial) == 1 else None


# Short names that fit two or three buttons to a row on a phone; they parse as categories too.
_SHORT_CATEGORY: dict[str, tuple[str, str]] = {
    "LAB": ("用工返岗", "Labour"),
    "SUP": ("供应配套", "Supply"),
    "LOG": ("物流运输", "Logistics"),
    "PPE": ("防疫物资", "PPE"),
    "FIN": ("资金融资", "Finance"),
    "MKT": ("订单市场", "Orders"),
    "TRD": ("外贸进出口", "Trade"),
    "POL": ("政策落实", "Policy"),
    "APR": ("审批证照", "Approvals"),
    "CTL": ("防控限制", "Controls"),
    "ENE": ("能源要素", "Energy"),
    "CST": ("成本上升", "Costs"),
    "PRJ": ("重点项目", "Projects"),
    "OTH": ("其他", "Other"),
}


class Urgency(Labelled):
    URGENT = "URGENT"
    HIGH = "HIGH"
    NORMAL = "NORMAL"


class Scope(Labelled):
    LOCAL = "LOCAL"
    CROSS_DEPT = "CROSS_DEPT"
    CROSS_REGION = "CROSS_REGION"
    NATIONAL = "NATIONAL"


class Mode(Labelled):
    SINGLE_ITEM = "SINGLE_ITEM"
    ENTERPRISE_PLAN = "ENTERPRISE_PLAN"


class Channel(Labelled):
    CHAT = "CHAT"
    PHONE = "PHONE"
    VIDEO = "VIDEO"
    VISIT = "VISIT"


class ReportState(Labelled):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    NEED_INFO = "need_info"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    MERGED = "merged"
    WITHDRAWN = "withdrawn"


class Role(Labelled):
    OFFICER = "officer"
    OFFICIAL = "official"
    ADMIN = "admin"


class Tier(Labelled):
    LEADING = "LEADING"
    CORE_SUPPLIER = "CORE_SUPPLIER"
    OTHER = "OTHER"


_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "Category": {
        "LAB": ("用工/员工返岗", "Labour, staff return"),
        "SUP": (
            "原材料·零部件供应/配套企业未复工",
            "Upstream supply, supporting firms not resumed",
        ),
        "LOG": ("物流运输", "Logistics and transport"),
        "PPE": ("防疫物资", "Epidemic-prevention supplies"),
        "FIN": ("资金/融资（含拖欠账款）", "Cash flow and finance (incl. payment arrears)"),
        "MKT": ("订单/市场/下游需求", "Orders, demand, downstream"),
        "TRD": ("外贸/进出口", "Foreign trade"),
        "POL": ("政策落实", "Policy implementation"),
        "APR": ("审批/证照/复工备案", "Approvals, licences, resumption permits"),
        "CTL": ("防控措施限制", "Epidemic-control restrictions"),
        "ENE": ("能源与要素（电、气、水、用地）", "Energy and production factors"),
        "CST": ("成本上升", "Rising costs"),
        "PRJ": ("重点项目推进", "Key project progress"),
        "OTH": ("其他", "Other"),
    },
    "Urgency": {
        "URGENT": ("紧急", "Urgent"),
        "HIGH": ("较急", "High"),
        "NORMAL": ("一般", "Normal"),
    },
    "Scope": {
        "LOCAL": ("属地解决", "Local"),
        "CROSS_DEPT": ("跨部门", "Cross-department"),
        "CROSS_REGION": ("跨地区", "Cross-region"),
        "NATIONAL": ("需国家层面协调", "National coordination"),
    },
    "Mode": {
        "SINGLE_ITEM": ("一事一议", "One item, one discussion"),
        "ENTERPRISE_PLAN": ("一企一策", "One enterprise, one plan"),
    },
    "Channel": {
        "CHAT": ("群聊", "Chat"),
        "PHONE": ("电话", "Phone"),
        "VIDEO": ("视频连线", "Video call"),
        "VISIT": ("走访", "Visit"),
    },
    "ReportState": {
        "submitted": ("已登记", "Submitted"),
        "accepted": ("已受理", "Accepted"),
        "in_progress": ("办理中", "In progress"),
        "need_info": ("待补充", "Needs information"),
        "escalated": ("已上报", "Escalated"),
        "resolved": ("已办结", "Resolved"),
        "closed": ("已销号", "Closed"),
        "rejected": ("不予受理", "Rejected"),
        "merged": ("已合并", "Merged"),
        "withdrawn": ("已撤回", "Withdrawn"),
    },
    "Role": {
        "officer": ("联络员", "Liaison officer"),
        "official": ("负责同志", "Official"),
        "admin": ("管理员", "Administrator"),
    },
    "Tier": {
        "LEADING": ("龙头", "Leading"),
        "CORE_SUPPLIER": ("核心配套", "Core supplier"),
        "OTHER": ("其他", "Other"),
    },
}
