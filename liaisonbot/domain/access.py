"""Who may see and do what. Authority comes from stored roles and bindings, never from a button."""

from __future__ import annotations

from collections.abc import Iterable

from liaisonbot.domain.models import Enterprise, RoleGrant
from liaisonbot.domain.vocabulary import Role


def covers(grants: Iterable[RoleGrant], enterprise: Enterprise, *roles: Role) -> bool:
    """Whether one of the grants (of the given roles; admin always) covers the enterprise."""
    for grant in grants:
        if grant.role is Role.ADMIN:
            return True
        if grant.role in roles and grant.covers(enterprise.region_code, enterprise.chain):
            return True
    return False


def can_view_enterprise(
    grants: Iterable[RoleGrant], contact_enterprise_id: int | None, enterprise: Enterprise
) -> bool:
    """Contacts see their own enterprise; officers and officials see what their scope covers."""
    if contact_enterprise_id is not None and contact_enterprise_id == enterprise.id:
        return True
    return covers(grants, enterprise, Role.OFFICER, Role.OFFICIAL)


def can_invite(grants: Iterable[RoleGrant], enterprise: Enterprise) -> bool:
    return covers(grants, enterprise, Role.OFFICER)


def is_admin(grants: Iterable[RoleGrant]) -> bool:
    return any(g.role is Role.ADMIN for g in grants)
