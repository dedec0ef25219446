"""The layout's promises: only counter_app/ui imports Qt; sync/ and portal/ never import the
terminal; each shared concept has one home; no module above 400 lines."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT_FREE = ["forms", "printing", "sync", "portal", "counter_app"]


def _modules(package: str) -> list[str]:
    names = []
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        if "ui" in rel.parts or rel.name == "__main__":
            continue
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        names.append(".".join(parts))
    return names


def test_qt_free_packages_load_no_pyside6() -> None:
    modules = [m for package in QT_FREE for m in _modules(package)]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert len(modules) > 5
    assert out.stdout.strip() == "", f"PySide6 loaded by Qt-free code: {out.stdout}"


# -- one home for every concept (issue 13) ---------------------------------------------------
SOURCES = ["forms", "printing", "sync", "portal", "counter_app", "bench", "tests"]
MAX_LINES = 400

#: What may be defined in one place only, and that place.
ONE_HOME: dict[str, tuple[re.Pattern[str], str]] = {
    "a receipt-number or Crockford pattern": (
        re.compile(r"0123456789ABCDEFGHJKMNPQRSTVWXYZ|\[0-9A-HJKMNP-TV-Z\]|maketrans\(.*\bILO\b"),
        "sync/receipt_numbers.py",
    ),
    "a canonical-JSON dump": (
        re.compile(r"json\.dumps\([^)]*sort_keys\s*=\s*True"),
        "sync/canonical.py",
    ),
    "a content hash": (
        re.compile(r"def content_hash\b|\[\"content_hash\"\] = hashlib"),
        "sync/canonical.py",
    ),
}


def _python_files(*packages: str) -> list[Path]:
    return [p for package in packages for p in sorted((ROOT / package).rglob("*.py"))]


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at any depth (functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", ["sync", "portal"])
def test_shared_code_and_the_platform_never_import_the_terminal(package: str) -> None:
    """sync/ is what both ends agree on (the engine reaches the terminal through its typed
    port); the platform must run where no terminal is installed."""
    bad = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in _python_files(package)
        for name in _imports(path)
        if name == "counter_app" or name.startswith("counter_app.")
    }
    assert not bad, sorted(bad)


@pytest.mark.parametrize("concept", sorted(ONE_HOME))
def test_each_shared_concept_is_defined_in_its_one_home(concept: str) -> None:
    pattern, home = ONE_HOME[concept]
    here = Path(__file__).resolve()
    places = {
        str(path.relative_to(ROOT))
        for path in _python_files(*SOURCES)
        if path != here and pattern.search(path.read_text("utf-8"))
    }
    assert places == {home}, f"{concept} is defined outside {home}: {sorted(places - {home})}"


def test_no_module_is_above_400_lines() -> None:
    long = {
        f"{path.relative_to(ROOT)}: {n}"
        for path in _python_files(*SOURCES)
        if (n := len(path.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert not long, sorted(long)


def test_the_window_launches_nothing() -> None:
    """The entry point (`counter_app.ops.launch`, `counter_app.ops.screenshots`) wires the
    demo; the window only gets a folder and the logins to show."""
    bad = {
        str(path.relative_to(ROOT))
        for path in _python_files("counter_app/ui")
        if any(name.startswith("counter_app.ops") for name in _imports(path))
    }
    assert not bad, sorted(bad)


def test_receipt_numbers_are_cleaned_by_the_one_rule_only() -> None:
    """A typed receipt number is cleaned by `sync.receipt_numbers.normalise_receipt_no`; a
    hand-written `replace("-", "")` beside it once dropped spaces but not dots, or kept the
    I/L/O typos, so the same number was found on one page and not on the next."""
    homemade = re.compile(r"receipt_no\b[^\n]*\.replace\(\s*\"-\"")
    places = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in _python_files("forms", "printing", "sync", "portal", "counter_app")
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if homemade.search(line)
    ]
    assert not places, places
