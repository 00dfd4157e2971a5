"""Every text the handlers ask for exists in every language, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from handlers.i18n import LANGUAGES, catalogue
from liaisonbot import errors
from liaisonbot.domain.codes import CodeProblem

HANDLERS = Path(__file__).resolve().parents[1] / "handlers"


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in HANDLERS.glob("*.py"):
        keys |= set(re.findall(r'\bt\(\s*[\w.]+,\s*"([a-z_]+\.[a-z_.]+)"', path.read_text()))
    keys |= {f"error.code_{p.value}" for p in CodeProblem}
    keys |= {
        f"error.{cls.code}"
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.DomainError) and cls.code != "error"
    }
    from handlers.app import GROUP_COMMANDS, PRIVATE_COMMANDS
    from handlers.keyboards import EDITABLE_FIELDS

    keys |= {f"command.{c}" for c in (*PRIVATE_COMMANDS, *GROUP_COMMANDS)}
    keys |= {f"fieldname.{f}" for f in EDITABLE_FIELDS}
    return keys


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_used_key_is_translated(lang: str) -> None:
    missing = used_keys() - set(catalogue(lang))
    assert not missing


def test_catalogues_agree_on_keys_and_placeholders() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    assert set(zh) == set(en)
    for key in zh:
        assert placeholders(zh[key]) == placeholders(en[key]), key
