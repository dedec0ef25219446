"""Errors of the terminal's sync: every outside failure (httpx, broken replies) becomes one of
these at the package boundary, so the UI and CLI catch only `SyncError` and show its text.

    SyncError
    ├── NotEnrolled        no portal URL / token yet
    ├── Unreachable        network down, timeout, reset, 5xx
    │   └── ServerBusy     429 / 503 with Retry-After
    ├── Unauthorized       the platform does not know this terminal's token
    ├── Revoked            the platform revoked this terminal (reason shown to the clerk)
    ├── Refused            a definite 4xx answer about one request (e.g. enrollment refused)
    ├── ProtocolError      a reply that is not what the protocol promises
    └── FileMismatch       a fetched file whose bytes do not match its SHA-256 (refused)
"""

from __future__ import annotations

from forms.text import LocalizedError, Text


class SyncError(LocalizedError):
    """Base of every sync error."""


class NotEnrolled(SyncError):
    def __init__(self) -> None:
        super().__init__(
            Text(
                "本终端尚未注册到政务服务平台，请先执行 enroll。",
                "This terminal is not enrolled with the platform yet: run enroll first.",
            )
        )


class Unreachable(SyncError):
    """The platform could not be reached or failed; try again later (`retry_after` seconds,
    when the platform said so)."""

    def __init__(self, text: Text, retry_after: float | None = None) -> None:
        super().__init__(text)
        self.retry_after = retry_after


class ServerBusy(Unreachable):
    """429 / 503: the platform asked us to come back after `retry_after` seconds."""


class Unauthorized(SyncError):
    """401: the token is unknown to the platform (re-enroll)."""


class Revoked(SyncError):
    """403 revoked: the platform no longer accepts this terminal; `text` says why."""


class Refused(SyncError):
    """A definite refusal of one request (4xx other than 401/408/409/429)."""

    def __init__(
        self, text: Text, status_code: int, code: str, received: int | None = None
    ) -> None:
        super().__init__(text)
        self.status_code = status_code
        self.code = code
        self.received = received  # offset_mismatch: where the platform's copy ends


class ProtocolError(SyncError):
    """The reply was malformed; nothing was cleared locally, the next run tries again."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            Text(
                f"平台返回了无法识别的应答（{detail}），数据未丢失，稍后重试。",
                f"The platform sent a reply we cannot read ({detail}); nothing was lost, "
                "will retry.",
            )
        )
        self.detail = detail


class FileMismatch(SyncError):
    """A file fetched by its content address came back with other bytes: it is refused,
    never stored (a damaged transfer, or a platform or proxy handing out wrong files)."""

    def __init__(self, title: str, sha256: str) -> None:
        super().__init__(
            Text(
                f"从平台取回的“{title}”与其校验值不符，已拒收（SHA-256 {sha256[:12]}…）。"
                "请改为现场扫描。",
                f'The file "{title}" fetched from the platform does not match its checksum '
                f"and was refused (SHA-256 {sha256[:12]}…). Scan it here instead.",
            )
        )
