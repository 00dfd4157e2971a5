"""`liaisonbot checkin --schedule WHEN [--region] [--chain] [--at] [--window-hours]`: when rounds
go out for a region or chain (the most specific schedule applies)."""

from __future__ import annotations

import argparse
from datetime import time

from liaisonbot.clock import utcnow
from liaisonbot.domain.checkins import DEFAULT_SEND_TIME, Frequency, Schedule
from liaisonbot.services import checkins
from liaisonbot.store import Database


class ScheduleError(ValueError):
    pass


def parse_schedule(when: str, at: str | None, window_hours: float | None) -> Schedule:
    """`workdays`, `daily`, `weekly:N` (1 = Monday … 7 = Sunday) or `off`."""
    kind, _, day = when.strip().lower().partition(":")
    weekday = None
    try:
        frequency = Frequency(kind.upper())
    except ValueError:
        raise ScheduleError(f"not a schedule: {when!r} (workdays, daily, weekly:N, off)") from None
    if frequency is Frequency.WEEKLY:
        if not day.isdigit() or not 1 <= int(day) <= 7:
            raise ScheduleError("weekly needs a weekday 1–7 (1 = Monday): weekly:1")
        weekday = int(day) - 1
    try:
        send_time = time.fromisoformat(at) if at else DEFAULT_SEND_TIME
    except ValueError:
        raise ScheduleError(f"--at is HH:MM, not {at!r}") from None
    if window_hours is not None and not 0 < window_hours <= 24 * 7:
        raise ScheduleError("--window-hours is between 0 and 168")
    return Schedule(frequency, weekday, send_time, window_hours)


async def checkin_schedule(db: Database, args: argparse.Namespace, region: str, chain: str) -> int:
    try:
        schedule = parse_schedule(args.schedule, args.at, args.window_hours)
    except ScheduleError as exc:
        print(f"liaisonbot: {exc}")
        return 2
    await checkins.set_schedule(db, region, chain, schedule, None, utcnow())
    window = (
        f"{schedule.window_hours:g} h" if schedule.window_hours else "until 12:00 next working day"
    )
    print(
        f"check-ins for region {region or 'all'}, chain {chain or 'all'}:"
        f" {schedule.frequency.en.lower()}"
        + (f" (weekday {schedule.weekday + 1})" if schedule.weekday is not None else "")
        + f" at {schedule.send_time:%H:%M}, open {window}"
    )
    return 0
