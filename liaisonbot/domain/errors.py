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


class BadNumber(BadArgument):
    """A report number in none of the forms people write it (`1`, `#1`, `问题1`, `No.1`)."""

    code = "bad_number"
    sentence = "{value!r} is no report number; write it as 1, #1, 问题1 or No.1"


class BadPerson(BadArgument):
    """An officer named by something that is neither a user id nor a known @username."""

    code = "bad_person"
    sentence = "{value!r} is no known officer; write a user id or an @username"


class ExtensionOutOfRange(BadArgument):
    """延期 by a number of days outside 1 … what is left of the 30-day allowance."""

    code = "extension_out_of_range"
    sentence = "cannot extend by {value}: {left} of {limit} working days are left"


class NotWithdrawable(IllegalTransition):
    """撤回 / 修改 once the report was accepted (or it has ended)."""

    code = "not_withdrawable"
    sentence = "report No. {number} can no longer be changed by the enterprise: it is {state}"
