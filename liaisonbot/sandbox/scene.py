"""The seeded scene of `liaisonbot sandbox`: a leading car maker in Fuzhou and its suppliers, their
contacts, two liaison officers, an official and an admin, the liaison group and the task-force
group. Names are fictional; credit codes are well formed with valid check characters.

The same people exist twice: as Telegram users and groups in the sandbox world, and as contacts,
roles and bound groups in the bot's database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from liaisonbot.domain.models import Enterprise, LiaisonGroup, ReportContent, RoleGrant
from liaisonbot.domain.vocabulary import Category, Role, Scope, Tier, Urgency
from liaisonbot.read.digest.scope import DigestScope
from liaisonbot.sandbox.scene_checkins import seed_checkins
from liaisonbot.sandbox.world import SandboxWorld
from liaisonbot.services import intake, people, subscriptions, triage
from liaisonbot.store import Database, UnitOfWork


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str
    username: str
    role: str  # shown in the page's picker


CONTACT = Person(1001, "王经理", "wang_minjiang", "企业联络人 · 闽江精密")
CONTACT_2 = Person(1002, "林主管", "lin_rongcheng", "企业联络人 · 榕城电子")
OFFICER = Person(2001, "李联络员", "li_liaison", "联络员")
OFFICER_2 = Person(2002, "陈联络员", "chen_liaison", "联络员")
OFFICIAL = Person(3001, "张处长", "zhang_official", "负责同志")
ADMIN = Person(4001, "管理员", "bot_admin", "管理员")
MINISTRY = Person(3002, "赵司长", "zhao_ministry", "部专班负责同志")
OFFICER_SZ = Person(2003, "黄联络员", "huang_shenzhen", "联络员 · 深圳")
PEOPLE = (CONTACT, CONTACT_2, OFFICER, OFFICER_2, OFFICIAL, ADMIN, MINISTRY, OFFICER_SZ)

LIAISON_GROUP = -1001000000001
ESCALATION_GROUP = -1001000000002  # the province's task force (福建省专班)
NATIONAL_GROUP = -1001000000003  # the ministry's (部专班)
SHENZHEN_GROUP = -1001000000004  # another region's liaison group: the 协办 card goes there
SHENZHEN = "4403"
CHAIN = "汽车"

LEADING = Enterprise(
    credit_code="91350100MA2XN5K1X1",
    name="闽都汽车股份有限公司",
    region_code="350100",
    chain=CHAIN,
    tier=Tier.LEADING,
)
SUPPLIERS = (
    Enterprise(
        credit_code="91350102MA31AB2CX5",
        name="闽江精密部件有限公司",
        region_code="350102",
        chain=CHAIN,
        tier=Tier.CORE_SUPPLIER,
        specialized=True,
    ),
    Enterprise(
        credit_code="91350181MA32CD4EXG",
        name="榕城电子科技有限公司",
        region_code="350181",
        chain=CHAIN,
        tier=Tier.CORE_SUPPLIER,
    ),
    Enterprise(
        credit_code="91350104MA33EF6GXX",
        name="海峡橡胶制品有限公司",
        region_code="350104",
        chain=CHAIN,
        tier=Tier.CORE_SUPPLIER,
    ),
)
CONTACTS = {CONTACT.id: SUPPLIERS[0], CONTACT_2.id: SUPPLIERS[1]}


def seed_world(world: SandboxWorld) -> None:
    """The Telegram side: users, and the two groups with the bot in them."""
    for person in PEOPLE:
        if person.id not in world.users:
            world.add_user(
                person.first_name, id=person.id, username=person.username, label=person.role
            )
    if LIAISON_GROUP not in world.chats:
        world.add_group(
            "福州汽车产业链联络群",
            id=LIAISON_GROUP,
            type="supergroup",
            members=[CONTACT.id, CONTACT_2.id, OFFICER_2.id],
            admins=[OFFICER.id],
            creator=ADMIN.id,
        )
    if ESCALATION_GROUP not in world.chats:
        world.add_group(
            "省工信厅固链专班",
            id=ESCALATION_GROUP,
            type="supergroup",
            members=[OFFICER.id, OFFICER_2.id],
            admins=[OFFICIAL.id],
            creator=ADMIN.id,
        )
    if NATIONAL_GROUP not in world.chats:
        world.add_group(
            "工信部产业链协同复工复产专班",
            id=NATIONAL_GROUP,
            type="supergroup",
            members=[OFFICIAL.id],
            admins=[MINISTRY.id],
            creator=ADMIN.id,
        )
    if SHENZHEN_GROUP not in world.chats:
        world.add_group(
            "深圳汽车产业链联络群",
            id=SHENZHEN_GROUP,
            type="supergroup",
            members=[],
            admins=[OFFICER_SZ.id],
            creator=ADMIN.id,
        )


async def seed_database(db: Database, now: datetime, *, with_reports: bool = True) -> None:
    """The bot's side: the list, contacts, roles, bound groups, the official's digest and (for
    the demo) a few reports under way. Safe to run again."""
    async with UnitOfWork(db) as uow:
        leading, _ = await uow.enterprises.upsert(LEADING, now)
        assert leading.id is not None
        for index, supplier in enumerate(SUPPLIERS):
            officer = OFFICER if index % 2 == 0 else OFFICER_2
            stored, _ = await uow.enterprises.upsert(
                supplier.model_copy(update={"liaison_officer_id": officer.id}), now
            )
            assert stored.id is not None
            await uow.enterprises.link(stored.id, leading.id)
        for person in PEOPLE:
            await uow.people.remember_user(person.id, person.username, person.first_name, now)
    for user_id, enterprise in CONTACTS.items():
        await people.bind_contact(db, enterprise.credit_code, user_id, now)
    grants = [
        RoleGrant(user_id=OFFICER.id, role=Role.OFFICER, region_prefix="3501", chain=CHAIN),
        RoleGrant(user_id=OFFICER_2.id, role=Role.OFFICER, region_prefix="3501", chain=CHAIN),
        RoleGrant(user_id=OFFICIAL.id, role=Role.OFFICIAL, region_prefix="35"),
        RoleGrant(user_id=ADMIN.id, role=Role.ADMIN),
        RoleGrant(user_id=MINISTRY.id, role=Role.OFFICIAL),
        RoleGrant(user_id=OFFICER_SZ.id, role=Role.OFFICER, region_prefix=SHENZHEN),
    ]
    for grant in grants:
        await people.grant_role(db, grant, now)
    await people.bind_group(
        db,
        LiaisonGroup(
            chat_id=LIAISON_GROUP, title="福州汽车产业链联络群", region_prefix="3501", chain=CHAIN
        ),
        now,
    )
    await people.bind_group(
        db,
        LiaisonGroup(
            chat_id=ESCALATION_GROUP,
            title="省工信厅固链专班",
            region_prefix="35",
            is_escalation=True,
        ),
        now,
    )
    await people.bind_group(
        db,
        LiaisonGroup(
            chat_id=NATIONAL_GROUP, title="工信部产业链协同复工复产专班", is_escalation=True
        ),
        now,
    )
    await people.bind_group(
        db,
        LiaisonGroup(
            chat_id=SHENZHEN_GROUP,
            title="深圳汽车产业链联络群",
            region_prefix=SHENZHEN,
            chain=CHAIN,
        ),
        now,
    )
    # The official's daily digest for the province (日调度), at the default time.
    await subscriptions.subscribe(
        db,
        chat_id=OFFICIAL.id,
        owner_id=OFFICIAL.id,
        scope=DigestScope(region_prefix="35"),
        now=now,
    )
    if with_reports:
        await seed_reports(db, now)
        await seed_checkins(db, now, ZoneInfo("Asia/Shanghai"), OFFICER.id)


async def seed_reports(db: Database, now: datetime) -> None:
    """A few items already under way, so that cards, /queue, /my and the digest show something
    at once: one in progress, one waiting to be accepted. Only into a database with no reports.
    Their cards are posted by the bot itself when it starts (pending deliveries)."""
    if await db.fetch_one("SELECT 1 FROM reports LIMIT 1") is not None:
        return
    in_progress = await intake.submit_report(
        db,
        reporter_id=CONTACT.id,
        content=ReportContent(
            category=Category.SUP,
            title="上游铸件厂未复工，缺少壳体毛坯",
            description="配套的铸件厂因用工不足尚未复工，壳体毛坯库存仅够三天，影响闽都汽车总装线。",
            ask="协调铸件厂尽快复工，或对接替代供应商",
            urgency=Urgency.HIGH,
            scope=Scope.CROSS_REGION,
        ),
        source_key="scene:1",
        now=now - timedelta(days=2),
    )
    await triage.accept(
        db,
        in_progress.report_id,
        OFFICER.id,
        expected=None,
        now=now - timedelta(days=2),
        zone=ZoneInfo("Asia/Shanghai"),
    )
    await triage.sign(
        db, in_progress.report_id, OFFICER.id, expected=None, now=now - timedelta(days=1)
    )
    # 跨地区: the substitute supplier is in Shenzhen; its liaison group gets a 协办 card when the
    # bot starts (the first change to the item posts it) — asked here, carded on the next change.
    await triage.name_other_region(
        db, in_progress.report_id, OFFICER.id, SHENZHEN, now=now - timedelta(days=1)
    )
    await intake.submit_report(
        db,
        reporter_id=CONTACT_2.id,
        content=ReportContent(
            category=Category.LAB,
            title="外省返岗员工隔离期满后仍无法进厂",
            description="约 120 名外省返岗员工已满隔离期，园区仍要求额外证明，产线缺员三成。",
            ask="明确返岗员工进园区所需材料",
            urgency=Urgency.URGENT,
        ),
        source_key="scene:2",
        now=now - timedelta(hours=3),
    )
