"""The store: SQLite through aiosqlite, migrations, and repositories behind a unit of work."""

from liaisonbot.store.database import Database
from liaisonbot.store.unit_of_work import UnitOfWork

__all__ = ["Database", "UnitOfWork"]
