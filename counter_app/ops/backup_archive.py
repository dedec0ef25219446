"""Reading a backup archive as untrusted input: what `verify_backup` and `restore_backup`
check before a single byte of it reaches the data folder.

A backup zip comes from a USB stick or a network share, so it is read the way an attacker's
file would be:
- Every member's name must be one this program writes (`manifest.json`, `manifest.sig`,
  `counter.db`, `terminal_key.pem`, `materials/ab/ab…` with a 64-hex SHA-256): nothing else
  is ever extracted. Links (a zip can carry a symlink in its Unix mode bits), absolute
  names, `..`, drive letters and backslashes are each refused with their own message, and a
  name appearing twice too.
- The number of members and the sum of their declared sizes are capped (settings
  `restore_max_files`, `restore_max_mb`) and a member that claims a compression ratio no
  real database or scan reaches is refused, all from the central directory, before anything
  is decompressed. Python's zipfile never yields more than a member's declared size (and
  then fails its CRC), so the declared sizes are an honest upper bound.
- The manifest is signed (Ed25519) by the terminal key; the signature is checked here
  against the public key the manifest names, and the key member must be that key. Whose
  key is acceptable is the caller's decision (`counter_app.ops.backup`).
- While members are read, each one's SHA-256 is checked against the manifest, and each
  material's against its own name (its content address).
"""

from __future__ import annotations

import base64
import json
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from counter_app.errors import CounterError
from forms.text import Text

FORMAT = "counter-terminal-backup/2"
OLD_FORMAT = "counter-terminal-backup/1"  # unsigned: restored only with --force
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
DB_MEMBER = "counter.db"
KEY_MEMBER = "terminal_key.pem"
MATERIAL = re.compile(r"materials/([0-9a-f]{2})/(\1[0-9a-f]{62})")
#: Above this size a member must not claim more than MAX_RATIO : 1 compression (a dense
#: SQLite file compresses 3-10x, scans hardly at all; a zip bomb 1000x).
RATIO_FLOOR = 16 << 20
MAX_RATIO = 100


class BackupError(CounterError):
    """A backup could not be written, read or verified, or a restore was refused."""


@dataclass(frozen=True, slots=True)
class Limits:
    """What an archive may expand to (settings `restore_max_files` / `restore_max_mb`)."""

    max_files: int = 500_000
    max_bytes: int = 50_000 << 20


@dataclass(frozen=True, slots=True)
class Checked:
    """An archive whose names, sizes and manifest passed: `signer` is the raw Ed25519 public
    key that signed the manifest, None for an unsigned (older) backup."""

    manifest: dict[str, Any]
    signer: bytes | None

    @property
    def members(self) -> dict[str, str]:
        listed: dict[str, str] = self.manifest["members"]
        return listed


def check_archive(zf: zipfile.ZipFile, path: Path, limits: Limits) -> Checked:
    """Names, links, counts, sizes, the manifest and its signature; BackupError otherwise."""
    infos = zf.infolist()
    if len(infos) > limits.max_files + 4:
        raise bad(
            path,
            Text(
                f"文件数 {len(infos)} 超过上限 {limits.max_files}",
                f"{len(infos)} files, more than the limit of {limits.max_files}",
            ),
        )
    for info in infos:
        _check_name(info, path)
    if len({i.filename for i in infos}) != len(infos):
        raise bad(path, Text("有重名的成员", "a member name appears twice"))
    _check_sizes(infos, path, limits)
    manifest = _read_manifest(zf, path)
    present = {i.filename for i in infos} - {MANIFEST, SIGNATURE}
    if present != set(manifest["members"]) or not {DB_MEMBER, KEY_MEMBER} <= present:
        raise bad(path, Text("成员与清单不符", "members differ from the manifest"))
    return Checked(manifest, _check_signature(zf, path, manifest))


