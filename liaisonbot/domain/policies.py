"""Support policies (援企稳企惠企政策): the model and the pure matching (docs/domain.md,
"Support policies").

A policy version carries machine-checkable criteria beside a human checklist (条件). Matching a
version to an enterprise gives each criterion a verdict — met, not met or unknown (the enterprise
record lacks the fact) — never a bare score: a version fits when its categories include the
report's, it is valid that day, and no criterion is not met.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from liaisonbot.domain.models import Enterprise
from liaisonbot.domain.vocabulary import Category, Tier


class _Labelled(StrEnum):
    def label(self, lang: str) -> str:
        zh, en = _LABELS[self.value]
        return en if lang == "en" else zh

    @classmethod
    def parse(cls, text: str) -> _Labelled | None:
        needle = text.strip()
        for member in cls:
            zh, en = _LABELS[member.value]
            if needle and (
                needle.upper() == member.value or needle in (zh, en) or needle.lower() == en.lower()
            ):
                return member
        return None


class Benefit(_Labelled):
    RELIEF = "RELIEF"
    SUBSIDY = "SUBSIDY"
    INTEREST = "INTEREST"
    JOBS = "JOBS"
    DEFERRAL = "DEFERRAL"
    FINANCE = "FINANCE"
    OTHER = "OTHER"


class Level(_Labelled):
    NATIONAL = "NATIONAL"
    PROVINCE = "PROVINCE"
    CITY = "CITY"
    COUNTY = "COUNTY"


class Stage(_Labelled):
    """The funnel, in order."""

    PUSHED = "pushed"
    READ = "read"
    INTERESTED = "interested"
    APPLIED = "applied"
    GRANTED = "granted"


class Verdict(_Labelled):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


_LABELS: dict[str, tuple[str, str]] = {
    "RELIEF": ("减免", "Relief"),
    "SUBSIDY": ("补贴", "Subsidy"),
    "INTEREST": ("贴息", "Interest subsidy"),
    "JOBS": ("稳岗返还", "Job-retention refund"),
    "DEFERRAL": ("缓缴", "Deferral"),
    "FINANCE": ("融资", "Financing"),
    "OTHER": ("其他", "Other"),
    "NATIONAL": ("国家", "National"),
    "PROVINCE": ("省级", "Provincial"),
    "CITY": ("市级", "City"),
    "COUNTY": ("县级", "County"),
    "pushed": ("推送", "Pushed"),
    "read": ("已读", "Read"),
    "interested": ("有意愿", "Interested"),
    "applied": ("已申报", "Applied"),
    "granted": ("已兑现", "Granted"),
    "met": ("符合", "met"),
    "not_met": ("不符合", "not met"),
    "unknown": ("待核实", "unknown"),
}

STAGES: tuple[Stage, ...] = tuple(Stage)
SIZES: tuple[str, ...] = ("大型", "中型", "小型", "微型")


@dataclass(frozen=True)
class Criteria:
    """What the bot can check. Empty means "any"."""

    region_prefix: str = ""
    chains: tuple[str, ...] = ()
    tiers: tuple[Tier, ...] = ()
    specialized: bool | None = None  # True: 专精特新 only
    sizes: tuple[str, ...] = ()  # 大型 / 中型 / 小型 / 微型

    def to_json(self) -> str:
        return json.dumps(
            {
                "region_prefix": self.region_prefix,
                "chains": list(self.chains),
                "tiers": [t.value for t in self.tiers],
                "specialized": self.specialized,
                "sizes": list(self.sizes),
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Criteria:
        data = json.loads(text or "{}")
        return cls(
            region_prefix=data.get("region_prefix", ""),
            chains=tuple(data.get("chains", ())),
            tiers=tuple(Tier(t) for t in data.get("tiers", ())),
            specialized=data.get("specialized"),
            sizes=tuple(data.get("sizes", ())),
        )


@dataclass(frozen=True)
class PolicyContent:
    """One version's content, as imported."""

    key: str
    title: str
    issuer: str = ""
    doc_number: str = ""
    level: Level = Level.NATIONAL
    region_code: str = ""
    issued_on: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    apply_from: date | None = None
    apply_to: date | None = None
    benefit: Benefit = Benefit.OTHER
    categories: tuple[Category, ...] = ()
    criteria: Criteria = field(default_factory=Criteria)
    checklist: str = ""
    link: str = ""
    automatic: bool = False

    def fingerprint(self) -> str:
        """Changes when anything a person reads or the matching uses changes."""
        parts = [
            self.title,
            self.issuer,
            self.doc_number,
            self.level.value,
            self.region_code,
            *(d.isoformat() if d else "" for d in self.dates),
            self.benefit.value,
            ",".join(c.value for c in self.categories),
            self.criteria.to_json(),
            self.checklist,
            self.link,
            "1" if self.automatic else "0",
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]

    @property
    def dates(self) -> tuple[date | None, ...]:
        return (self.issued_on, self.valid_from, self.valid_to, self.apply_from, self.apply_to)

    def valid_on(self, day: date) -> bool:
        """In force that day; a policy whose validity ended is never offered."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)

    def helps_with(self, category: Category | None) -> bool:
        return category is None or not self.categories or category in self.categories


@dataclass(frozen=True)
class PolicyVersion:
    """A stored version: its ids beside the content."""

    id: int
    policy_id: int
    version: int
    content: PolicyContent
    current: bool = True


@dataclass(frozen=True)
class Check:
    criterion: str  # region / chain / tier / specialized / size
    verdict: Verdict
    wanted: str  # what the policy asks, in words


@dataclass(frozen=True)
class Match:
    version: PolicyVersion
    checks: tuple[Check, ...]

    @property
    def fits(self) -> bool:
        return all(c.verdict is not Verdict.NOT_MET for c in self.checks)


def _tier_words(tiers: tuple[Tier, ...]) -> str:
    return "/".join(t.zh for t in tiers)


def check_criteria(criteria: Criteria, enterprise: Enterprise) -> tuple[Check, ...]:
    """A verdict for each criterion the policy sets; an empty enterprise field is unknown."""
    checks: list[Check] = []

    def verdict(known: bool, ok: bool) -> Verdict:
        if not known:
            return Verdict.UNKNOWN
        return Verdict.MET if ok else Verdict.NOT_MET

    if criteria.region_prefix:
        checks.append(
            Check(
                "region",
                verdict(
                    bool(enterprise.region_code),
                    enterprise.region_code.startswith(criteria.region_prefix),
                ),
                criteria.region_prefix,
            )
        )
    if criteria.chains:
        checks.append(
            Check(
                "chain",
                verdict(bool(enterprise.chain), enterprise.chain in criteria.chains),
                "/".join(criteria.chains),
            )
        )
    if criteria.tiers:
        checks.append(
            Check(
                "tier",
                verdict(True, enterprise.tier in criteria.tiers),
                _tier_words(criteria.tiers),
            )
        )
    if criteria.specialized is not None:
        checks.append(
            Check(
                "specialized",
                verdict(True, enterprise.specialized == criteria.specialized),
                "是" if criteria.specialized else "否",
            )
        )
    if criteria.sizes:
        checks.append(
            Check(
                "size",
                verdict(bool(enterprise.size), enterprise.size in criteria.sizes),
                "/".join(criteria.sizes),
            )
        )
    return tuple(checks)


def match(
    version: PolicyVersion, enterprise: Enterprise, category: Category | None, day: date
) -> Match | None:
    """The version's checks against the enterprise when it could fit: its categories include
    `category` (None: any), it is valid on `day`, and no criterion is not met."""
    content = version.content
    if not content.valid_on(day) or not content.helps_with(category):
        return None
    found = Match(version, check_criteria(content.criteria, enterprise))
    return found if found.fits else None


def matches(
    versions: list[PolicyVersion], enterprise: Enterprise, category: Category | None, day: date
) -> list[Match]:
    """Fitting versions, those with every criterion met first, then by title."""
    found = [m for v in versions if (m := match(v, enterprise, category, day)) is not None]
    found.sort(
        key=lambda m: (
            sum(c.verdict is Verdict.UNKNOWN for c in m.checks),
            m.version.content.title,
        )
    )
    return found


def keyword_hit(content: PolicyContent, needle: str) -> bool:
    """A keyword (two Chinese characters are enough) in the title, issuer, number, checklist,
    benefit or category names."""
    needle = needle.strip().lower()
    if not needle:
        return True
    haystack = " ".join(
        [
            content.title,
            content.issuer,
            content.doc_number,
            content.checklist,
            content.benefit.label("zh"),
            content.benefit.label("en"),
            *(c.zh for c in content.categories),
            *(c.short_label("zh") for c in content.categories),
            *(c.en for c in content.categories),
        ]
    ).lower()
    return needle in haystack
