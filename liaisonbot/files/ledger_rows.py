"""The ledger's rows, by header (liaisonbot.files.ledger_columns), from its two sources:

- the digest: its `LedgerRow`s (every report in scope pending now or changed in the period) and
  their event logs, read here in one query;
- the export: every report registered in a date range, streamed from the database, with the times
  the workflow keeps on the report (or, without them, the event log's).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from liaisonbot.clock import from_db
from liaisonbot.domain.codes import region_name
from liaisonbot.domain.vocabulary import Category, Channel, Mode, ReportState, Scope, Urgency
from liaisonbot.domain.workflow import WORKING_STATES
from liaisonbot.files.filters import Where
from liaisonbot.files.ledger_columns import (
    SATISFACTION_LABELS,
    action_label,
    assists_label,
    level_label,
    path_label,
    warning_label,
)
from liaisonbot.files.sheets import local_time, region_label, zh_label
from liaisonbot.read.digest.model import LedgerRow, progress_of
from liaisonbot.read.event_words import outcome_words
from liaisonbot.read.notes import note_in_words
from liaisonbot.read.people import person_label
from liaisonbot.store import Database

OPEN_STATES = WORKING_STATES  # the export's 办理中: resolved items count as done
TIMELINE_MAX = 12  # events in 办理经过; earlier ones are elided

# -- the digest ----------------------------------------------------------------------------------


async def timelines(db: Database, ids: list[int]) -> dict[int, list[Any]]:
    """The event logs of reports `ids` (report_id, at, action, note), oldest first."""
    out: dict[int, list[Any]] = {}
    if not ids:
        return out
    async with db.conn.execute(
        "SELECT report_id, at, action, note FROM report_events"
        " WHERE report_id IN (SELECT value FROM json_each(?)) ORDER BY report_id, id",
        (json.dumps(ids),),
    ) as cursor:
        async for r in cursor:
            out.setdefault(r["report_id"], []).append(r)
    return out


def _brief(events: list[Any], tz: ZoneInfo) -> str:
    """办理经过: the timeline in brief, the last TIMELINE_MAX steps."""
    parts = [
        f"{local_time(datetime.fromisoformat(ev['at']), tz):%m-%d} {action_label(ev['action'])}"
        for ev in events
        if ev["action"] != "acknowledge"
    ]
    if len(parts) > TIMELINE_MAX:
        parts = ["…", *parts[-TIMELINE_MAX:]]
    return " → ".join(parts)


def _coordination(row: LedgerRow, events: list[Any]) -> str:
    """需协调事项: why an escalated item went up to the task force, else the enterprise's ask."""
    if row.state is ReportState.ESCALATED:
        reason = next((ev["note"] for ev in reversed(events) if ev["action"] == "escalate"), "")
        if reason:
            return str(reason)
    return row.ask


def digest_row(
    n: int, row: LedgerRow, events: list[Any], tz: ZoneInfo, names: Mapping[int, str] | None = None
) -> dict[str, Any]:
    """Row `n` of the digest's 问题台账: the report, with the times and the 回访 answer its
    events give."""
    accepted = next((ev["at"] for ev in events if ev["action"] == "accept"), None)
    resolved = next((ev["at"] for ev in reversed(events) if ev["action"] == "resolve"), None)
    closed = next(
        (ev["at"] for ev in reversed(events) if ev["action"] in ("confirm", "auto_close")),
        None,
    )
    answer = ""
    for ev in events:
        level = {"confirm": ev["note"] or "SATISFIED", "reopen": "UNSATISFIED"}.get(
            ev["action"], "TIMEOUT" if ev["action"] == "auto_close" else ""
        )
        answer = SATISFACTION_LABELS.get(level, answer)
    done = row.state in (ReportState.RESOLVED, ReportState.CLOSED)
    return {
        "序号": n,
        "编号": row.id,
        "企业名称": row.enterprise_name,
        "统一社会信用代码": row.credit_code,
        "地区": region_name(row.region_code) or row.region_code,
        "产业链": row.chain,
        "类别": zh_label(Category, row.category),
        "问题标题": row.title,
        "问题描述": row.description,
        "诉求": row.ask,
        "影响": row.impact,
        "紧急程度": row.urgency.zh,
        "范围": zh_label(Scope, row.scope),
        "办理方式": zh_label(Mode, row.mode),
        "渠道": zh_label(Channel, row.channel),
        "状态": row.state.zh,
        "责任人": row.assignee,
        "登记时间": row.created_at,
        "受理时间": from_db(accepted),
        "时限": row.due_at,
        "办结时间": from_db(resolved) if done else None,
        "销号时间": from_db(closed) if row.state is ReportState.CLOSED else None,
        "预警": warning_label(row),
        "超期": "超期" if row.flags.overdue or row.flags.supervise else "",
        "已上报未阅": "是" if row.escalated_unacked else "",
        "办理结果": outcome_words(row.outcome, "zh"),
        "回访": answer,
        "本期动态": "、".join(action_label(a) for a in row.period_actions),
        "最新进展": progress_of([(ev["action"], ev["note"]) for ev in events], names),
        "需协调事项": _coordination(row, events),
        "办理经过": _brief(events, tz),
        "上报路径": path_label(row.path),
        "当前层级": level_label(row.level_prefix) if row.path else "",
        "协办地区": assists_label(row.assists),
        "牵头单位": row.lead_unit,
        "配合单位": row.partner_units,
    }


# -- the export ----------------------------------------------------------------------------------


