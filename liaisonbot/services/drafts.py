"""The guided dialog's draft: read, save and discard, each in its own short transaction."""

from __future__ import annotations

from datetime import datetime

from liaisonbot.store import Database, UnitOfWork
from liaisonbot.store.drafts import Draft, DraftRepository
from liaisonbot.store.people import PeopleRepository


async def get(db: Database, user_id: int) -> Draft | None:
    return await DraftRepository(db.conn).get(user_id)


async def save(db: Database, draft: Draft, now: datetime) -> None:
    async with UnitOfWork(db) as uow:
        await uow.drafts.save(draft, now)


async def discard(db: Database, user_id: int) -> bool:
    async with UnitOfWork(db) as uow:
        existed = await uow.drafts.get(user_id) is not None
        await uow.drafts.delete(user_id)
        return existed


async def is_contact(db: Database, user_id: int) -> bool:
    return await PeopleRepository(db.conn).contact_enterprise_id(user_id) is not None
