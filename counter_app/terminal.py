"""The terminal: its identity in the data folder, and the one object everything else uses.

`Terminal.open(data_dir)` bundles the store, the identity (terminal ID, hall, window, signing
key, portal URL and token), catalog access, the intake service and the materials folder; the
CLI, the UI and the sync engine all start from it.

The terminal ID is 4 Crockford base32 characters because it is part of every receipt number;
`init` draws a random provisional one (collisions are what enrollment at the platform, which
may assign another, resolves). The Ed25519 key signs the receipt QR payloads; `code_secret()`
is derived from it (HKDF) so that one file holds every secret of the terminal.

Opening a terminal is on the path to the counter window's first use, so what only some
callers need is imported on first use: the intake service (and the form model it pulls),
the catalog store (YAML), and `cryptography` (the key: receipts, enrollment).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from counter_app.errors import ConflictError, NotInitialised, StoreError
from counter_app.store import Store, open_store
from counter_app.store.materials import MaterialStore, _os_error
from forms.text import Text
from sync.hall_time import hall_zone
from sync.receipt_numbers import ALPHABET, normalise_receipt_no

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    from counter_app.intake.service import IntakeService
    from forms.model import ServiceItem

DB_NAME = "counter.db"
KEY_NAME = "terminal_key.pem"
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def random_terminal_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(4))


def check_terminal_id(value: str) -> str:
    """The normalised ID, or ConflictError when it is not 4 Crockford base32 characters."""
    norm = normalise_receipt_no(value)
    if len(norm) != 4 or any(c not in ALPHABET for c in norm):
        raise ConflictError(
            Text(
                f"终端编号应为 4 个字符（数字或 I L O U 以外的字母）：{value}",
                f"A terminal ID is 4 characters (digits, letters except I L O U): {value}",
            )
        )
    return norm


class Terminal:
    """An opened terminal. Close it when done (or use it as a context manager)."""

    def __init__(self, data_dir: Path, store: Store, now: Clock = utcnow) -> None:
        self.data_dir = data_dir
        self.store = store
        self.now = now
        self.materials = MaterialStore(data_dir / "materials")
        self._key: Ed25519PrivateKey | None = None

    @cached_property
    def intake(self) -> IntakeService:
        """The intake service, made on first use (see the module docstring)."""
        # start-up: loaded on first use, not by Terminal.open (see the module docstring)
        from counter_app.intake.service import IntakeService

        return IntakeService(self)

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def init(
        cls,
        data_dir: Path,
        terminal_id: str | None = None,
        hall: str = "",
        window: str = "",
        now: Clock = utcnow,
    ) -> Terminal:
        """Create the terminal in `data_dir` (or open it, updating what is given)."""
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            data_dir.chmod(0o700)  # personal data: no other account on the PC may look in
        except OSError as exc:
            raise _os_error(exc) from exc
        terminal = cls(data_dir, open_store(data_dir / DB_NAME), now)
        terminal._ensure_key()
        current = terminal.store.get_setting("terminal_id")
        if terminal_id is not None or current is None:
            terminal.terminal_id = check_terminal_id(terminal_id or random_terminal_id())
        if hall:
            terminal.hall = hall
        if window:
            terminal.window = window
        return terminal

    @classmethod
    def open(cls, data_dir: Path, now: Clock = utcnow) -> Terminal:
        """Open an initialised terminal; NotInitialised when `init` never ran there."""
        if not (data_dir / DB_NAME).is_file():
            raise NotInitialised(
                Text(
                    f"数据文件夹 {data_dir} 中还没有终端，请先运行 counter-app init。",
                    f"No terminal in {data_dir} yet: run `counter-app init` first.",
                )
            )
        terminal = cls(data_dir, open_store(data_dir / DB_NAME), now)
        if terminal.store.get_setting("terminal_id") is None:
            terminal.close()
            raise NotInitialised(
                Text(
                    "终端尚未初始化，请运行 counter-app init。",
                    "The terminal is not initialised: run `counter-app init`.",
                )
            )
        return terminal

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- identity ------------------------------------------------------------------------
    @property
    def terminal_id(self) -> str:
        return self.store.get_setting("terminal_id") or ""

    @terminal_id.setter
    def terminal_id(self, value: str) -> None:
        """Enrollment may replace the provisional ID; issued receipt numbers keep theirs."""
        self.store.set_setting("terminal_id", check_terminal_id(value))

    hall = property(
        lambda self: self.store.get_setting("hall") or "",
        lambda self, v: self.store.set_setting("hall", v),
        doc="The hall's name as printed on receipts.",
    )
    window = property(
        lambda self: self.store.get_setting("window") or "",
        lambda self, v: self.store.set_setting("window", str(v)),
        doc="The window (counter) number.",
    )
    portal_url = property(
        lambda self: self.store.get_setting("portal_url"),
        lambda self, v: self.store.set_setting("portal_url", v),
        doc="The enrolled platform's base URL, None before enrollment.",
    )
    token = property(
        lambda self: self.store.get_setting("token"),
        lambda self, v: self.store.set_setting("token", v),
        doc="The platform's bearer token for this terminal: a secret, never log or print it.",
    )

    @property
    def timezone(self) -> ZoneInfo:
        return hall_zone(self.store.get_setting("timezone"))

    def today(self) -> date:
        """The hall's local date now."""
        return self.now().astimezone(self.timezone).date()

    # -- catalog -------------------------------------------------------------------------
    def service_items(self) -> list[ServiceItem]:
        """The latest version of every service item in the local catalog."""
        # start-up: loaded on first use, not by Terminal.open (see the module docstring)
        from counter_app.store.catalog import latest_items

        return latest_items(self.store)

    def service_item(self, code: str, version: int | None = None) -> ServiceItem:
        """One item (latest version unless `version`); NotFound when absent."""
        # start-up: loaded on first use, not by Terminal.open (see the module docstring)
        from counter_app.store.catalog import get_item

        return get_item(self.store, code, version)

    def import_catalog(self, path: Path) -> tuple[int, int]:
        """Import a YAML file or folder: (new versions, unchanged)."""
        # start-up: loaded on first use, not by Terminal.open (see the module docstring)
        from counter_app.store.catalog import import_path

        return import_path(self.store, path)

    # -- keys ----------------------------------------------------------------------------
    @property
    def key_path(self) -> Path:
        return self.data_dir / KEY_NAME

    def private_key(self) -> Ed25519PrivateKey:
        # start-up: loaded on first use, not by Terminal.open (see the module docstring)
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        if self._key is None:
            try:
                pem = self.key_path.read_bytes()
            except OSError as exc:
                raise StoreError(
                    Text(
                        f"无法读取终端密钥 {self.key_path}。",
                        f"Cannot read the terminal key {self.key_path}.",
                    )
                ) from exc
            key = serialization.load_pem_private_key(pem, password=None)
            assert isinstance(key, Ed25519PrivateKey)
            self._key = key
        return self._key

    def public_key(self) -> Ed25519PublicKey:
        return self.private_key().public_key()

    def public_key_bytes(self) -> bytes:
        """The raw 32-byte public key (what enrollment sends to the platform)."""
        # start-up: loaded on first use, not by Terminal.open (see the module docstring)
        from cryptography.hazmat.primitives import serialization

        return self.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    def code_secret(self) -> bytes:
        """32 bytes for the receipts' tracking codes: HKDF-SHA256 of the private key."""
        # start-up: loaded on first use, not by Terminal.open (see the module docstring)
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        raw = self.private_key().private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"receipt-code").derive(
            raw
        )

    def _ensure_key(self) -> None:
        """Create the key file once, readable by the owner only (0600 from the start)."""
        if self.key_path.exists():
            return
        # start-up: loaded on first use, not by Terminal.open (see the module docstring)
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise _os_error(exc) from exc
