"""What the `/subscribe` buttons offer an official: their granted regions, the divisions below
them that have enterprises, and the chains a region allows."""

from __future__ import annotations

from handlers.i18n import t
from liaisonbot.domain.codes import region_name
from liaisonbot.domain.models import RoleGrant
from liaisonbot.domain.vocabulary import Role
from liaisonbot.read import reports as views
from liaisonbot.services import subscriptions
from liaisonbot.store import Database

MAX_REGION_BUTTONS = 24
MAX_CHAINS = 24  # the chain mask is a 24-bit number


async def _digest_grants(db: Database, user_id: int) -> list[RoleGrant]:
    """The user's grants that entitle them to a digest (none: not an official)."""
    return subscriptions.digest_grants(list((await views.viewer(db, user_id)).grants))


def _region_label(prefix: str, lang: str) -> str:
    return (region_name(prefix) or prefix) if prefix else t(lang, "digest.scope_all")


async def _region_choices(db: Database, grants: list[RoleGrant]) -> list[str]:
    """The granted prefixes, then the divisions one level below them that have enterprises."""
    prefixes: list[str] = []
    for scope in subscriptions.scopes_of(grants):
        if scope.region_prefix not in prefixes:
            prefixes.append(scope.region_prefix)
    children: list[str] = []
    for prefix in list(prefixes):
        if len(prefix) >= 6:
            continue
        width = {0: 2, 2: 4, 4: 6}[len(prefix)]
        codes = await views.region_codes_under(db, prefix, width, MAX_REGION_BUTTONS)
        children += [code for code in codes if code not in prefixes]
    return (prefixes + children)[:MAX_REGION_BUTTONS]


def _allowed_chains(grants: list[RoleGrant], region: str) -> set[str] | None:
    """The chains a grant covering `region` allows: None for all of them."""
    covering = [g for g in grants if g.role is Role.ADMIN or region.startswith(g.region_prefix)]
    if any(g.role is Role.ADMIN or not g.chain for g in covering):
        return None
    return {g.chain for g in covering}


async def _chain_choices(db: Database, grants: list[RoleGrant], region: str) -> list[str]:
    allowed = _allowed_chains(grants, region)
    if allowed is not None:
        return sorted(allowed)[:MAX_CHAINS]
    return await views.chains_in_region(db, region, MAX_CHAINS)
