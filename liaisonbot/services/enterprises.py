"""Enterprises in the chat: finding one by name or credit code, the one-to-one liaison officer,
the enterprise a report is held up by, and enterprise lists sent to the bot awaiting confirmation.

Choices (documented in docs/architecture.md):

- Search: a valid credit code finds that enterprise; otherwise the name is matched as a substring,
  and, failing that, tolerantly: the query without spaces and without the legal-form words
  (股份有限公司, 有限责任公司, 有限公司, 集团, 股份, 公司 …) is looked for in the names without
  spaces, so `比亚迪` and `比亚迪集团` both find `比亚迪股份有限公司`. An exact name wins alone.
- `/assign`: admins only. The officer (user id or @username the bot has seen) gets an `officer`
  grant on the enterprise's (region code, chain) when none of theirs covers it, as an import does.
  Reports already filed keep their assignee; new ones go to the new officer.
- Blocked by: an officer covering the report's enterprise (or an admin) names any registered
  enterprise (a supplier elsewhere is the usual case); the step is an event `blocked_by` on the
  report's timeline.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from liaisonbot.domain.access import covers, is_admin
from liaisonbot.domain.codes import InvalidCode, validate_credit_code
from liaisonbot.domain.errors import DomainError, NotAllowed, ReportNotFound
from liaisonbot.domain.ladder import other_region_of
from liaisonbot.domain.models import Enterprise, ReportEvent, RoleGrant
from liaisonbot.domain.vocabulary import Role
from liaisonbot.services.triage.coordination import request_assist_in
from liaisonbot.services.triage.terms import Change
from liaisonbot.store import Database, UnitOfWork
from liaisonbot.store.enterprise_lists import EnterpriseListRepository
from liaisonbot.store.enterprises import EnterpriseRepository
from liaisonbot.store.uploads import UploadRepository

MAX_CANDIDATES = 200
UPLOAD_TTL = timedelta(hours=24)
BLOCKED_BY = "blocked_by"

# Legal-form words, longest first, removed from a query for the tolerant match.
_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "集团股份有限公司",
    "有限公司",
    "集团公司",
    "股份公司",
    "集团",
    "股份",
    "公司",
    "有限",
    "(中国)",
    "(集团)",
)
_SPACES = re.compile(r"\s+")


class UnknownPerson(DomainError):
    code = "unknown_person"


class SameEnterprise(DomainError):
    code = "blocked_by_self"


# -- finding -------------------------------------------------------------------------------------


def name_core(text: str) -> str:
    """A name or query without spaces and legal-form words: `比亚迪 股份有限公司` → `比亚迪`."""
    core = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    changed = True
    while changed and core:
        changed = False
        for word in sorted(_SUFFIXES, key=len, reverse=True):
            if word in core and core != word:
                core = core.replace(word, "")
                changed = True
    return core


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def find_enterprises(db: Database, query: str) -> list[Enterprise]:
    """Enterprises matching a credit code or a name (see the module's rules), best first.

    Not filtered by who asks: callers keep those the viewer may see.
    """
    text = unicodedata.normalize("NFKC", query).strip()
    if not text:
        return []
    try:
        code = validate_credit_code(text)
    except InvalidCode:
        code = None
    repo = EnterpriseRepository(db.conn)  # reads: no transaction, as ever
    if code is not None:
        one = await repo.by_credit_code(code)
        return [one] if one else []
    exact = await repo.named(text)
    if exact:
        return exact
    found = await repo.name_like(_like(text), MAX_CANDIDATES)
    if not found:
        core = name_core(text)
        if not core:
            return []
        found = await repo.spaceless_name_like(_like(core), MAX_CANDIDATES)
    # One whose name reduces to the same core as the query is the one meant.
    same = [e for e in found if name_core(e.name) == name_core(text)]
    return same if len(same) == 1 else found


async def resolve_person(db: Database, text: str) -> int:
    """A Telegram user id, or @username of someone the bot has seen; UnknownPerson otherwise."""
    value = unicodedata.normalize("NFKC", text).strip()
    if value.isdigit() and 0 < int(value) < 2**63:
        return int(value)
    name = value.removeprefix("@")
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", name):
        found = await EnterpriseListRepository(db.conn).users_by_username([name])
        if name.lower() in found:
            return found[name.lower()]
    raise UnknownPerson(person=value)


# -- the one-to-one liaison officer -------------------------------------------------------------


@dataclass(frozen=True)
class Assigned:
    enterprise: Enterprise
    officer_id: int
    previous_id: int | None
    granted: bool  # an officer grant was added for the enterprise's region and chain


async def assign_officer(
    db: Database, actor_id: int, enterprise_id: int, officer_id: int, now: datetime
) -> Assigned:
    """Make `officer_id` the enterprise's liaison officer (admins only); see the module's rules."""
    async with UnitOfWork(db) as uow:
        if not is_admin(await uow.people.roles_of(actor_id)):
            raise NotAllowed()
        enterprise = await uow.enterprises.get(enterprise_id)
        if enterprise is None:
            raise NotAllowed()
        grants = await uow.people.roles_of(officer_id)
        granted = False
        if not covers([g for g in grants if g.role is Role.OFFICER], enterprise, Role.OFFICER):
            granted = await uow.people.grant(
                RoleGrant(
                    user_id=officer_id,
                    role=Role.OFFICER,
                    region_prefix=enterprise.region_code,
                    chain=enterprise.chain,
                ),
                actor_id,
                now,
            )
        previous = enterprise.liaison_officer_id
        if previous != officer_id:
            await uow.enterprises.set_liaison_officer(enterprise_id, officer_id, previous, now)
        return Assigned(
            enterprise.model_copy(update={"liaison_officer_id": officer_id}),
            officer_id,
            previous,
            granted,
        )


# -- blocked by ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blocked:
    report_id: int
    enterprise: Enterprise  # the report's own enterprise
    blocked_by: Enterprise | None  # None: cleared
    # An enterprise in another region holds the report up: that region is named and its liaison
    # group asked to help (协办), in the same unit of work (docs/domain.md#escalation-ladder).
    assist: Change | None = None


async def set_blocked_by(
    db: Database,
    actor_id: int,
    report_id: int,
    blocking_id: int | None,
    now: datetime,
) -> Blocked:
    """Name (or with None clear) the enterprise that holds up a report; an event records it."""
    async with UnitOfWork(db) as uow:
        report = await uow.reports.get(report_id)
        enterprise = await uow.enterprises.get(report.enterprise_id) if report else None
        grants = await uow.people.roles_of(actor_id)
        if report is None or enterprise is None or not covers(grants, enterprise, Role.OFFICER):
            raise ReportNotFound(number=report_id)
        blocking = None
        if blocking_id is not None:
            if blocking_id == enterprise.id:
                raise SameEnterprise()
            blocking = await uow.enterprises.get(blocking_id)
            if blocking is None:
                raise ReportNotFound(number=report_id)
        await uow.reports.set_blocked_by(report_id, blocking_id, now)
        await uow.reports.add_event(
            ReportEvent(
                report_id=report_id,
                actor_id=actor_id,
                at=now,
                action=BLOCKED_BY,
                from_state=report.state,
                to_state=report.state,
                note=f"{blocking.name} {blocking.credit_code}" if blocking else "",
            )
        )
        assist = None
        if blocking is not None and other_region_of(enterprise.region_code, blocking.region_code):
            assist = await request_assist_in(
                uow, report, enterprise, blocking.region_code, actor_id, now
            )
        return Blocked(report_id, enterprise, blocking, assist)


# -- enterprise lists sent in the chat -------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    token: str
    user_id: int
    chat_id: int
    message_id: int | None
    file_name: str
    content: bytes
    can_apply: bool
    can_apply_valid: bool
    status: str
    created_at: str


async def save_upload(
    db: Database,
    *,
    user_id: int,
    chat_id: int,
    file_name: str,
    content: bytes,
    can_apply: bool,
    can_apply_valid: bool,
    now: datetime,
) -> str:
    """Keep a checked list until its admin decides; an older pending list of theirs is dropped."""
    token = secrets.token_urlsafe(9)
    async with db.transaction() as conn:
        await UploadRepository(conn).add(
            token=token,
            user_id=user_id,
            chat_id=chat_id,
            file_name=file_name,
            content=content,
            can_apply=can_apply,
            can_apply_valid=can_apply_valid,
            now=now,
        )
    return token


async def set_upload_message(db: Database, token: str, message_id: int) -> None:
    async with db.autocommit() as conn:
        await UploadRepository(conn).set_message(token, message_id)


async def upload(db: Database, token: str) -> Upload | None:
    row = await UploadRepository(db.conn).get(token)
    if row is None:
        return None
    return Upload(
        token=row["token"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        file_name=row["file_name"],
        content=bytes(row["content"]),
        can_apply=bool(row["can_apply"]),
        can_apply_valid=bool(row["can_apply_valid"]),
        status=row["status"],
        created_at=row["created_at"],
    )


async def claim_upload(db: Database, token: str, user_id: int, now: datetime) -> bool:
    """Move a pending, unexpired list of this admin to 'applying'; False if another press won,
    it was decided already, or it expired."""
    async with db.autocommit() as conn:
        return await UploadRepository(conn).claim(token, user_id, now - UPLOAD_TTL)


async def finish_upload(
    db: Database, token: str, status: str, now: datetime, import_id: int | None = None
) -> None:
    async with db.autocommit() as conn:
        await UploadRepository(conn).finish(token, status, now, import_id)


async def cancel_upload(db: Database, token: str, user_id: int, now: datetime) -> bool:
    async with db.autocommit() as conn:
        return await UploadRepository(conn).cancel(token, user_id, now)