def _check_name(info: zipfile.ZipInfo, path: Path) -> None:
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        why = Text(f"成员 {name} 是链接", f"member {name} is a link")
    elif name.startswith(("/", "\\")):
        why = Text(f"成员 {name} 是绝对路径", f"member {name} is an absolute path")
    elif "\\" in name or re.match(r"[A-Za-z]:", name):
        why = Text(f"成员 {name} 含盘符或反斜杠", f"member {name} has a drive or backslash")
    elif ".." in name.split("/"):
        why = Text(f"成员 {name} 含 ..", f"member {name} contains ..")
    elif name in (MANIFEST, SIGNATURE, DB_MEMBER, KEY_MEMBER) or MATERIAL.fullmatch(name):
        return
    else:
        why = Text(f"成员 {name} 不属于备份", f"member {name} does not belong in a backup")
    raise bad(path, why)


def _check_sizes(infos: list[zipfile.ZipInfo], path: Path, limits: Limits) -> None:
    total = sum(i.file_size for i in infos)
    if total > limits.max_bytes:
        mb, cap = total >> 20, limits.max_bytes >> 20
        raise bad(
            path,
            Text(f"解压后 {mb} MB，超过上限 {cap} MB", f"expands to {mb} MB, over {cap} MB"),
        )
    packed = sum(i.compress_size for i in infos)
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise bad(
                path,
                Text(
                    f"成员 {i.filename} 压缩比异常（疑似压缩炸弹）",
                    f"member {i.filename} claims an impossible compression ratio (zip bomb)",
                ),
            )
    if total > RATIO_FLOOR and total > MAX_RATIO * max(packed, 1):  # many small bombs
        raise bad(
            path,
            Text("整体压缩比异常（疑似压缩炸弹）", "an impossible compression ratio (zip bomb)"),
        )


def _read_manifest(zf: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except (KeyError, ValueError, zipfile.BadZipFile, RuntimeError) as exc:
        raise bad(path, Text("缺少或无法读取清单", "no readable manifest")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") not in (FORMAT, OLD_FORMAT):
        raise bad(path, Text("不是本程序的备份", "not a counter-terminal backup"))
    members = manifest.get("members")
    if not isinstance(members, dict) or not all(isinstance(v, str) for v in members.values()):
        raise bad(path, Text("清单不完整", "the manifest is incomplete"))
    return manifest


def _check_signature(zf: zipfile.ZipFile, path: Path, manifest: dict[str, Any]) -> bytes | None:
    if manifest["format"] == OLD_FORMAT:
        return None
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        raw = base64.b64decode(str(manifest.get("public_key", "")), validate=True)
        Ed25519PublicKey.from_public_bytes(raw).verify(zf.read(SIGNATURE), zf.read(MANIFEST))
    except (ValueError, KeyError, InvalidSignature, zipfile.BadZipFile) as exc:
        raise bad(
            path,
            Text("清单签名无效（备份被改动过）", "the manifest's signature is not valid (altered)"),
        ) from exc
    return raw


def copy_member(
    zf: zipfile.ZipFile, name: str, expected: str, out: IO[bytes] | None, path: Path
) -> None:
    """Stream one member into `out` (or nowhere), checking its SHA-256 against the manifest
    and, for a material, against its name."""
    import hashlib

    digest = hashlib.sha256()
    try:
        with zf.open(name) as src:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                if out is not None:
                    out.write(chunk)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as exc:
        raise bad(path, Text(f"{name} 无法读取", f"{name} cannot be read")) from exc
    found = digest.hexdigest()
    if found != expected:
        raise bad(path, Text(f"{name} 校验和不符", f"{name} fails its checksum"))
    material = MATERIAL.fullmatch(name)
    if material and material.group(2) != found:
        raise bad(
            path,
            Text(f"{name} 的内容与其名称（哈希）不符", f"{name} does not match its content hash"),
        )


def key_matches(pem: bytes, signer: bytes | None) -> bool:
    """Whether the key member is the private half of the manifest's signer."""
    if signer is None:
        return True
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        return False
    if not isinstance(key, Ed25519PrivateKey):
        return False
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw == signer


def bad(path: Path, why: Text) -> BackupError:
    return BackupError(
        Text(f"备份文件 {path} 无效：{why.zh}", f"The backup {path} is not valid: {why.en}")
    )
