"""Time: stored in UTC as ISO-8601 text, shown in the configured zone (Asia/Shanghai by default)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_db(moment: datetime) -> str:
    """One fixed format, so that stored times sort as text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the store; times are stored in UTC")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def from_db_required(text: str) -> datetime:
    """A time from a NOT NULL column."""
    return datetime.fromisoformat(text)
