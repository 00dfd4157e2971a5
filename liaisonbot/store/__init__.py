"""The store: SQLite through aiosqlite, migrations, and repositories behind a unit of work."""

from .database import Database
from .unit_of_work import UnitOfWork

__all__ = ["Database", "UnitOfWork"]
