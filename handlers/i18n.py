"""Text catalogues: gettext .po files per language (handlers/locales/<lang>.po), read with Babel.

Message ids are stable keys (`report.filed`); each catalogue holds every key, which a test checks,
with `str.format` placeholders. Values are HTML-safe templates: parameters that carry user text
must be escaped by the caller (rendering.py does it).
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


def t(lang: str | None, key: str, /, **params: object) -> str:
    """The text for `key` in `lang` (falling back to Chinese), with its placeholders filled."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    template = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key)
    if template is None:
        raise KeyError(f"text {key!r} is in no catalogue")
    return template.format(**params)
