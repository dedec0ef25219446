"""The counter terminal's errors, all under one base so the UI and CLI catch only ours.

    CounterError(LocalizedError)
    ├── StoreError            the database or data folder failed (disk full, read-only, locked)
    ├── NotInitialised        the data folder holds no terminal yet (`counter-app init`)
    ├── NotFound              no such receipt number, service item, clerk, ...
    ├── ValidationFailed      the application is not acceptable; carries every problem
    ├── PermissionDenied      the clerk's role does not allow this
    ├── AuthenticationFailed  wrong clerk ID or password
    │   └── LockedOut         too many failures: locked for a while
    └── ConflictError         the operation contradicts what is stored (duplicate, wrong state)

Every one carries a `forms.text.Text`, so the clerk reads it in zh_CN or en.
"""

from __future__ import annotations

from typing import Any

from forms.text import LocalizedError, Text


class CounterError(LocalizedError):
    """Base of every error raised by `counter_app` outside the UI."""


class StoreError(CounterError):
    """The local database or the data folder could not do what was asked."""


class NotInitialised(CounterError):
    """The data folder has no terminal in it yet."""


class NotFound(CounterError):
    """The thing asked for does not exist in the local store."""


class PermissionDenied(CounterError):
    """The signed-in clerk's role does not allow the operation."""


class AuthenticationFailed(CounterError):
    """Wrong clerk ID or password (deliberately not saying which)."""


class LockedOut(AuthenticationFailed):
    """Too many failed sign-ins: the clerk ID is locked until `until`."""

    def __init__(self, text: Text, until: Any = None) -> None:
        super().__init__(text)
        self.until = until


class ConflictError(CounterError):
    """The request contradicts stored data (e.g. an existing catalog version differs)."""


class ValidationFailed(CounterError):
    """An application cannot be taken as it is.

    `report` is the full `forms` ValidationReport (applicant, form and materials problems
    together), so the UI can mark every field at once; `problems` is its tuple of
    FieldProblem(path, text).
    """

    def __init__(self, report: Any, text: Text | None = None) -> None:
        self.report = report
        self.problems = tuple(report.problems)
        super().__init__(text or _summary(self.problems))


def _summary(problems: tuple[Any, ...]) -> Text:
    """One line naming the first problems, for the CLI; the UI shows each at its field."""
    shown = problems[:3]
    zh = "；".join(f"{p.path}: {p.text.zh}" for p in shown)
    en = "; ".join(f"{p.path}: {p.text.en}" for p in shown)
    more = len(problems) - len(shown)
    if more > 0:
        zh += f"（另有 {more} 处）"
        en += f" (and {more} more)"
    return Text(f"申请有误：{zh}", f"The application has problems: {en}")
