"""The floors of the portal benchmarks: FastAPI on the same uvicorn with no database.

- the tracking page's: the same URLs answered with a fixed small page
  (`uvicorn bench.bare_app:app --workers 2`);
- ingest's: the same push bodies taken and answered with a small JSON reply, without
  parsing, checking or storing; what the platform adds on top is the cost of ingest itself.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

app = FastAPI()


@app.get("/t")
@app.get("/t/{receipt_no}")
def track(receipt_no: str = "", c: str = "") -> HTMLResponse:
    return HTMLResponse(f"<p>{len(receipt_no)} {len(c)}</p>")


@app.post("/api/v1/push")
async def push(request: Request) -> dict[str, int]:
    body = await request.body()
    return {"bytes": len(body)}
