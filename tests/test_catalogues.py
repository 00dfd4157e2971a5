"""Every text the handlers ask for exists in every language, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from liaisonbot.domain import errors
from liaisonbot.domain.codes import CodeProblem
from liaisonbot.i18n import LANGUAGES, catalogue

ROOT = Path(__file__).resolve().parents[1]
# Every module that asks the catalogues for a text: the Telegram side and the core's reports.
SPEAKERS = [*(ROOT / "handlers").rglob("*.py"), *(ROOT / "liaisonbot").rglob("*.py")]


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in SPEAKERS:
        keys |= set(re.findall(r'\bt\(\s*[\w.]+,\s*"([a-z_]+\.[a-z_.]+)"', path.read_text()))
    keys |= {f"error.code_{p.value}" for p in CodeProblem}
    keys |= {
        f"error.{cls.code}"
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.DomainError) and cls.code != "error"
    }
    from handlers.app import GROUP_COMMANDS, PRIVATE_COMMANDS
    from handlers.reporting.keyboards import EDITABLE_FIELDS

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


def composed_keys() -> set[str]:
    """Keys the handlers build from a prefix and a value (`t(lang, f"triage.btn_{verb}")`), which
    `used_keys` cannot see: one per value the code can produce."""
    from handlers.triage import keyboards
    from handlers.triage.buttons import QUESTIONS as PROMPT_VERBS
    from liaisonbot.domain.workflow import Action, Activity
    from liaisonbot.files.ledger import WARNING_LABELS
    from liaisonbot.services.reminders import Kind

    verbs = {v for rows in keyboards.CARD_VERBS.values() for row in rows for v in row}
    prompts = {action for action, _ in PROMPT_VERBS.values()} | {"info", "reopen"}
    satisfactions = {*keyboards.SATISFACTION_CODES.values(), "TIMEOUT"}
    return (
        {f"triage.btn_{v}" for v in verbs | {"acx", "back"}}
        | {f"triage.outcome_{n.lower()}" for n in keyboards.OUTCOME_CODES.values()}
        | {f"triage.satisfaction_{n.lower()}" for n in satisfactions}
        | {f"prompt.{a}" for a in prompts}
        | {f"done.{a}" for a in prompts | {"pub", "note"}}
        | {f"action.{a.value}" for a in (*Action, *Activity)}
        | {f"remind.{k.value}" for k in Kind}
        | {f"digest.mark_{key}" for key in WARNING_LABELS}
        | {f"triage.enterprise_{a}" for a in (Action.INFO_GIVEN, Action.REOPEN, Action.WITHDRAW)}
        | {f"triage.enterprise_{a}" for a in (Activity.ADD_INFO, Activity.CORRECT)}
        | {"relation.upstream", "relation.downstream"}
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_composed_key_is_translated(lang: str) -> None:
    missing = composed_keys() - set(catalogue(lang))
    assert not missing
