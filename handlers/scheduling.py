"""Recurring jobs, the same way for every journey.

JobQueue jobs are not persisted, so each is re-created at every start (replacing one of the same
name), never runs twice at once, and a run missed while the loop was busy runs once, late, rather
than not at all (APScheduler's default grace of one second would skip it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import Application, ContextTypes

log = logging.getLogger(__name__)

JobCallback = Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]


def run_every(
    application: Application,
    callback: JobCallback,
    *,
    seconds: float,
    name: str,
    first: float | None = None,
    grace_seconds: float = 60,
) -> bool:
    """Run `callback` every `seconds` (first after `first`); False without a JobQueue."""
    job_queue = application.job_queue
    if job_queue is None:
        log.warning("no JobQueue (python-telegram-bot[job-queue]); %s does not run", name)
        return False
    for job in job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    job_queue.run_repeating(
        callback,
        interval=seconds,
        first=seconds if first is None else first,
        name=name,
        job_kwargs={"misfire_grace_time": grace_seconds, "coalesce": True, "max_instances": 1},
    )
    return True
