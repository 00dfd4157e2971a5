"""What every command of the command line shares: its one-line refusal, the settings, the
database opened for one command, and reading regions and dates."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from datetime import date

from pydantic import ValidationError

from liaisonbot.config import Settings
from liaisonbot.domain.codes import InvalidCode, validate_region_code
from liaisonbot.store import Database


class CliError(Exception):
    """A one-line reason for a non-zero exit."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CliError(f"bad setting {'.'.join(map(str, first['loc']))}: {first['msg']}") from None


async def with_db(settings: Settings, work: Callable[[Database], Awaitable[int]]) -> int:
    db = await Database(settings.db).open()
    for undone in db.recovered_imports:  # opening undid an import a crash left half-applied
        print(
            f"note: the import of {undone.file_name} (import {undone.id}, {undone.imported_at})"
            " was left unfinished by a crash and has been undone; import it again",
            file=sys.stderr,
        )
    try:
        return await work(db)
    finally:
        await db.close()


def region_arg(value: str | None) -> str:
    if not value:
        return ""
    try:
        return validate_region_code(value)
    except InvalidCode:
        raise CliError(f"unknown region code {value!r} (GB/T 2260: 2, 4 or 6 digits)") from None


def scope_text(region: str, chain: str) -> str:
    parts = [f"region {region}" if region else "", f"chain {chain}" if chain else ""]
    scope = ", ".join(p for p in parts if p)
    return f" ({scope})" if scope else ""


def date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None
