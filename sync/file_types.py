"""What a file is, from its first bytes: one home for the terminal's store and the
platform's lookup offers (a file's type travels with it as a MIME type, never as a name)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

#: (magic bytes at offset 0, extension, MIME type): enough for what halls scan and photograph.
_MAGIC = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"II*\x00", "tif", "image/tiff"),
    (b"MM\x00*", "tif", "image/tiff"),
    (b"GIF8", "gif", "image/gif"),
    (b"PK\x03\x04", "zip", "application/zip"),
)
_SAME = {"jpeg": "jpg", "tiff": "tif"}
_SNIFFED = frozenset(ext for _, ext, _ in _MAGIC)
#: Bytes `sniff` needs to see.
HEAD_BYTES = 16


def sniff(head: bytes, name: str | None = None) -> tuple[str, str]:
    """(extension, MIME type) from the first bytes; the file name only when bytes say nothing
    and the name claims no type whose bytes we know (a program renamed scan.pdf is "bin")."""
    for magic, ext, mime in _MAGIC:
        if head.startswith(magic):
            return ext, mime
    suffix = Path(name).suffix.lower().lstrip(".") if name else ""
    suffix = _SAME.get(suffix, suffix)
    if suffix in _SNIFFED:
        return "bin", "application/octet-stream"
    guessed = mimetypes.guess_type(f"x.{suffix}")[0] if suffix else None
    return suffix or "bin", guessed or "application/octet-stream"


def normalise_extension(ext: str) -> str:
    ext = ext.lower().lstrip(".")
    return _SAME.get(ext, ext)
