"""The floor of the tracking-page benchmark: FastAPI answering the same URLs with a fixed
small page, no database (`uvicorn bench.bare_app:app --workers 2`)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

app = FastAPI()


@app.get("/t")
@app.get("/t/{receipt_no}")
def track(receipt_no: str = "", c: str = "") -> HTMLResponse:
    return HTMLResponse(f"<p>{len(receipt_no)} {len(c)}</p>")
