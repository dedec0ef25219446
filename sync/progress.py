"""What is left of a sync pass, as it goes (issue 17: a week's backlog takes a while).

The engine measures; whoever shows it (the window's status bar, `counter-app sync` on a
terminal) gets a `SyncProgress` through the callback given to `SyncEngine`. The time to go
is the work left at the pass's own pace so far: bytes of files, plus a nominal size per
application (its record on the wire), over what has gone in the time since the pass began.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from forms.text import Text

#: What one application weighs in the estimate: about its record's size on the wire.
APP_BYTES = 2_000


@dataclass(frozen=True, slots=True)
class Backlog:
    """What waits to go up: applications, the distinct files they bring, those files' bytes
    (some may be on the platform already: the pass finds out as it goes)."""

    applications: int = 0
    files: int = 0
    bytes: int = 0

    @property
    def work(self) -> int:
        return self.bytes + APP_BYTES * self.applications


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """What is left of the pass now (`left`), of what there was when it began (`total`),
    and the estimated seconds to go (None until something has gone)."""

    left: Backlog
    total: Backlog
    seconds: float | None = None

    @property
    def done_work(self) -> int:
        return max(0, self.total.work - self.left.work)

    def text(self) -> Text:
        """One line for the status bar and the command line."""
        left, size = self.left, _size(self.left.bytes)
        zh = f"待上传：{left.applications} 件申请，{left.files} 个文件（{size.zh}）"
        en = f"left: {left.applications} applications, {left.files} files ({size.en})"
        if self.seconds is not None:
            eta = _duration(self.seconds)
            zh, en = f"{zh}，约需 {eta.zh}", f"{en}, about {eta.en} to go"
        return Text(zh, en)


def _size(n: int) -> Text:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return Text(f"{n / scale:.1f} {unit}", f"{n / scale:.1f} {unit}")
    return Text(f"{n} 字节", f"{n} B")


def _duration(seconds: float) -> Text:
    s = max(1, round(seconds))
    if s < 60:
        return Text(f"{s} 秒", f"{s} s")
    minutes, s = divmod(s, 60)
    if minutes < 60:
        return Text(f"{minutes} 分 {s} 秒", f"{minutes} min {s} s")
    hours, minutes = divmod(minutes, 60)
    return Text(f"{hours} 小时 {minutes} 分", f"{hours} h {minutes} min")


class ProgressMeter:
    """Counts what a pass has done and tells `report` what is left, after every file, chunk
    and batch. `None` as `report`: counts nothing, says nothing (the default engine)."""

    def __init__(
        self,
        total: Backlog,
        report: Callable[[SyncProgress], None] | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total, self.report, self.clock = total, report, clock
        self.start = clock()
        self.apps = self.files = self.bytes = 0

    def begin(self) -> None:
        self._tell()

    def sent(self, nbytes: int) -> None:
        """`nbytes` of a file reached the platform."""
        self.bytes += nbytes
        self._tell()

    def file_done(self, unsent: int = 0) -> None:
        """A file is settled: uploaded (its bytes counted by `sent`), already on the
        platform (`unsent` = its size), or set aside."""
        self.files += 1
        self.bytes += unsent
        self._tell()

    def applications_done(self, n: int) -> None:
        self.apps += n
        self._tell()

    def now(self) -> SyncProgress:
        t = self.total
        left = Backlog(
            max(0, t.applications - self.apps), max(0, t.files - self.files),
            max(0, t.bytes - self.bytes),
        )  # fmt: skip
        progress = SyncProgress(left, t)
        elapsed = self.clock() - self.start
        if progress.done_work and elapsed > 0:
            rate = progress.done_work / elapsed
            progress = SyncProgress(left, t, left.work / rate)
        return progress

    def _tell(self) -> None:
        if self.report is not None:
            self.report(self.now())
