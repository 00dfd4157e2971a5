"""Errors a use case refuses with. Each has a stable `code` that the chat catalogue and the command
line turn into a sentence in the user's language; `params` fill its placeholders."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"
    # An English sentence for logs and the command line; chats use the catalogue's `error.<code>`.
    sentence = "the request was refused"

    def __init__(self, **params: Any) -> None:
        try:
            text = self.sentence.format(**params)
        except (KeyError, IndexError):
            text = self.sentence
        super().__init__(text)
        self.params = params


class NotBound(DomainError):
    code = "not_bound"
    sentence = "the user is not bound to an enterprise"


class NotAllowed(DomainError):
    code = "not_allowed"
    sentence = "not allowed for this user"


class UnknownEnterprise(DomainError):
    code = "unknown_enterprise"
    sentence = "no enterprise with credit code {code}; import the list first"


class ReportNotFound(DomainError):
    code = "report_not_found"
    sentence = "no report No. {number}"


class InviteUnknown(DomainError):
    code = "invite_unknown"
    sentence = "unknown invite"


class InviteExpired(DomainError):
    code = "invite_expired"
    sentence = "the invite has expired"


class InviteUsed(DomainError):
    code = "invite_used"
    sentence = "the invite was used already"


class InviteForSomeoneElse(DomainError):
    code = "invite_for_someone_else"
    sentence = "the invite was made for another person"


class UnknownUser(DomainError):
    code = "unknown_user"
    sentence = "no user @{username} has talked to the bot; give their numeric user id"


class IllegalTransition(DomainError):
    code = "illegal_transition"
    sentence = "{action} is not possible in state {state}"


class StaleState(DomainError):
    """The report moved on since the button or prompt was shown."""

    code = "stale_state"
    sentence = "the report has moved on; refresh and try again"


class BadArgument(DomainError):
    """A value an action needs is missing or out of range (an unknown number, 31 days...)."""

    code = "bad_argument"
    sentence = "bad argument"


class NotReporter(DomainError):
    code = "not_reporter"
    sentence = "only the reporter may answer this"
