"""A unit of work: one transaction and the repositories that work inside it."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from types import TracebackType

import aiosqlite

from liaisonbot.store.database import Database
from liaisonbot.store.deliveries import DeliveryRepository
from liaisonbot.store.drafts import DraftRepository
from liaisonbot.store.enterprises import EnterpriseRepository
from liaisonbot.store.ladder import LadderRepository
from liaisonbot.store.outbox import OutboxRepository
from liaisonbot.store.people import PeopleRepository
from liaisonbot.store.policies import PolicyRepository
from liaisonbot.store.reports import ReportRepository, TriageRepository
from liaisonbot.store.subscriptions import SubscriptionRepository


class UnitOfWork:
    """`async with UnitOfWork(db) as uow:` commits on success and rolls back on any error."""

    enterprises: EnterpriseRepository
    people: PeopleRepository
    reports: ReportRepository
    triage: TriageRepository
    drafts: DraftRepository
    subscriptions: SubscriptionRepository
    deliveries: DeliveryRepository
    ladder: LadderRepository
    outbox: OutboxRepository
    policies: PolicyRepository

    def __init__(self, db: Database) -> None:
        self._db = db
        self._transaction: AbstractAsyncContextManager[aiosqlite.Connection] | None = None

    async def __aenter__(self) -> UnitOfWork:
        self._transaction = self._db.transaction()
        conn = await self._transaction.__aenter__()
        self.enterprises = EnterpriseRepository(conn)
        self.people = PeopleRepository(conn)
        self.reports = ReportRepository(conn)
        self.triage = TriageRepository(conn)
        self.drafts = DraftRepository(conn)
        self.subscriptions = SubscriptionRepository(conn)
        self.deliveries = DeliveryRepository(conn)
        self.ladder = LadderRepository(conn)
        self.outbox = OutboxRepository(conn)
        self.policies = PolicyRepository(conn)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._transaction is not None
        await self._transaction.__aexit__(exc_type, exc, tb)
        self._transaction = None
