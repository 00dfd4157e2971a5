"""Matching a policy version to an enterprise: categories, criteria (met / not met / unknown)
and dates."""

from __future__ import annotations

from datetime import date

from liaisonbot.domain.models import Enterprise
from liaisonbot.domain.policies import (
    Criteria,
    PolicyContent,
    PolicyVersion,
    Verdict,
    match,
    matches,
)
from liaisonbot.domain.vocabulary import Category, Tier

FIRM = Enterprise(
    credit_code="91350100M000100Y43",
    name="闽江精密部件有限公司",
    region_code="350100",
    chain="汽车",
    tier=Tier.CORE_SUPPLIER,
    specialized=True,
    size="",
)
DAY = date(2020, 3, 2)


def version(**content: object) -> PolicyVersion:
    fields = {"key": "K", "title": "稳岗返还", "categories": (Category.LAB,), **content}
    return PolicyVersion(1, 1, 1, PolicyContent(**fields))  # type: ignore[arg-type]


def test_category_must_be_one_it_helps_with() -> None:
    assert match(version(), FIRM, Category.LAB, DAY) is not None
    assert match(version(), FIRM, Category.LOG, DAY) is None
    assert match(version(categories=()), FIRM, Category.LOG, DAY) is not None  # any category


def test_dates_valid_that_day_only() -> None:
    v = version(valid_from=date(2020, 2, 1), valid_to=date(2020, 3, 1))
    assert match(v, FIRM, Category.LAB, date(2020, 2, 1)) is not None
    assert match(v, FIRM, Category.LAB, date(2020, 3, 1)) is not None
    assert match(v, FIRM, Category.LAB, date(2020, 3, 2)) is None  # expired: never offered
    assert match(v, FIRM, Category.LAB, date(2020, 1, 31)) is None


def test_each_criterion_has_a_verdict() -> None:
    v = version(
        criteria=Criteria(
            region_prefix="35",
            chains=("汽车",),
            tiers=(Tier.CORE_SUPPLIER,),
            specialized=True,
            sizes=("小型",),
        )
    )
    found = match(v, FIRM, Category.LAB, DAY)
    assert found is not None
    verdicts = {c.criterion: c.verdict for c in found.checks}
    assert verdicts == {
        "region": Verdict.MET,
        "chain": Verdict.MET,
        "tier": Verdict.MET,
        "specialized": Verdict.MET,
        "size": Verdict.UNKNOWN,  # the list does not say the firm's size
    }


def test_a_criterion_not_met_excludes() -> None:
    for criteria in (
        Criteria(region_prefix="11"),
        Criteria(chains=("电子",)),
        Criteria(tiers=(Tier.LEADING,)),
        Criteria(sizes=("大型",)),
    ):
        firm = FIRM.model_copy(update={"size": "中型"})
        assert match(version(criteria=criteria), firm, Category.LAB, DAY) is None, criteria
    plain = FIRM.model_copy(update={"specialized": False})
    assert match(version(criteria=Criteria(specialized=True)), plain, Category.LAB, DAY) is None


def test_all_met_before_unknowns() -> None:
    sure = version(title="乙", criteria=Criteria(region_prefix="35"))
    unsure = PolicyVersion(
        2, 2, 1, PolicyContent(key="B", title="甲", criteria=Criteria(sizes=("小型",)))
    )
    assert [m.version.id for m in matches([unsure, sure], FIRM, None, DAY)] == [1, 2]
