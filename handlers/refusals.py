"""Turning refused input into a sentence in the user's language."""

from __future__ import annotations

from html import escape

from pydantic import ValidationError

from handlers.i18n import t
from liaisonbot.domain.codes import InvalidCode
from liaisonbot.domain.errors import DomainError
from liaisonbot.domain.limits import TextRejected
from liaisonbot.domain.vocabulary import ReportState


def text_problem(exc: ValidationError) -> TextRejected | None:
    """The TextRejected behind a pydantic error, if that is what it was."""
    for error in exc.errors():
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, TextRejected):
            return cause
    return None


def text_refusal(lang: str, problem: TextRejected) -> str:
    field = t(lang, f"fieldname.{problem.field}")
    if problem.problem == "empty":
        return t(lang, "error.text_empty", field=field)
    if problem.problem == "invisible":
        return t(lang, "error.text_invisible", field=field)
    return t(lang, "error.text_too_long", field=field, limit=problem.limit, length=problem.length)


def code_refusal(lang: str, exc: InvalidCode) -> str:
    """HTML: send with parse_mode HTML."""
    return t(lang, f"error.code_{exc.problem.value}", code=escape(exc.code))


def domain_refusal(lang: str, exc: DomainError, *, html: bool = True) -> str:
    """The refusal as HTML (send with parse_mode HTML: parameters may echo what the user typed),
    or with `html=False` as plain text for a callback alert, which has no parse mode."""
    show = escape if html else str
    params = {k: show(str(v)) for k, v in exc.params.items()}
    if exc.params.get("state") in _STATES:  # a state in words, never its code
        params["state"] = ReportState(exc.params["state"]).label(lang)
    return t(lang, f"error.{exc.code}", **params)


_STATES = frozenset(s.value for s in ReportState)
