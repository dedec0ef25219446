"""Uploading material files: ask which the platform lacks (one request per push batch), send
those back to back on the pass's one connection.

Resumable by design: a 409 with the platform's byte count (a chunk whose reply was lost, a
copy begun in an earlier pass) moves the offset on. A file that fits in one chunk is sent
as one PUT from offset 0, with no state request first: if the platform holds part of it,
its 409 says where to go on. A larger file first asks how many bytes the platform holds
(`GET /materials/{sha}`) and starts there. Chunks never exceed the platform's advertised
limit, which the uploader learns from the platform's first upload state and forgets after a
single-PUT upload fails (the next file asks again).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from forms.text import LocalizedError, Text
from sync.client import PortalClient
from sync.errors import ProtocolError, Refused, Unreachable
from sync.progress import Backlog, ProgressMeter
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
        #: The platform's largest PUT as last advertised; None until an upload state says.
        self.max_chunk: int | None = None
        self.meter = ProgressMeter(Backlog(), None)  # the engine sets one per pass

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
        for sha in set(hashes) - set(missing):  # on the platform already: settled
            self.meter.file_done(unsent=self._size(sha))
        return self.upload_all(client, missing, report)

    def _size(self, sha: str) -> int:
        try:
            return self.path_for(sha).stat().st_size
        except OSError:
            return 0

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
            if sha in failed:
                self.meter.file_done()
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
        if self.max_chunk is not None and size <= min(self.chunk_size, self.max_chunk):
            try:
                self._send_from(client, path, sha, size, 0, report)
            except BaseException:
                self.max_chunk = None  # the limit may have changed: the next file asks first
                raise
            return
        state = client.upload_state(sha, size)
        self.max_chunk = state.max_chunk
        if not state.complete:
            self._send_from(client, path, sha, size, state.received, report)
        else:
            report.materials_uploaded += 1
            self.meter.file_done(unsent=size)

    def _send_from(
        self, client: PortalClient, path: Path, sha: str, size: int, offset: int, report: SyncReport
    ) -> None:
        """PUT the file from `offset` in chunks until the platform holds it complete."""
        chunk_size = min(self.chunk_size, self.max_chunk or self.chunk_size)
        with open(path, "rb") as fh:
            while True:
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
                self.meter.sent(len(chunk))
                offset = state.received
                if state.complete:
                    break
        report.materials_uploaded += 1
        self.meter.file_done()
