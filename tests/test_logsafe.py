"""The token never reaches a log line: message, arguments, exception text."""

from __future__ import annotations

import io
import logging

from liaisonbot.logsafe import MARK, RedactSecrets, secrets_of_token

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def _logger_with(redact: RedactSecrets) -> tuple[logging.Logger, io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(redact)
    logger = logging.getLogger(f"test.logsafe.{id(out)}")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger, out


def test_token_hidden_in_message_arguments_and_traceback() -> None:
    logger, out = _logger_with(RedactSecrets(secrets_of_token(TOKEN)))
    logger.info("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    logger.warning(f"refused: {TOKEN.partition(':')[2]}")
    try:
        raise RuntimeError(f"https://api.telegram.org/bot{TOKEN}/getUpdates failed")
    except RuntimeError:
        logger.exception("polling failed")
    text = out.getvalue()
    assert TOKEN not in text and TOKEN.partition(":")[2] not in text
    assert text.count(MARK) == 3
    assert "getMe" in text and "RuntimeError" in text


def test_short_or_empty_secrets_are_not_used() -> None:
    redact = RedactSecrets(["", "bot"])
    assert redact.redact("a bot at https://x/bot") == "a bot at https://x/bot"
