"""The small seeded world the tests and the intake bench share: an enterprise and its leading
enterprise, the supplier's contact, an officer for Fujian and the Fuzhou liaison group, a fixed
clock. Plain data and one seeding function; no pytest fixtures (those are in tests/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from liaisonbot.domain.models import Enterprise, LiaisonGroup, RoleGrant
from liaisonbot.domain.vocabulary import Role, Tier
from liaisonbot.services import people
from liaisonbot.store import Database, UnitOfWork
from tests.support.updates import Person

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai

CONTACT = Person(5001, "王经理", "wang_mgr")
OFFICER = Person(6001, "李联络员", "li_officer")
STRANGER = Person(9001, "路人")
GROUP_ID = -1001234567890
LEADING = Enterprise(
    credit_code="91110108551385082Q",
    name="京北汽车股份有限公司",
    region_code="110108",
    chain="汽车",
    tier=Tier.LEADING,
)
SUPPLIER = Enterprise(
    credit_code="91350100M000100Y43",
    name="闽江精密部件有限公司",
    region_code="350100",
    chain="汽车",
    tier=Tier.CORE_SUPPLIER,
)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def seed_world(db: Database) -> tuple[int, int]:
    """Two enterprises, the supplier's contact, an officer for Fujian and the Fuzhou group."""
    async with UnitOfWork(db) as uow:
        leading, _ = await uow.enterprises.upsert(LEADING, NOW)
        supplier, _ = await uow.enterprises.upsert(
            SUPPLIER.model_copy(update={"liaison_officer_id": OFFICER.id}), NOW
        )
        assert leading.id and supplier.id
        await uow.enterprises.link(supplier.id, leading.id)
    await people.bind_contact(db, SUPPLIER.credit_code, CONTACT.id, NOW)
    await people.grant_role(
        db, RoleGrant(user_id=OFFICER.id, role=Role.OFFICER, region_prefix="35"), NOW
    )
    await people.bind_group(
        db,
        LiaisonGroup(
            chat_id=GROUP_ID, title="福州汽车产业链联络群", region_prefix="3501", chain="汽车"
        ),
        NOW,
    )
    return leading.id, supplier.id
