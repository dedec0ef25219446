"""Real small filesystems for the disk-full and read-only tests: a tmpfs of a few MB
mounted for one test (needs root; tests skip with the reason when mounting is refused)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


@contextmanager
def tmpfs(path: Path, size: str = "16m") -> Iterator[Path]:
    """`path` as a fresh tmpfs of `size`; unmounted (lazily if still busy) afterwards."""
    path.mkdir(parents=True, exist_ok=True)
    done = _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}): needs root")
    try:
        yield path
    finally:
        _run("umount", "-l", str(path))


@contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """`path` (a folder) read-only in place, by a read-only bind mount over it."""
    done = _run("mount", "--bind", str(path), str(path))
    assert done.returncode == 0, done.stderr
    try:
        done = _run("mount", "-o", "remount,bind,ro", str(path))
        assert done.returncode == 0, done.stderr
        yield path
    finally:
        _run("umount", "-l", str(path))


@contextmanager
def remounted_read_only(mount_point: Path) -> Iterator[Path]:
    """The whole filesystem at `mount_point` read-only (nothing may be open for writing)."""
    done = _run("mount", "-o", "remount,ro", str(mount_point))
    assert done.returncode == 0, done.stderr
    try:
        yield mount_point
    finally:
        done = _run("mount", "-o", "remount,rw", str(mount_point))
        assert done.returncode == 0, done.stderr


class Filler:
    """Fills a filesystem leaving exactly `leave` bytes free; `free()` gives it all back."""

    def __init__(self, mount_point: Path) -> None:
        self.path = mount_point / "filler"

    def fill(self, leave: int = 0) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for chunk in (1 << 20, 65536, 4096, 512, 1):
                block = b"\0" * chunk
                try:
                    while True:
                        os.write(fd, block)
                except OSError:
                    pass
        finally:
            os.close(fd)
        size = self.path.stat().st_size
        os.truncate(self.path, max(0, size - leave))

    def free(self) -> None:
        self.path.unlink(missing_ok=True)
