"""Import an enterprise list (名单): validate every row, then write all of it in one transaction.

Rules (documented for admins in the report the CLI and the chat print):

- All or nothing by default: one wrong row and nothing is written; `skip_invalid` writes the good
  rows. A row that references a leading enterprise whose own row is wrong is wrong too.
- Rows are matched to stored enterprises by credit code. A column missing from the file keeps the
  stored value; a column present with an empty cell sets the default (empty text, 其他, 否) —
  except 联络员 and 联系人: an empty cell keeps the liaison officer and the contacts there are.
- 配套龙头企业: when the column is present, the file's list is the supplier's set of links (an
  empty cell removes them). Each code must be a valid row of the same file or a stored enterprise.
- 联络员: a numeric Telegram user id, or @username of a user the bot has seen (`users.username`).
  An unknown @username is a row error (`unknown_liaison`), not a pending assignment: a one-to-one
  officer who cannot be reached is no officer. The officer gets an `officer` grant on
  (region code, chain) of the enterprise unless an officer grant of theirs already covers it.
- 联系人: user ids (or known @usernames) bound as the enterprise's contacts; a contact bound to
  another enterprise moves (with a warning). Contacts are never unbound by an import.
- Every change is recorded in `enterprise_changes` with the import it came from; importing the same
  file again changes nothing (the import itself is still logged in `enterprise_imports`).

The modules: `validate` (one row), `reading` (the file), `plan` and `diff` (what would change),
`apply` (writing it), `report` (the result and its report in words).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from liaisonbot.files.archive_guard import DEFAULT_LIMITS, ImportLimits
from liaisonbot.services.enterprise_import.plan import plan
from liaisonbot.services.enterprise_import.reading import read_list
from liaisonbot.services.enterprise_import.report import TELEGRAM_LIMIT, Change, ImportResult
from liaisonbot.services.enterprise_import.row_error import RowError
from liaisonbot.services.enterprise_import.validate import EnterpriseRow, parse_row
from liaisonbot.store import Database, UnitOfWork
from liaisonbot.store.enterprise_lists import EnterpriseListRepository

__all__ = [
    "TELEGRAM_LIMIT",
    "Change",
    "EnterpriseRow",
    "ImportResult",
    "RowError",
    "import_enterprises",
    "import_summary_for_chat",
    "parse_row",
]


async def import_enterprises(
    db: Database,
    path: Path,
    *,
    skip_invalid: bool = False,
    now: datetime,
    apply: bool = True,
    actor_id: int | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportResult:
    """Validate the list at `path` and, if `apply`, write it in one transaction.

    With errors and not `skip_invalid`, nothing is written. `actor_id` (the admin in the chat; None
    from the command line) is recorded as who granted roles and bound contacts.
    """
    path = Path(path)
    result = ImportResult(file_name=path.name, dry_run=not apply, skip_invalid=skip_invalid)
    # Reading and checking the rows is CPU work; a thread keeps the bot's event loop responsive.
    parsed = await asyncio.to_thread(read_list, path, result, limits)
    if parsed is None:
        return result
    if not apply:
        await plan(EnterpriseListRepository(db.conn), parsed, result)
        _sort(result)
        return result
    async with UnitOfWork(db) as uow:
        # The same connection as the unit of work's repositories: inside its transaction.
        repo = EnterpriseListRepository(uow.enterprises.conn)
        writes = await plan(repo, parsed, result)
        _sort(result)
        if result.errors and not skip_invalid:
            return result
        result.import_id = await repo.record_import(
            file_name=result.file_name,
            sha256=parsed.sha256,
            imported_by=actor_id,
            now=now,
            counts={
                "total": result.total,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "invalid": result.invalid,
            },
        )
        await writes.apply(repo, result.import_id, actor_id, now)
        result.applied = True
    return result


async def import_summary_for_chat(
    db: Database,
    path: Path,
    *,
    now: datetime,
    lang: str = "zh",
    skip_invalid: bool = False,
    max_chars: int = TELEGRAM_LIMIT - 96,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> tuple[ImportResult, str]:
    """Dry run for the chat: the result (to decide whether to offer 'apply') and its report,
    short enough for one Telegram message with room for a line of buttons' explanation."""
    result = await import_enterprises(
        db, path, skip_invalid=skip_invalid, now=now, apply=False, limits=limits
    )
    return result, result.render(lang, max_items=15, max_chars=max_chars)


def _sort(result: ImportResult) -> None:
    result.errors.sort(key=lambda e: e.row)
    result.warnings.sort(key=lambda e: e.row)
