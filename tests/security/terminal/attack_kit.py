"""What the terminal-side attack tests share: snapshots of folders, and rebuilding a real
backup zip the way an attacker holding a copy of it would (the backup carries the terminal
key, so a thief of one backup can re-sign what he changes in it)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter_app.cli import main

Members = dict[str, bytes]


def run(data_dir: Path, *args: str) -> int:
    """`counter-app --data-dir DIR --lang en ARGS...` through the real entry point."""
    return main(["--data-dir", str(data_dir), "--lang", "en", *args])


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes: what 'nothing was written' compares."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def read_members(archive: Path) -> Members:
    with zipfile.ZipFile(archive) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def re_sign(members: Members, key_pem: bytes | None = None) -> None:
    """Sign `manifest.json` again with the key inside the backup (or `key_pem`)."""
    key = serialization.load_pem_private_key(key_pem or members["terminal_key.pem"], password=None)
    assert isinstance(key, Ed25519PrivateKey)
    members["manifest.sig"] = key.sign(members["manifest.json"])


def edit_manifest(members: Members, change: Callable[[dict[str, Any]], None]) -> None:
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()


def put_member(members: Members, name: str, data: bytes) -> None:
    """Add or replace a member and list its SHA-256 in the manifest (sign again after)."""
    members[name] = data
    digest = hashlib.sha256(data).hexdigest()

    def listed(manifest: dict[str, Any]) -> None:
        manifest["members"][name] = digest

    edit_manifest(members, listed)


def write_zip(
    dest: Path, members: Members, extra: tuple[tuple[zipfile.ZipInfo, bytes], ...] = ()
) -> Path:
    """A real zip of `members` (deflated) plus hand-made entries (links, odd names)."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for info, data in extra:
            zf.writestr(info, data)
    return dest