async def export_rows(
    db: Database, where: Where, now: datetime
) -> AsyncIterator[tuple[str, ReportState, bool, dict[str, Any]]]:
    """The reports `where` selects, by number: (category, state, overdue at `now`, row) each."""
    # Times the workflow keeps on the report (migration 0003) win; on a database without them,
    # or for a report they were not set on, the event log says when it was accepted or resolved.
    columns = {c["name"] for c in await db.fetch_all("PRAGMA table_info(reports)")}

    def stamp(column: str, to_state: str, pick: str) -> str:
        from_log = (
            f"(SELECT {pick}(ev.at) FROM report_events ev WHERE ev.report_id = r.id"
            f" AND ev.to_state = '{to_state}')"
        )
        if column in columns:
            return f"COALESCE(r.{column}, {from_log}) AS x_{column}"
        return f"{from_log} AS x_{column}"

    def optional(column: str) -> str:
        return f"r.{column} AS x_{column}" if column in columns else f"NULL AS x_{column}"

    async with db.conn.execute(
        "SELECT r.*, e.name AS enterprise_name, e.credit_code, e.region_code, e.chain,"
        " u.full_name AS assignee_name, u.username AS assignee_username,"
        f" {stamp('accepted_at', 'accepted', 'MIN')}, {stamp('resolved_at', 'resolved', 'MAX')},"
        f" {stamp('closed_at', 'closed', 'MAX')}, {optional('outcome')},"
        f" {optional('satisfaction')},"
        + _ladder_columns(columns)
        + " (SELECT ev.action || ':' || ev.note FROM report_events ev"
        "   WHERE ev.report_id = r.id AND ev.note != '' ORDER BY ev.id DESC LIMIT 1) AS last_note,"
        " (SELECT COALESCE(NULLIF(p.full_name, ''), '@' || p.username) FROM report_events ev"
        "   LEFT JOIN users p ON ev.action IN ('take', 'assign')"
        "   AND p.user_id = CAST(ev.note AS INTEGER)"
        "   WHERE ev.report_id = r.id AND ev.note != '' ORDER BY ev.id DESC LIMIT 1)"
        "   AS last_note_person"
        " FROM reports r JOIN enterprises e ON e.id = r.enterprise_id"
        f" LEFT JOIN users u ON u.user_id = r.assignee_id{where.sql} ORDER BY r.id",
        where.params,
    ) as cursor:
        n = 0
        async for r in cursor:
            n += 1
            state = ReportState(r["state"])
            due = from_db(r["due_at"])
            overdue = state in OPEN_STATES and due is not None and due < now
            yield r["category"], state, overdue, _export_row(n, r, state, due, overdue)


def _ladder_columns(columns: set[str]) -> str:
    """The path (region prefixes, '#'-marked so the national '' survives group_concat) and the
    协办 regions, when the database has the ladder (migration 0009)."""
    if "escalation_level" not in columns:
        return ""
    return (
        " (SELECT group_concat('#' || l.region_prefix, ',') FROM (SELECT region_prefix"
        "   FROM report_levels WHERE report_id = r.id ORDER BY level) l) AS x_path,"
        " (SELECT group_concat(a.region_code || ':' || a.state, ',') FROM assist_requests a"
        "   WHERE a.report_id = r.id) AS x_assists,"
    )


def _export_row(
    n: int, r: Any, state: ReportState, due: datetime | None, overdue: bool
) -> dict[str, Any]:
    return {
        "序号": n,
        "编号": r["id"],
        "企业名称": r["enterprise_name"],
        "统一社会信用代码": r["credit_code"],
        "地区": region_label(r["region_code"]),
        "产业链": r["chain"],
        "类别": zh_label(Category, r["category"]),
        "问题标题": r["title"],
        "问题描述": r["description"],
        "诉求": r["ask"],
        "影响": r["impact"],
        "紧急程度": zh_label(Urgency, r["urgency"]),
        "范围": zh_label(Scope, r["scope"]),
        "办理方式": zh_label(Mode, r["mode"]),
        "渠道": zh_label(Channel, r["channel"]),
        "状态": state.zh,
        "责任人": person_label(r["assignee_id"], r["assignee_name"], r["assignee_username"]),
        "登记时间": from_db(r["created_at"]),
        "受理时间": from_db(r["x_accepted_at"]),
        "时限": due,
        "办结时间": from_db(r["x_resolved_at"]),
        "销号时间": from_db(r["x_closed_at"]),
        "超期": "超期" if overdue else "",
        "办理结果": outcome_words(r["x_outcome"], "zh"),
        "回访": SATISFACTION_LABELS.get(r["x_satisfaction"] or "", r["x_satisfaction"] or ""),
        "最新进展": _latest_note(r),
        **_ladder_cells(r),
    }


def _latest_note(r: Any) -> str:
    """最新进展 of an export row: the latest note in words (a person by name)."""
    action, _, note = (r["last_note"] or ":").partition(":")
    person = r["last_note_person"]
    names = {int(note): person} if person and note.isdigit() else None
    return note_in_words(action, note, names)


def _ladder_cells(r: Any) -> dict[str, Any]:
    """上报路径 … 配合单位 of an export row (empty on a database before the ladder)."""
    keys = r.keys()
    if "x_path" not in keys or "escalation_level" not in keys:
        return {}
    path = [p.lstrip("#") for p in (r["x_path"] or "").split(",") if p] if r["x_path"] else []
    level = r["escalation_level"]
    assists = [
        tuple(item.split(":", 1)) for item in (r["x_assists"] or "").split(",") if ":" in item
    ]
    return {
        "上报路径": path_label(path),
        "当前层级": level_label(path[level - 1] if 0 < level <= len(path) else None)
        if path
        else "",
        "协办地区": assists_label(assists),
        "牵头单位": r["lead_unit"],
        "配合单位": r["partner_units"],
    }
