"""The ledger (问题台账) writer: one column list (liaisonbot.files.ledger_columns), two row sets.

- `ledger_xlsx`: attached to the digest: every report in scope that is pending now or changed in
  the period (what the digest's figures are computed from). Sheets 问题台账, 本期办理记录 (the
  period's events, the figures' source) and 汇总 (the figures by category, region and chain).
- `export_ledger`: `liaisonbot export ledger` and /export: every report registered in a date
  range, as .xlsx or .csv. Sheets 问题台账, 办理记录 (their events) and 分类汇总.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from liaisonbot.clock import from_db, utcnow
from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.files.checkin_sheet import write_checkins
from liaisonbot.files.filters import Where, day_bound, scope_filter
from liaisonbot.files.ledger_columns import (
    EVENT_HEADERS,
    LEDGER_HEADERS,
    LEDGER_SHEET,
    LEDGER_WIDTHS,
    WARNING_LABELS,
    action_label,
    ledger_line,
    warning_key,
    warning_label,
)
from liaisonbot.files.ledger_rows import OPEN_STATES, digest_row, export_rows, timelines
from liaisonbot.files.ledger_summary import (
    DIGEST_SUMMARY_HEADERS,
    DIGEST_SUMMARY_SHEET,
    CategoryCounts,
    write_definitions,
    write_digest_summary,
)
from liaisonbot.files.sheets import SHANGHAI, TableSink, local_time, zh_label
from liaisonbot.read.digest.model import DONE_STATES, Digest
from liaisonbot.read.event_words import person_ids_in
from liaisonbot.read.notes import note_in_words
from liaisonbot.read.people import people_labels, person_label
from liaisonbot.store import Database

EVENTS_SHEET = "本期办理记录"  # the digest's; the export's is 办理记录
SUMMARY_SHEET = DIGEST_SUMMARY_SHEET
SUMMARY_HEADERS = DIGEST_SUMMARY_HEADERS

__all__ = [
    "EVENTS_SHEET",
    "EVENT_HEADERS",
    "LEDGER_HEADERS",
    "LEDGER_SHEET",
    "SUMMARY_HEADERS",
    "SUMMARY_SHEET",
    "WARNING_LABELS",
    "export_ledger",
    "ledger_filename",
    "ledger_title",
    "ledger_xlsx",
    "warning_key",
    "warning_label",
]


# -- the digest's ledger ------------------------------------------------------------------------


def ledger_title(digest: Digest, tz: ZoneInfo) -> tuple[str, str]:
    """The workbook's title and description: the period of the flow, and the moment the open
    items were counted (as the message says)."""
    day = digest.period.day.isoformat()
    start = local_time(digest.period.start, tz)
    end = local_time(digest.period.end - timedelta(microseconds=1), tz)
    as_of = local_time(digest.as_of, tz)
    return (
        f"问题台账 {day}（在办截至 {as_of:%m-%d %H:%M}）",
        f"本期统计时段 {start:%m-%d %H:%M} 至 {end:%m-%d %H:%M}；"
        f"在办、预警与重点问题截至 {as_of:%m-%d %H:%M}",
    )


async def ledger_xlsx(db: Database, digest: Digest, tz: ZoneInfo) -> bytes:
    """The ledger of `digest` as an .xlsx file's bytes."""
    sink = TableSink(None, tz, LEDGER_WIDTHS)
    sink.book.properties.title, sink.book.properties.description = ledger_title(digest, tz)
    logs = await timelines(db, [r.id for r in digest.rows])
    names = {r.id: r.enterprise_name for r in digest.rows}
    noted = [(ev["action"], ev["note"]) for log in logs.values() for ev in log]
    noted += [(ev.action, ev.note) for ev in digest.events]
    people = await people_labels(db, person_ids_in(noted))

    sink.table(LEDGER_SHEET, LEDGER_HEADERS)
    for n, row in enumerate(digest.rows, start=1):
        sink.row(ledger_line(digest_row(n, row, logs.get(row.id, []), tz, people)))

    sink.table(EVENTS_SHEET, EVENT_HEADERS)
    for n, ev in enumerate(digest.events, start=1):
        sink.row(
            [
                n,
                ev.report_id,
                names.get(ev.report_id, ""),
                ev.at,
                action_label(ev.action),
                ev.actor,
                zh_label(ReportState, ev.from_state),
                zh_label(ReportState, ev.to_state),
                note_in_words(ev.action, ev.note, people),
            ]
        )

    write_digest_summary(sink, digest)
    write_definitions(sink)
    return sink.bytes()


