"""Uploading material files: ask which the platform lacks, send those in chunks.

Resumable by design: before sending, the terminal asks how many bytes of the file the
platform already holds and starts there; a 409 with the platform's byte count (a chunk whose
reply was lost) moves the offset on. Chunks never exceed the platform's advertised limit.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from forms.text import LocalizedError, Text
from sync.client import PortalClient
from sync.errors import ProtocolError, Refused, Unreachable
from sync.protocol import MAX_HASHES, ErrorCode
from sync.report import SyncReport

CHUNK = 1024 * 1024


def _local_missing(sha: str) -> Text:
    return Text(f"本机缺少材料文件 {sha}", f"Material file {sha} is missing on this terminal")


class Uploader:
    """Uploads files of one terminal's content-addressed material store."""

    def __init__(self, path_for: Callable[[str], Path], chunk_size: int = CHUNK) -> None:
        self.path_for = path_for  # the local file of a SHA-256
        self.chunk_size = chunk_size

    def upload_missing(
        self, client: PortalClient, hashes: list[str], report: SyncReport
    ) -> dict[str, Text]:
        """Upload every file of `hashes` the platform lacks. Returns the files that cannot
        go up (refused as too large, gone locally) with the reason; network trouble and
        broken replies are raised (the pass stops, nothing is lost)."""
        missing = [
            sha
            for i in range(0, len(hashes), MAX_HASHES)
            for sha in client.missing(hashes[i : i + MAX_HASHES])
        ]
        return self.upload_all(client, missing, report)

    def upload_all(
        self, client: PortalClient, hashes: list[str], report: SyncReport
    ) -> dict[str, Text]:
        """Upload each of `hashes` (resuming each); the failures as `upload_missing`."""
        failed: dict[str, Text] = {}
        for sha in hashes:
            try:
                self.upload(client, sha, report)
            except (Unreachable, ProtocolError):
                raise
            except (Refused, LocalizedError) as exc:
                failed[sha] = exc.text
            except OSError:
                failed[sha] = _local_missing(sha)
        return failed

    def upload(self, client: PortalClient, sha: str, report: SyncReport) -> None:
        """Upload one file; a copy damaged on the way (checksum refused) is sent once more."""
        try:
            self._upload_file(client, sha, report)
        except Refused as exc:
            if exc.code != ErrorCode.CHECKSUM_MISMATCH:
                raise
            self._upload_file(client, sha, report)

    def _upload_file(self, client: PortalClient, sha: str, report: SyncReport) -> None:
        path = self.path_for(sha)
        size = path.stat().st_size
        state = client.upload_state(sha, size)
        offset = state.received
        chunk_size = min(self.chunk_size, state.max_chunk or self.chunk_size)
        with open(path, "rb") as fh:
            while not state.complete:
                fh.seek(offset)
                chunk = fh.read(chunk_size)
                try:
                    state = client.put_chunk(sha, offset, size, chunk)
                except Refused as exc:
                    if exc.received is None or exc.received == offset:
                        raise
                    offset = exc.received  # an earlier attempt got further: go on there
                    continue
                report.bytes_uploaded += len(chunk)
                offset = state.received
        report.materials_uploaded += 1
