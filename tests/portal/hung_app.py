"""An app for `test_worker_hang`: `/block` stops its worker's event loop (the kind of bug
the supervisor must survive: a blocking call in an async route, a deadlock)."""

from __future__ import annotations

import os
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/pid")
async def pid() -> dict[str, int]:
    return {"pid": os.getpid()}


@app.get("/block")
async def block() -> None:
    time.sleep(3600)  # on the event loop itself: nothing else in this worker runs
