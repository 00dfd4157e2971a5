"""Logging that never shows the bot token.

The token is in every Bot API URL, so any library may log it: httpx's request lines, a refused
token in python-telegram-bot's `InvalidToken` message, a traceback that quotes a URL. A filter on
every handler of the root logger sees each record once it is complete (message, arguments and
exception text) and replaces each secret with a mark before anything is written.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable

MARK = "[token hidden]"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so that a secret containing another is hidden whole.
        self.secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MARK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def secrets_of_token(token: str) -> list[str]:
    """The token, and its secret half alone (after the bot id), which is just as dangerous."""
    return [token, token.partition(":")[2]]


def hide_secrets(secrets: Iterable[str]) -> RedactSecrets:
    """Install the filter on every handler of the root logger (and the last-resort handler)."""
    redact = RedactSecrets(secrets)
    handlers = list(logging.getLogger().handlers)
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        handler.addFilter(redact)
    return redact
