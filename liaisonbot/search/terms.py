"""What a search asks: `关键词 [状态] [地区] [近N天]`.

The first word is always a keyword. Each later word is, in this order: a period (近7天, 7天,
7d), a state (已受理, 办理中 …, or 未办结 for every state still being worked on), a region (a
2-, 4- or 6-digit code, or a name the caller's `region_lookup` knows), else one more keyword.
Every keyword must match (AND).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from liaisonbot.domain.vocabulary import ReportState
from liaisonbot.domain.workflow import WORKING_STATES

MAX_KEYWORD = 30  # characters
MAX_KEYWORDS = 5
MAX_DAYS = 366
MAX_QUERY = 200  # characters, as stored with the page buttons

_DAYS = re.compile(r"^(?:近|最近|last)?(\d{1,4})(?:天|日|d|days?)$", re.IGNORECASE)
_REGION_CODE = re.compile(r"^\d{2}(?:\d{2}){0,2}$")
OPEN_WORDS = frozenset({"未办结", "在办", "open"})


class QueryProblem(Exception):
    """The query breaks a rule; `key` names the message, `params` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclass(frozen=True)
class Query:
    keywords: tuple[str, ...]
    states: tuple[ReportState, ...] = ()  # () any state
    regions: tuple[str, ...] = ()  # region code prefixes, any of them; () everywhere
    days: int | None = None  # reports filed in the last `days` days

    @property
    def short(self) -> bool:
        """Whether a keyword is one or two characters (searched with LIKE as well)."""
        return any(len(k) <= 2 for k in self.keywords)


RegionLookup = Callable[[str], tuple[str, ...]]


def _no_regions(word: str) -> tuple[str, ...]:
    return ()


def parse(text: str, region_lookup: RegionLookup = _no_regions) -> Query:
    words = text.split()
    if not words:
        raise QueryProblem("find.usage")
    if len(text) > MAX_QUERY:
        raise QueryProblem("find.too_long", limit=MAX_QUERY)
    keywords = [words[0]]
    states: list[ReportState] = []
    regions: list[str] = []
    days: int | None = None
    for word in words[1:]:
        if (match := _DAYS.match(word)) is not None:
            days = int(match.group(1))
            if not 1 <= days <= MAX_DAYS:
                raise QueryProblem("find.bad_days", limit=MAX_DAYS)
        elif word.lower() in OPEN_WORDS:
            states += sorted(WORKING_STATES)
        elif (state := ReportState.parse(word)) is not None:
            states.append(state)
        elif _REGION_CODE.match(word):
            regions.append(word)
        elif found := region_lookup(word):
            regions += found
        else:
            keywords.append(word)
    for keyword in keywords:
        if len(keyword) > MAX_KEYWORD:
            raise QueryProblem("find.keyword_too_long", limit=MAX_KEYWORD)
    if len(keywords) > MAX_KEYWORDS:
        raise QueryProblem("find.too_many_keywords", limit=MAX_KEYWORDS)
    return Query(
        keywords=tuple(dict.fromkeys(keywords)),
        states=tuple(dict.fromkeys(states)),
        regions=tuple(dict.fromkeys(regions)),
        days=days,
    )