def ledger_filename(digest: Digest) -> str:
    scope = digest.scope.region_prefix or "全国"
    if digest.scope.chains:
        scope += "-" + "-".join(digest.scope.chains)
    return f"问题台账-{digest.period.day.isoformat()}-{scope}.xlsx"


# -- the export ----------------------------------------------------------------------------------


async def export_ledger(
    db: Database,
    path: Path,
    *,
    region: str | None = None,
    chain: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    tz: ZoneInfo = SHANGHAI,
    now: datetime | None = None,
) -> list[Path]:
    """Sheets 问题台账 (one row per report registered in the period), 办理记录 (their events) and
    分类汇总 (by category). Dates are days in `tz`, both ends included. 超期 is marked for open
    items past their due time at `now`. Returns the paths written."""
    path = Path(path)
    now = now or utcnow()
    sink = TableSink(path, tz, LEDGER_WIDTHS)
    where = scope_filter("e", region, chain)
    if date_from is not None:
        where.clauses.append("r.created_at >= ?")
        where.params.append(day_bound(date_from, tz, end=False))
    if date_to is not None:
        where.clauses.append("r.created_at < ?")
        where.params.append(day_bound(date_to, tz, end=True))

    counts = CategoryCounts()
    sink.table(LEDGER_SHEET, LEDGER_HEADERS)
    async for category, state, overdue, row in export_rows(db, where, now):
        counts.add(category, open_=state in OPEN_STATES, done=state in DONE_STATES, overdue=overdue)
        sink.row(ledger_line(row))
    await _export_events(db, sink, where)
    counts.write(sink)
    await write_checkins(db, sink, region=region, chain=chain, date_from=date_from, date_to=date_to)
    return sink.close()


async def _export_events(db: Database, sink: TableSink, where: Where) -> None:
    sink.table("办理记录", EVENT_HEADERS)
    n = 0
    async with db.conn.execute(
        "SELECT ev.*, e.name AS enterprise_name, u.full_name, u.username,"
        " p.full_name AS note_full_name, p.username AS note_username FROM report_events ev"
        " JOIN reports r ON r.id = ev.report_id JOIN enterprises e ON e.id = r.enterprise_id"
        " LEFT JOIN users u ON u.user_id = ev.actor_id"
        " LEFT JOIN users p ON ev.action IN ('take', 'assign')"
        f" AND p.user_id = CAST(ev.note AS INTEGER){where.sql} ORDER BY ev.report_id, ev.id",
        where.params,
    ) as cursor:
        async for ev in cursor:
            n += 1
            sink.row(
                [
                    n,
                    ev["report_id"],
                    ev["enterprise_name"],
                    from_db(ev["at"]),
                    action_label(ev["action"]),
                    person_label(ev["actor_id"], ev["full_name"], ev["username"]),
                    zh_label(ReportState, ev["from_state"]),
                    zh_label(ReportState, ev["to_state"]),
                    note_in_words(ev["action"], ev["note"], _note_person(ev)),
                ]
            )


def _note_person(ev: Any) -> dict[int, str] | None:
    """The person a 认领 / 指派 event names, by the id its note keeps."""
    if ev["note_full_name"] is None and ev["note_username"] is None:
        return None
    label = person_label(int(ev["note"]), ev["note_full_name"], ev["note_username"])
    return {int(ev["note"]): label}
