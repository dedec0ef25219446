"""Uploading material files: ask which the platform lacks (one request per push batch), send
those back to back, PARALLEL at a time on the pass's client.

Why several at once: one file's PUT waits a round trip for the platform's reply (the
platform writes and fsyncs the file meanwhile); with a single request in flight the link
idles for that time after every file, which with many small files (a week's backlog behind
a hall's uplink, photos taken meanwhile) is most of the time. With a few in flight the next
file's bytes are already going out. But never more than one chunk's bytes in flight
(`ByteWindow`): small files go up side by side, a large one alone. More bytes in flight do
not fill a link that is full already; they split it, and when a hall's 20 terminals share
a 20 Mbit/s uplink, three 1 MiB chunks per terminal each got too little of it to be sent
within the client's timeout (measured: 170 of 206 passes failed). Each file is still one
resumable upload of its own, and the same file is never sent twice at once, so the platform
sees nothing new.

Resumable by design: a 409 with the platform's byte count (a chunk whose reply was lost, a
copy begun in an earlier pass) moves the offset on. A file that fits in one chunk is sent
as one PUT from offset 0, with no state request first: if the platform holds part of it,
its 409 says where to go on. A larger file first asks how many bytes the platform holds
(`GET /materials/{sha}`) and starts there. Chunks never exceed the platform's advertised
limit, which the uploader learns from the platform's first upload state and forgets after a
single-PUT upload fails (the next file asks again).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path

from forms.text import LocalizedError, Text
from sync.client import PortalClient
from sync.errors import ProtocolError, Refused, Unreachable
from sync.progress import Backlog, ProgressMeter
from sync.protocol import MAX_HASHES, ErrorCode
from sync.report import SyncReport

CHUNK = 1024 * 1024
#: Files in flight at once (connections of the pass's client). Two are enough to keep the
#: link busy through one file's round trip; every extra connection also takes a share of a
#: link shared per connection (a hall's uplink), and with three per terminal another
#: terminal's 1 MiB PUT could get less than the client's timeout needs (docs/performance.md).
PARALLEL = 2


def _local_missing(sha: str) -> Text:
    return Text(f"本机缺少材料文件 {sha}", f"Material file {sha} is missing on this terminal")


class ByteWindow:
    """At most `budget` bytes in flight; one item larger than that goes when alone."""

    def __init__(self, budget: int) -> None:
        self.budget, self.used = budget, 0
        self._free = threading.Condition()

    @contextlib.contextmanager
    def hold(self, nbytes: int) -> Iterator[None]:
        with self._free:
            self._free.wait_for(lambda: self.used == 0 or self.used + nbytes <= self.budget)
            self.used += nbytes
        try:
            yield
        finally:
            with self._free:
                self.used -= nbytes
                self._free.notify_all()


class Uploader:
    """Uploads files of one terminal's content-addressed material store."""

    def __init__(
        self, path_for: Callable[[str], Path], chunk_size: int = CHUNK, parallel: int = PARALLEL
    ) -> None:
        self.path_for = path_for  # the local file of a SHA-256
        self.chunk_size = chunk_size
        self.parallel = max(1, parallel)
        self._count = threading.Lock()  # the report and the meter, shared by the uploads
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
        """Upload each of `hashes` (resuming each); the failures as `upload_missing`. The
        first file goes alone while the platform's chunk limit is unknown (its state tells
        it), then PARALLEL at a time. The first network error or broken reply stops the
        files not begun and is raised once those in flight have ended."""
        failed: dict[str, Text] = {}
        todo = list(dict.fromkeys(hashes))  # never the same file twice at once
        stop = threading.Event()  # set by the first network error: begin no other file
        if todo and self.max_chunk is None:
            self._one(client, todo.pop(0), report, failed, stop)
        if self.parallel == 1 or len(todo) <= 1:
            for sha in todo:
                self._one(client, sha, report, failed, stop)
            return failed
        window = ByteWindow(min(self.chunk_size, self.max_chunk or self.chunk_size))
        pool = ThreadPoolExecutor(self.parallel, thread_name_prefix="sync-upload")
        try:
            futures = [
                pool.submit(self._one, client, sha, report, failed, stop, window) for sha in todo
            ]
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            for future in done:
                future.result()  # raises the Unreachable or ProtocolError that stopped us
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return failed

    def _one(
        self,
        client: PortalClient,
        sha: str,
        report: SyncReport,
        failed: dict[str, Text],
        stop: threading.Event,
        window: ByteWindow | None = None,
    ) -> None:
        """Upload one file (within `window`); a reason in `failed` when it cannot go up."""
        if stop.is_set():
            return
        try:
            if window is None:
                self.upload(client, sha, report)
            else:
                with window.hold(min(self._size(sha), window.budget)):
                    if not stop.is_set():  # the link may have failed while this one waited
                        self.upload(client, sha, report)
        except (Unreachable, ProtocolError):
            stop.set()
            raise
        except (Refused, LocalizedError) as exc:
            failed[sha] = exc.text
        except OSError:
            failed[sha] = _local_missing(sha)
        if sha in failed:
            self._file_done(report, uploaded=False)

    def _file_done(self, report: SyncReport, uploaded: bool = True, unsent: int = 0) -> None:
        with self._count:
            report.materials_uploaded += int(uploaded)
            self.meter.file_done(unsent=unsent)

    def _sent(self, report: SyncReport, nbytes: int) -> None:
        with self._count:
            report.bytes_uploaded += nbytes
            self.meter.sent(nbytes)

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
            self._file_done(report, unsent=size)

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
                self._sent(report, len(chunk))
                offset = state.received
                if state.complete:
                    break
        self._file_done(report)
