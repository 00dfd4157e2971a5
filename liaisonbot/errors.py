"""Errors a use case refuses with. Each has a stable `code` that the chat catalogue and the command
line turn into a sentence in the user's language; `params` fill its placeholders."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"

    def __init__(self, **params: Any) -> None:
        super().__init__(f"{self.code} {params}" if params else self.code)
        self.params = params


class NotBound(DomainError):
    code = "not_bound"


class NotAllowed(DomainError):
    code = "not_allowed"


class UnknownEnterprise(DomainError):
    code = "unknown_enterprise"


class ReportNotFound(DomainError):
    code = "report_not_found"


class InviteUnknown(DomainError):
    code = "invite_unknown"


class InviteExpired(DomainError):
    code = "invite_expired"


class InviteUsed(DomainError):
    code = "invite_used"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class StaleState(DomainError):
    """The report moved on since the button or prompt was shown."""

    code = "stale_state"


class BadArgument(DomainError):
    """A value an action needs is missing or out of range (an unknown number, 31 days...)."""

    code = "bad_argument"


class NotReporter(DomainError):
    code = "not_reporter"
