"""The entry point: opening the window parses without loading any command module (start-up
time), while every command and --help still work through the full parser."""

from __future__ import annotations

import subprocess
import sys

import pytest

from counter_app.cli import main, parse

HEAVY = ("reportlab", "escpos", "httpx", "counter_app.cli.")


def test_window_start_loads_no_command_module() -> None:
    code = (
        "import sys\n"
        "from counter_app.cli import parse\n"
        "args = parse(['--data-dir', '/tmp/x', '--lang', 'en'])\n"
        f"heavy = sorted(m for m in sys.modules if m.startswith({HEAVY!r}))\n"
        "print(args.command, args.lang, heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "None en []"


def test_a_command_gets_the_full_parser() -> None:
    args = parse(["--lang", "en", "search", "王"])
    assert args.command == "search" and args.text == "王" and callable(args.func)


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert all(word in out for word in ("intake", "receipt", "sync", "doctor", "backup"))


def test_unknown_option_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--bogus"])
    assert exit_.value.code == 2
    assert "--bogus" in capsys.readouterr().err


def test_help_loads_no_wire_model_http_or_pdf_library() -> None:
    """Start-up (issue 17): `counter-app --help` lists every command without importing what
    the commands use (pydantic's wire models, httpx, reportlab, the printer back-ends)."""
    code = (
        "import sys\n"
        "from counter_app.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('reportlab', 'escpos', 'httpx', 'pydantic', 'sync.protocol', 'PySide6')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
