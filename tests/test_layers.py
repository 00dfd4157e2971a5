"""The core never imports Telegram or the handlers; neither imports the sandbox.

`liaisonbot/cli.py` is the composition root: it loads the Telegram side lazily, only for the
commands that talk to Telegram (`run`, `digest --send`, `digest --dry-run`).

Inside the core: `domain` does no I/O (imports nothing of store, services, read, files nor
aiosqlite); `store` imports neither services, read, files nor handlers; `read` does not import
services. Tests never import `bench/` (bench may import tests/support).
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


def imported_names(path: Path) -> set[str]:
    """Every module `path` imports, absolute, with `from a import b` also counted as `a.b`."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join((*base, *([node.module] if node.module else [])))
            names.add(module)
            names |= {f"{module}.{alias.name}" for alias in node.names}
    return names


def forbidden_imports(path: Path, forbidden: tuple[str, ...]) -> set[str]:
    """The imports of `path` that are, or are inside, one of the `forbidden` modules."""
    return {
        name
        for name in imported_names(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    }


LAYER_RULES = {
    # package: (what it must not import, why)
    "liaisonbot/domain": (
        (
            "liaisonbot.store",
            "liaisonbot.services",
            "liaisonbot.read",
            "liaisonbot.files",
            "aiosqlite",
        ),
        "the domain does no I/O",
    ),
    "liaisonbot/store": (
        ("liaisonbot.services", "liaisonbot.read", "liaisonbot.files", "handlers"),
        "the store knows only the domain",
    ),
    "liaisonbot/read": (("liaisonbot.services",), "the read side does not run use cases"),
}


@pytest.mark.parametrize(
    ("path", "forbidden", "why"),
    [
        pytest.param(path, forbidden, why, id=str(path.relative_to(ROOT)))
        for folder, (forbidden, why) in LAYER_RULES.items()
        for path in modules_under(folder)
    ],
)
def test_core_layers_import_only_downwards(path: Path, forbidden: tuple[str, ...], why: str):
    bad = forbidden_imports(path, forbidden)
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}: {why}"


def production_modules_outside_handlers() -> list[Path]:
    """Every shipped module but the Telegram side; tests/ and bench/ drive the bot through PTB."""
    harness = {"handlers", "tests", "bench", ".venv", "build"}
    return sorted(
        p
        for p in ROOT.rglob("*.py")
        if p.relative_to(ROOT).parts[0] not in harness
        and not p.relative_to(ROOT).parts[0].endswith(".egg-info")
        and p != COMPOSITION_ROOT
    )


@pytest.mark.parametrize("path", production_modules_outside_handlers(), ids=str)
def test_only_handlers_import_telegram(path: Path) -> None:
    bad = forbidden_imports(path, ("telegram",))
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}: only handlers/ talks Telegram"


def test_the_composition_root_loads_the_telegram_side_lazily() -> None:
    tree = ast.parse(COMPOSITION_ROOT.read_text(encoding="utf-8"))
    top_level = {
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    bad = {m for m in top_level if m.split(".")[0] in ("telegram", "handlers")}
    assert not bad, f"liaisonbot/cli.py imports {sorted(bad)} at module level, not inside a command"


@pytest.mark.parametrize("path", modules_under("tests"), ids=str)
def test_tests_never_import_bench(path: Path) -> None:
    bad = forbidden_imports(path, ("bench",))
    assert not bad, (
        f"{path.relative_to(ROOT)} imports {sorted(bad)}: move shared data to tests/support"
    )
