"""What every request body must be before its fields are even looked at: text that is
Unicode (a `\\ud800` escape decodes to a lone surrogate no database can store) and nesting
no deeper than MAX_DEPTH (answers are a form's groups: a few levels; 600 levels was a 500 on
the platform). `sync.protocol.Request` runs `sound` on every body, on both ends."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
#: True while a body checked whole by `sound` is being validated (per thread or task).
_CHECKED: ContextVar[bool] = ContextVar("sound_json_checked", default=False)

#: The deepest nesting of objects and lists a request may have (answers are a form's
#: groups: a few levels; 600 levels was a 500 on the platform).
MAX_DEPTH = 32


def _sound_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text holds a lone surrogate: not valid Unicode") from None


def sound(value: Any, depth: int = 0) -> None:
    """Raise ValueError for JSON nested deeper than MAX_DEPTH or holding text that is not
    Unicode (a lone surrogate from a `\\ud800` escape), which no database can store."""
    if depth > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        _sound_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _sound_text(str(key))
            sound(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            sound(item, depth + 1)


def sound_once(data: Any, validate: Callable[[Any], T]) -> T:
    """`sound(data)`, then `validate(data)`; models nested in `data` that call this while it
    validates skip the walk: the outermost body was checked whole (a push's applications
    and their applicants walked it three times: 15% of a push's CPU on the platform)."""
    if _CHECKED.get():
        return validate(data)
    sound(data)
    token = _CHECKED.set(True)
    try:
        return validate(data)
    finally:
        _CHECKED.reset(token)
