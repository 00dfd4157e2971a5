"""The search itself: reports in the caller's scope whose text has every keyword, newest first.

Each keyword matches through the word index (`search_words MATCH`, the keyword cut by jieba the
way the reports were); a keyword of one or two characters also matches by `LIKE` on the text as
written (`search_docs`), for words the segmenter keeps inside a longer one. When the index finds
nothing at all, the search runs once more by `LIKE` alone (a keyword cut across word boundaries).
Internal notes (`staff_text`) are searched only for staff (anyone with a role).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from liaisonbot.clock import from_db_required, to_db
from liaisonbot.domain.codes import region_name
from liaisonbot.domain.models import RoleGrant
from liaisonbot.domain.vocabulary import ReportState, Role
from liaisonbot.read.people import Viewer
from liaisonbot.search import index, segmenter
from liaisonbot.search.terms import Query, RegionLookup
from liaisonbot.store import Database

PAGE_SIZE = 10
_REGION_SUFFIXES = ("", "省", "市", "区", "县", "自治区", "自治州")


@dataclass(frozen=True)
class SearchScope:
    """What a person may find: everything (admin), what their grants cover, their enterprise's."""

    everything: bool = False
    grants: tuple[tuple[str, str], ...] = ()  # (region prefix, chain '' any)
    enterprise_id: int | None = None
    staff: bool = False  # internal notes are searched too

    @classmethod
    def of(cls, viewer: Viewer) -> SearchScope | None:
        """None: the person has no role and is no enterprise's contact."""
        staff = [g for g in viewer.grants if g.role in (Role.ADMIN, Role.OFFICER, Role.OFFICIAL)]
        if not staff and viewer.contact_enterprise_id is None:
            return None
        return cls(
            everything=any(g.role is Role.ADMIN for g in staff),
            grants=tuple(sorted({_pair(g) for g in staff})),
            enterprise_id=viewer.contact_enterprise_id,
            staff=bool(staff),
        )

    def sql(self) -> tuple[str, list[Any]]:
        if self.everything:
            return "1 = 1", []
        parts: list[str] = []
        params: list[Any] = []
        if self.enterprise_id is not None:
            parts.append("e.id = ?")
            params.append(self.enterprise_id)
        for prefix, chain in self.grants:
            parts.append("(substr(e.region_code, 1, ?) = ? AND (? = '' OR e.chain = ?))")
            params += [len(prefix), prefix, chain, chain]
        return "(" + " OR ".join(parts or ["0"]) + ")", params


def _pair(grant: RoleGrant) -> tuple[str, str]:
    return grant.region_prefix, grant.chain


@dataclass(frozen=True)
class Hit:
    id: int
    state: ReportState
    enterprise_name: str
    title: str
    created_at: datetime
    text: str  # the searchable text the caller may see, for a snippet


@dataclass(frozen=True)
class Page:
    hits: list[Hit]
    number: int  # 0-based
    has_more: bool


def _fts_phrase(keyword: str) -> str | None:
    words = segmenter.words(keyword)
    if not words:
        return None
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def _like(keyword: str) -> str:
    escaped = keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _keyword_sql(keyword: str, staff: bool, *, like_only: bool) -> tuple[str, list[Any]]:
    """The condition for one keyword. LIKE reads the row's own `search_docs` text (joined as
    `d`), so it costs only for the rows walked: newest first, the walk stops at a page."""
    columns = "{public_words staff_words}" if staff else "public_words"
    like = "d.public_text LIKE ? ESCAPE '\\'" + (
        " OR d.staff_text LIKE ? ESCAPE '\\'" if staff else ""
    )
    like_params = [_like(keyword)] * (2 if staff else 1)
    phrase = None if like_only else _fts_phrase(keyword)
    if phrase is None:
        return f"({like})", like_params
    fts = "r.id IN (SELECT rowid FROM search_words WHERE search_words MATCH ?)"
    fts_params: list[Any] = [f"{columns}: ({phrase})"]
    if len(keyword) <= 2:
        return f"({fts} OR {like})", fts_params + like_params
    return fts, fts_params


async def _run(
    db: Database, scope: SearchScope, query: Query, page: int, now: datetime, like_only: bool
) -> Page:
    where, params = scope.sql()
    clauses = [where]
    for keyword in query.keywords:
        sql, more = _keyword_sql(keyword, scope.staff, like_only=like_only)
        clauses.append(sql)
        params += more
    if query.states:
        clauses.append(f"r.state IN ({', '.join('?' * len(query.states))})")
        params += [s.value for s in query.states]
    if query.regions:
        clauses.append(
            "(" + " OR ".join("substr(e.region_code, 1, ?) = ?" for _ in query.regions) + ")"
        )
        for prefix in query.regions:
            params += [len(prefix), prefix]
    if query.days is not None:
        clauses.append("r.created_at >= ?")
        params.append(to_db(now - timedelta(days=query.days)))
    staff_text = "d.staff_text" if scope.staff else "''"
    rows = await db.fetch_all(
        "SELECT r.id, r.state, r.title, r.created_at, e.name,"
        f" COALESCE(d.public_text, '') AS public_text, COALESCE({staff_text}, '') AS staff_text"
        " FROM reports r JOIN enterprises e ON e.id = r.enterprise_id"
        " LEFT JOIN search_docs d ON d.report_id = r.id"
        f" WHERE {' AND '.join(clauses)} ORDER BY r.id DESC LIMIT ? OFFSET ?",
        [*params, PAGE_SIZE + 1, page * PAGE_SIZE],
    )
    hits = [
        Hit(
            id=r["id"],
            state=ReportState(r["state"]),
            enterprise_name=r["name"],
            title=r["title"],
            created_at=from_db_required(r["created_at"]),
            text="\n".join(x for x in (r["public_text"], r["staff_text"]) if x),
        )
        for r in rows[:PAGE_SIZE]
    ]
    return Page(hits, page, len(rows) > PAGE_SIZE)


async def search(
    db: Database, scope: SearchScope, query: Query, *, page: int = 0, now: datetime
) -> Page:
    """One page of results (ten, newest first). Brings the index up to date first."""
    await segmenter.load()
    await index.refresh(db)
    found = await _run(db, scope, query, page, now, like_only=False)
    if not found.hits and page == 0:
        found = await _run(db, scope, query, page, now, like_only=True)
    return found


@lru_cache(maxsize=4096)
def _name(prefix: str) -> str:
    return region_name(prefix) or ""


async def region_lookup(db: Database) -> RegionLookup:
    """Region names (深圳, 广东省, 鼓楼区) to the codes of the enterprises' regions they name."""
    rows = await db.fetch_all("SELECT DISTINCT region_code FROM enterprises")
    prefixes = {
        code[:n] for r in rows if (code := r["region_code"]) for n in (2, 4, 6) if len(code) >= n
    }
    names = {p: _name(p) for p in sorted(prefixes)}

    def lookup(word: str) -> tuple[str, ...]:
        found = [
            p
            for p, name in names.items()
            if name and any(name.endswith(word + s) for s in _REGION_SUFFIXES)
        ]
        # 深圳 names 4403, not each of its districts too: keep the shortest prefixes.
        return tuple(p for p in found if not any(p != q and p.startswith(q) for q in found))

    return lookup
