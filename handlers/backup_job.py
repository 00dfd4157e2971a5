"""The daily backup: a checked copy of the database into LIAISONBOT_BACKUP_DIR, the newest
LIAISONBOT_BACKUP_KEEP kept (none when the folder is not set)."""

from __future__ import annotations

import logging
from datetime import time

from telegram.ext import Application, ContextTypes

from handlers.common import Deps, deps
from liaisonbot.store.backup import BackupFailed, rotate_backup

log = logging.getLogger(__name__)

JOB_NAME = "backup"


async def _backup(context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    folder = d.settings.backup_dir
    assert folder is not None
    try:
        made = await rotate_backup(d.db, folder, d.settings.backup_keep, d.now())
    except (BackupFailed, OSError):
        log.exception("daily backup into %s failed", folder)
        return
    log.info("daily backup written to %s (%d bytes)", made.path, made.size)


def schedule(application: Application) -> None:
    d: Deps = application.bot_data["deps"]
    if d.settings.backup_dir is None or application.job_queue is None:
        return
    hour, minute = map(int, d.settings.backup_time.split(":"))
    application.job_queue.run_daily(
        _backup,
        time=time(hour, minute, tzinfo=d.settings.zone),
        name=JOB_NAME,
        job_kwargs={"misfire_grace_time": 3600, "coalesce": True, "max_instances": 1},
    )
