"""Installs that fit their machines: a terminal (`[terminal,printer]`) pulls no web server
or PostgreSQL driver, a platform (`[portal]`) no Qt or printer driver, and `dev` still gets
everything. Read from pyproject.toml, and followed through the dependencies' own metadata
(the dev environment has every package installed), so a dependency that drags one in is
caught too."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
PROJECT = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]
EXTRAS: dict[str, list[str]] = PROJECT["optional-dependencies"]

PLATFORM_ONLY = {"fastapi", "uvicorn", "psycopg", "psycopg-binary", "sqlalchemy", "starlette"}
TERMINAL_ONLY = {"pyside6", "pyside6-essentials", "shiboken6", "python-escpos", "pyusb"}


def _closure(requirements: list[str]) -> set[str]:
    """Every distribution these requirements install, by the installed packages' metadata
    (markers evaluated for this machine; extras followed)."""
    seen: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name == "counter-terminal":  # `dev` names the project's own extras
            todo += [Requirement(r) for e in req.extras for r in EXTRAS[e]]
            continue
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        if name in seen:
            continue
        seen.add(name)
        for dep in metadata.requires(req.name) or []:
            sub = Requirement(dep)
            extras = (*req.extras, "")
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras):
                todo.append(sub)
    return seen


def _install(*extras: str) -> set[str]:
    return _closure(PROJECT["dependencies"] + [r for e in extras for r in EXTRAS[e]])


def test_a_terminal_install_pulls_no_web_server_or_database_driver() -> None:
    terminal = _install("terminal", "printer")
    assert {"pyside6", "sqlite-utils", "httpx", "python-escpos"} <= terminal
    assert terminal & PLATFORM_ONLY == set()


def test_a_platform_install_pulls_no_qt_or_printer_driver() -> None:
    platform = _install("portal")
    assert {"fastapi", "uvicorn", "sqlalchemy", "psycopg", "jinja2"} <= platform
    assert platform & TERMINAL_ONLY == set()


def test_dev_installs_everything_the_test_suite_needs() -> None:
    dev = _install("dev")
    assert _install("terminal", "printer", "portal") <= dev
    assert {"pytest", "pytest-qt", "mypy", "ruff", "schemathesis"} <= dev
