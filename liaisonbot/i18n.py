"""Text catalogues: gettext .po files per language (liaisonbot/locales/<lang>.po), read with Babel.

Message ids are stable keys (`report.filed`); each catalogue holds every key, which a test checks,
with `str.format` placeholders. The core returns codes and parameters; the sentences live here, so
that the chat (handlers/) and the command line say them alike. Values the handlers send are
HTML-safe templates: parameters that carry user text must be escaped by the caller.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


@cache
def catalogue(lang: str) -> dict[str, str]:
    with (LOCALES_DIR / f"{lang}.po").open("rb") as handle:
        po = read_po(handle)
    return {str(m.id): str(m.string) for m in po if m.id and m.string}


def template(lang: str | None, key: str) -> str | None:
    """The unfilled text for `key` in `lang` (falling back to Chinese); None if no catalogue
    has it."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key)


def t(lang: str | None, key: str, /, **params: object) -> str:
    """The text for `key` in `lang` (falling back to Chinese), with its placeholders filled."""
    text = template(lang, key)
    if text is None:
        raise KeyError(f"text {key!r} is in no catalogue")
    return text.format(**params)
