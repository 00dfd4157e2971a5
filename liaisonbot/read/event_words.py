"""Events in words, for every output (cards, /show, the digest, the ledger and exports): the
action's name and the note, which the event log keeps partly in codes (`HIGH CROSS_REGION` at
受理, `LAB → CTL` at 改类别, `SATISFIED` at 销号, a user id at 指派, a region code at 协办, the
outcome of 办结 as `[PARTLY] …`). Plain text: HTML callers escape the result.

The words come from the vocabulary's labels and the catalogues (action.*, words.*), so the chat
and the files say the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from liaisonbot.domain.codes import region_name
from liaisonbot.domain.numbers import is_ascii_digits
from liaisonbot.domain.resolution import parse_resolution_note
from liaisonbot.domain.vocabulary import Category, Scope, Urgency
from liaisonbot.i18n import t, template

SATISFACTION_CODES = ("SATISFIED", "BASIC", "UNSATISFIED", "TIMEOUT")
OUTCOME_CODES = ("SOLVED", "PARTLY", "CANNOT")
_EXTEND = re.compile(r"^\+(\d+)(?: (.*))?$", re.DOTALL)


def action_words(action: str, lang: str) -> str:
    """An event kind's name (受理, 认领, 改类别 …); an unknown kind as stored."""
    return t(lang, f"action.{action}") if template(lang, f"action.{action}") else action


def satisfaction_words(code: str | None, lang: str) -> str:
    """满意 / 基本满意 / 不满意 / 未答复; "" for none, an unknown code as stored."""
    if not code:
        return ""
    return t(lang, f"triage.satisfaction_{code.lower()}") if code in SATISFACTION_CODES else code


def outcome_words(code: str | None, lang: str) -> str:
    """已解决 / 部分解决 / 无法解决; "" for none."""
    if not code:
        return ""
    return t(lang, f"triage.outcome_{code.lower()}") if code in OUTCOME_CODES else code


def region_words(code: str, lang: str) -> str:
    """福建省福州市（3501）: the name with the code; the code alone when unknown."""
    name = region_name(code)
    return t(lang, "words.region", name=name, code=code) if name else code


def person_ids_in(events: Iterable[tuple[str, str]]) -> set[int]:
    """The user ids that (action, note) pairs name (认领 and 指派 store the assignee's id)."""
    return {
        int(note)
        for action, note in events
        if action in ("take", "assign") and is_ascii_digits(note)
    }


def note_words(action: str, note: str, lang: str, names: Mapping[int, str] | None = None) -> str:
    """An event's note in words in `lang` (plain text); `names` gives people's names by id."""
    if not note:
        return ""
    worded = _worded(action, note, lang, names or {})
    return note if worded is None else worded


def _worded(action: str, note: str, lang: str, names: Mapping[int, str]) -> str | None:
    if action == "resolve" and (resolution := parse_resolution_note(note)) is not None:
        outcome, text, policies = resolution
        words = t(
            lang, "show.resolution_note", outcome=outcome_words(outcome.value, lang), text=text
        )
        if policies:
            words += t(lang, "text.clause_sep") + t(lang, "card.policies", policies=policies)
        return words
    if action == "accept":
        urgency_code, _, scope_code = note.partition(" ")
        urgency, scope = Urgency.parse(urgency_code), Scope.parse(scope_code)
        if urgency is not None and scope is not None:
            return t(lang, "show.accept_note", urgency=urgency.label(lang), scope=scope.label(lang))
    if action == "recategorize":
        old_code, _, new_code = note.partition(" → ")
        old, new = Category.parse(old_code), Category.parse(new_code)
        if old is not None and new is not None:
            return f"{old.label(lang)} → {new.label(lang)}"
    if action in ("confirm", "auto_close", "reopen") and note in SATISFACTION_CODES:
        return satisfaction_words(note, lang)
    if action in ("take", "assign") and is_ascii_digits(note):
        return names.get(int(note), note)
    if action == "extend" and (match := _EXTEND.match(note)):
        days, reason = match.group(1), match.group(2) or ""
        words = t(lang, "words.extend_note", days=days)
        return words + (t(lang, "text.clause_sep") + reason if reason else "")
    if action == "blocked_by":
        name, _, code = note.rpartition(" ")
        return t(lang, "words.blocked_by_note", name=name or code, code=code if name else "")
    if action in ("assist_request", "assist_accept", "assist_done") and is_ascii_digits(note):
        return region_words(note, lang)
    if action == "assist_note":
        code, _, text = note.partition(" ")
        if is_ascii_digits(code):
            return f"{region_words(code, lang)}{t(lang, 'words.said')}{text}"
    if action == "units":
        lead, _, partners = note.partition("；")
        words = t(lang, "words.lead_unit", lead=lead)
        if partners:
            words += t(lang, "text.clause_sep") + t(lang, "words.partner_units", partners=partners)
        return words
    if action in ("merge", "link") and note.startswith("#") and is_ascii_digits(note[1:]):
        return t(lang, "words.report_ref", number=note[1:])
    return None
