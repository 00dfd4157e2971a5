"""Import an enterprise list (名单): validate every row, then write all of it or nothing, in short
transactions (docs/domain.md, "Imports: all or nothing with short locks").

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
import contextlib
from datetime import datetime
from pathlib import Path

from liaisonbot.files.archive_guard import DEFAULT_LIMITS, ImportLimits
from liaisonbot.services.enterprise_import.apply import ImportConflict
from liaisonbot.services.enterprise_import.plan import plan
from liaisonbot.services.enterprise_import.reading import read_list
from liaisonbot.services.enterprise_import.report import TELEGRAM_LIMIT, Change, ImportResult
from liaisonbot.services.enterprise_import.row_error import RowError
from liaisonbot.services.enterprise_import.validate import EnterpriseRow, parse_row
from liaisonbot.store import Database
from liaisonbot.store.enterprise_lists import EnterpriseListRepository
from liaisonbot.store.import_undo import (
    ImportLogRepository,
    purge_undo,
    recover_imports,
    undo_import,
)

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
    """Validate the list at `path` and, if `apply`, write all of it or nothing.

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
        async with db.snapshot() as reader:
            await plan(EnterpriseListRepository(reader), parsed, result)
        _sort(result)
        return result
    await recover_imports(db)  # one a crash left half-applied is undone before this plan
    # Planned on a snapshot, without the write lock: every batch checks what it overwrites, and
    # an import applied in between is seen by the count of applied imports.
    async with db.snapshot() as reader:
        applied_before = await ImportLogRepository(reader).applied_count()
        writes = await plan(EnterpriseListRepository(reader), parsed, result)
    _sort(result)
    if result.errors and not skip_invalid:
        return result
    import_id = await _start(db, result, parsed.sha256, actor_id, now, applied_before)
    if import_id is None:
        return result
    try:
        await writes.apply(db, import_id, actor_id, now)
    except ImportConflict as conflict:
        await undo_import(db, import_id)
        result.errors.insert(
            0, RowError(0, "changed_meanwhile", None, {"value": conflict.credit_code})
        )
        return result
    except BaseException:
        # Undone here when the store still works; else at the next start (the import stays
        # 'applying' under this process's name until then).
        with contextlib.suppress(Exception):
            await asyncio.shield(undo_import(db, import_id))
        raise
    async with db.transaction() as conn:
        await ImportLogRepository(conn).set_status(import_id, "applied")
    await purge_undo(db, import_id)
    result.import_id = import_id
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


async def _start(
    db: Database,
    result: ImportResult,
    sha256: str,
    actor_id: int | None,
    now: datetime,
    applied_before: int,
) -> int | None:
    """Log the import as 'applying' under this process's name (one short transaction), unless
    another import is being applied or one was applied since the plan (a file-level error)."""
    async with db.transaction() as conn:
        log = ImportLogRepository(conn)
        running = await log.running()
        if running:
            result.errors.insert(
                0, RowError(0, "import_running", None, {"value": running[0].file_name})
            )
            return None
        if await log.applied_count() != applied_before:
            result.errors.insert(0, RowError(0, "imported_meanwhile"))
            return None
        return await log.start(
            file_name=result.file_name,
            sha256=sha256,
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


def _sort(result: ImportResult) -> None:
    result.errors.sort(key=lambda e: e.row)
    result.warnings.sort(key=lambda e: e.row)
