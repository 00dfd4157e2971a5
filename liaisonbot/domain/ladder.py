"""The escalation ladder (属地解决、逐级上报): which task force (专班) a report goes to, the next
one up, and who may act at a level (docs/domain.md#escalation-ladder). Pure: no I/O.

A task force is an escalation group bound with a region prefix: `35` the province's, `3501` a
city's, none the national one (部专班). A report goes first to the most specific task force whose
scope covers its enterprise, then up to task forces of strictly wider scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from liaisonbot.domain.models import Enterprise, LiaisonGroup, RoleGrant
from liaisonbot.domain.vocabulary import Role


@dataclass(frozen=True)
class Level:
    """A level a report reached: its number (1 the first task force), chat and scope."""

    level: int
    chat_id: int
    region_prefix: str
    message_id: int | None = None


def first_level(groups: Iterable[LiaisonGroup], enterprise: Enterprise) -> LiaisonGroup | None:
    """The most specific task force covering the enterprise (latest bound wins a tie: the list
    comes in binding order)."""
    covering = [
        g for g in groups if g.is_escalation and g.covers(enterprise.region_code, enterprise.chain)
    ]
    best: LiaisonGroup | None = None
    for group in covering:
        if best is None or group.specificity >= best.specificity:
            best = group
    return best


def level_up(
    groups: Iterable[LiaisonGroup], enterprise: Enterprise, current_prefix: str
) -> LiaisonGroup | None:
    """The most specific task force covering the enterprise with a wider region than
    `current_prefix` (the next level up), or None at the top."""
    wider = [g for g in groups if len(g.region_prefix) < len(current_prefix)]
    return first_level(wider, enterprise)


def may_act_at_level(grants: Iterable[RoleGrant], enterprise: Enterprise, prefix: str) -> bool:
    """An official acts at a level when one grant covers the enterprise and the whole region of
    the level (a province's official not at the ministry's level; another province's never);
    admins always."""
    for grant in grants:
        if grant.role is Role.ADMIN:
            return True
        if (
            grant.role is Role.OFFICIAL
            and grant.covers(enterprise.region_code, enterprise.chain)
            and prefix.startswith(grant.region_prefix)
        ):
            return True
    return False


def other_region_of(own_region: str, other_region: str) -> bool:
    """Whether a region code lies outside the enterprise's own city (the unit of 属地) and does
    not contain it (its own province is no other region)."""
    return not own_region.startswith(other_region) and other_region[:4] != own_region[:4]
