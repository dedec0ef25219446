"""The terminal's identity in its data folder: ID, hall, window, key file, derived secret."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from counter_app.errors import ConflictError, NotInitialised, StoreError
from counter_app.store import open_store
from counter_app.terminal import Terminal
from sync.receipt_numbers import ALPHABET


def test_init_makes_provisional_id_and_private_key(tmp_path: Path) -> None:
    with Terminal.init(tmp_path / "d", hall="南昌市民中心", window="3") as t:
        assert len(t.terminal_id) == 4 and set(t.terminal_id) <= set(ALPHABET)
        mode = stat.S_IMODE(t.key_path.stat().st_mode)
        assert mode == 0o600
        first_id, public = t.terminal_id, t.public_key_bytes()
    with Terminal.open(tmp_path / "d") as again:
        assert again.terminal_id == first_id and again.public_key_bytes() == public
        assert (again.hall, again.window) == ("南昌市民中心", "3")


def test_code_secret_is_hkdf_of_the_key(tmp_path: Path) -> None:
    with Terminal.init(tmp_path / "d") as t:
        raw = t.private_key().private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        expected = HKDF(hashes.SHA256(), 32, None, b"receipt-code").derive(raw)
        assert t.code_secret() == expected and len(expected) == 32


def test_signature_verifies_with_public_key(tmp_path: Path) -> None:
    with Terminal.init(tmp_path / "d") as t:
        t.public_key().verify(t.private_key().sign(b"payload"), b"payload")


def test_enrollment_can_replace_id_and_store_token(tmp_path: Path) -> None:
    with Terminal.init(tmp_path / "d", "abcd") as t:
        assert t.terminal_id == "ABCD"
        t.terminal_id = "k0o1"
        t.portal_url, t.token = "https://portal.example", "secret-token"
    with Terminal.open(tmp_path / "d") as t:
        assert (t.terminal_id, t.portal_url, t.token) == (
            "K001",
            "https://portal.example",
            "secret-token",
        )


@pytest.mark.parametrize("bad", ["ABC", "ABCDE", "AB-U", "!!!!"])
def test_bad_terminal_id_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ConflictError):
        Terminal.init(tmp_path / "d", bad).close()


def test_open_without_init(tmp_path: Path) -> None:
    with pytest.raises(NotInitialised) as err:
        Terminal.open(tmp_path / "empty")
    assert "counter-app init" in err.value.message("en")


def test_unreadable_key_is_a_clear_error(tmp_path: Path) -> None:
    with Terminal.init(tmp_path / "d") as t:
        t.key_path.unlink()
        with pytest.raises(StoreError) as err:
            t.code_secret()
        assert "terminal key" in err.value.message("en")


def test_data_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError):
        Terminal.init(blocker / "d")


def test_database_without_terminal_is_not_initialised(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    open_store(tmp_path / "d" / "counter.db").close()
    with pytest.raises(NotInitialised):
        Terminal.open(tmp_path / "d")


def test_opening_imports_neither_intake_nor_catalog_nor_cryptography(tmp_path: Path) -> None:
    """The counter window opens the terminal while the clerk waits for the login window;
    the intake service, the form model (YAML) and `cryptography` (~65 ms together) load on
    first use. Run in a fresh interpreter: this one has them all."""
    import subprocess
    import sys

    Terminal.init(tmp_path / "d", hall="南昌市民中心").close()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from counter_app.terminal import Terminal\n"
        f"t = Terminal.open(Path({str(tmp_path / 'd')!r}))\n"
        "assert t.hall == '南昌市民中心' and len(t.terminal_id) == 4\n"
        "heavy = ('counter_app.intake.service', 'forms.model', 'yaml', 'cryptography')\n"
        "loaded = [m for m in heavy if m in sys.modules]\n"
        "assert not loaded, loaded\n"
        "assert t.intake is t.intake and len(t.public_key_bytes()) == 32\n"
        "assert t.service_items() == []\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
