"""The core never imports Telegram or the handlers; neither imports the sandbox.

`liaisonbot/cli.py` is the composition root: it loads the Telegram side lazily, only for the
commands that talk to Telegram (`run`, `digest --send`, `digest --dry-run`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMPOSITION_ROOT = ROOT / "liaisonbot" / "cli.py"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add("." * node.level + node.module)
    return names


def modules_under(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize(
    "path", [p for p in modules_under("liaisonbot") if p != COMPOSITION_ROOT], ids=str
)
def test_core_imports_neither_telegram_nor_handlers(path: Path) -> None:
    bad = {m for m in imported_modules(path) if m.split(".")[0] in ("telegram", "handlers")}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in modules_under("liaisonbot")
        if p != COMPOSITION_ROOT and "sandbox" not in p.relative_to(ROOT).parts
    ],
    ids=str,
)
def test_core_does_not_import_the_sandbox(path: Path) -> None:
    bad = {m for m in imported_modules(path) if "sandbox" in m.split(".")}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", modules_under("handlers"), ids=str)
def test_handlers_do_not_import_the_sandbox(path: Path) -> None:
    bad = {m for m in imported_modules(path) if m.startswith("liaisonbot.sandbox")}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
