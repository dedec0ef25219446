"""The access log never holds a tracking code. uvicorn logs each request's path with its
query string, and the tracking page's address carries the citizen's code (`c=`) and the
receipt's signed payload (`p=`): whoever reads the log could open the application. Their
values are replaced with `***` in the record before any handler formats it."""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
#: Query parameters that prove a receipt: the tracking code and the signed payload.
_SECRET = re.compile(r"(?<=[?&])(c|p)=[^&#\s]*", re.IGNORECASE)


def redact(path: str) -> str:
    """`path` with the values of its c= and p= query parameters hidden."""
    return _SECRET.sub(lambda m: f"{m.group(1)}=***", path)


class RedactCodes(logging.Filter):
    """On uvicorn's access logger: args are (client, method, path, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


def install() -> None:
    """Put the filter on uvicorn's access logger once (dictConfig keeps existing filters)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactCodes) for f in logger.filters):
        logger.addFilter(RedactCodes())
