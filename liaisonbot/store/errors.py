"""Telling the store's transient troubles (busy, full) from real faults."""

from __future__ import annotations

import sqlite3


def is_busy(exc: BaseException) -> bool:
    """Another process holds the write lock longer than the busy timeout: try again later."""
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc)
    )


def is_disk_full(exc: BaseException) -> bool:
    """SQLITE_FULL: nothing was written; it works again once space is freed."""
    return isinstance(exc, sqlite3.OperationalError) and "full" in str(exc)
