"""The platform's errors. Each carries the HTTP status and protocol error code it becomes on
the wire, so the app maps any of them to an `ErrorReply` in one place, and the CLI prints
the same text to the operator.

    PortalError                    500 internal
    ├── Invalid                    400 invalid_request
    ├── Unauthorized               401 unauthorized
    ├── TerminalRevoked            403 revoked
    ├── OtherHall                  403 other_hall
    ├── NotFound                   404 not_found
    ├── EnrollRefused              400/410 code_unknown / code_expired / code_used
    ├── OffsetMismatch             409 offset_mismatch (+ bytes received)
    ├── TooLarge                   413 too_large
    ├── QuotaExceeded              429 upload_quota (+ Retry-After)
    ├── RateLimited                429 rate_limited (+ Retry-After)
    ├── ChecksumMismatch           422 checksum_mismatch
    └── Busy                       503 busy (+ Retry-After)
"""

from __future__ import annotations

from forms.text import LocalizedError, Text
from sync.protocol import ErrorCode


class PortalError(LocalizedError):
    status_code = 500
    code = ErrorCode.INTERNAL
    retry_after: int | None = None


class StorageError(PortalError):
    """The database or the materials folder failed (translated sqlite/psycopg/OSError)."""


class Invalid(PortalError):
    status_code = 400
    code = ErrorCode.INVALID


class Unauthorized(PortalError):
    status_code = 401
    code = ErrorCode.UNAUTHORIZED

    def __init__(self) -> None:
        super().__init__(
            Text(
                "平台不认识本终端的令牌，请重新注册终端。",
                "The platform does not know this terminal's token: enroll the terminal again.",
            )
        )


class TerminalRevoked(PortalError):
    status_code = 403
    code = ErrorCode.REVOKED

    def __init__(self, terminal_id: str, reason: str) -> None:
        super().__init__(
            Text(
                f"终端 {terminal_id} 已被平台停用：{reason}。请联系信息科。",
                f"Terminal {terminal_id} was revoked by the platform: {reason}. Call IT.",
            )
        )


class OtherHall(PortalError):
    status_code = 403
    code = ErrorCode.OTHER_HALL

    def __init__(self) -> None:
        super().__init__(
            Text(
                "该记录属于其他大厅，本终端无权访问。",
                "This record belongs to another hall; this terminal may not see it.",
            )
        )


class NotFound(PortalError):
    status_code = 404
    code = ErrorCode.NOT_FOUND


class EnrollRefused(PortalError):
    status_code = 400

    def __init__(self, code: ErrorCode, text: Text) -> None:
        super().__init__(text)
        self.code = code
        self.status_code = 410 if code in (ErrorCode.CODE_EXPIRED, ErrorCode.CODE_USED) else 400


class OffsetMismatch(PortalError):
    status_code = 409
    code = ErrorCode.OFFSET_MISMATCH

    def __init__(self, received: int) -> None:
        super().__init__(
            Text(
                f"上传位置不符：平台已有 {received} 字节，请从该处继续。",
                f"Upload offset mismatch: the platform holds {received} bytes; resume there.",
            )
        )
        self.received = received


FILE = Text("文件", "File")


class TooLarge(PortalError):
    status_code = 413
    code = ErrorCode.TOO_LARGE

    def __init__(self, size: int, limit: int, what: Text = FILE) -> None:
        super().__init__(
            Text(
                f"{what.zh}过大：{size} 字节，平台上限为 {limit} 字节。",
                f"{what.en} too large: {size} bytes; the platform accepts at most {limit} bytes.",
            )
        )


class QuotaExceeded(PortalError):
    """Too many unfinished uploads (or bytes declared by them) for one terminal: finish
    or let expire some first. The terminal's client backs off and retries (429)."""

    status_code = 429
    code = ErrorCode.UPLOAD_QUOTA

    def __init__(self, open_now: int, max_open: int, max_bytes: int) -> None:
        super().__init__(
            Text(
                f"未完成的上传过多（{open_now} 个；上限 {max_open} 个、共 {max_bytes} 字节），"
                "请先完成已开始的上传。",
                f"Too many unfinished uploads ({open_now}; at most {max_open}, "
                f"{max_bytes} bytes in all): finish those first.",
            )
        )
        self.retry_after = 60


class RateLimited(PortalError):
    """Too many lookups from one terminal in the recent window (`portal.lookup`): one
    applicant at a time is a few a minute; more is someone iterating identifiers."""

    status_code = 429
    code = ErrorCode.RATE_LIMITED

    def __init__(self, limit: int, seconds: int, retry_after: int) -> None:
        super().__init__(
            Text(
                f"查询过于频繁：每台终端 {seconds} 秒内最多 {limit} 次，"
                f"请 {retry_after} 秒后再试。",
                f"Too many lookups: at most {limit} per terminal in {seconds} s; "
                f"try again in {retry_after} s.",
            )
        )
        self.retry_after = retry_after


class ChecksumMismatch(PortalError):
    status_code = 422
    code = ErrorCode.CHECKSUM_MISMATCH

    def __init__(self) -> None:
        super().__init__(
            Text(
                "文件内容与其 SHA-256 不符，已丢弃，请重新上传。",
                "The file does not match its SHA-256; it was discarded, upload it again.",
            )
        )


class Busy(PortalError):
    status_code = 503
    code = ErrorCode.BUSY

    def __init__(self, retry_after: int = 2) -> None:
        super().__init__(
            Text(
                "平台繁忙，请稍后重试。",
                "The platform is busy; try again shortly.",
            )
        )
        self.retry_after = retry_after
