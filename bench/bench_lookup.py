"""The "one number" lookup at the applicant step: one lookup plus the download of three
materials (500 KB each by default), as the window does it (`counter_app.intake.city_lookup`:
the lookup with its consent proof and audit entry, then each file fetched, checked against
its SHA-256, written where a scan would be, audited), against the least it could cost:
plain httpx GETs of the same three files from the same route, in the same run, turn about.

Terminal A takes three applications with an ID card copy each and syncs them; terminal B
of the same hall asks. The portal runs in this process (uvicorn on loopback in a thread,
with the per-terminal lookup limit lifted so the samples are not refused); the baseline
shares that process too, so the ratio compares like with like. Goal: p99 < 300 ms.
"""

from __future__ import annotations

import os
from dataclasses import replace

import httpx

from bench.core import ROOT, Context, Result, alternate, median, percentile
from bench.terminals import CLERK, PDF_HEAD, client, enroll_at, new_terminal, portal_settings
from counter_app.intake.city_lookup import CityLookup
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from forms.catalog import load_item
from portal import services
from portal.server import BackgroundServer
from sync.client import default_client
from sync.engine import SyncEngine
from sync.lookup import ReusableMaterial, material_path

ITEM = "RS-001"
PERSON = {"kind": "person", "id_no": "11010519491231002X", "name": "张三丰",
          "phone": "13800138000"}  # fmt: skip
ANSWERS = {"name": PERSON["name"], "id_no": PERSON["id_no"], "phone": PERSON["phone"],
           "reason": "first", "is_minor": "no", "bank": "ccb", "collect_at": "branch"}  # fmt: skip
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
GOAL_MS = 300.0


def _serve_three(a: Terminal, size: int) -> None:
    """Three applications at A, each with its own ID card copy of `size` bytes, synced."""
    for _ in range(3):
        card = PDF_HEAD + os.urandom(size - len(PDF_HEAD))
        a.intake.accept(ITEM, PERSON, ANSWERS, {"id_card": [card], "photo": [PNG]},
                        clerk_id=CLERK)  # fmt: skip
    report = SyncEngine(StorePort(a), client).run_once()
    if not report.ok:
        raise RuntimeError(f"terminal A did not sync: {report.errors}")


def _ours(b: Terminal) -> list[ReusableMaterial]:
    """As the window does it: one CityLookup per applicant, the terminal's own client."""
    city = CityLookup(b, lambda: default_client(trust_env=False))
    try:
        reply = city.ask("person", PERSON["id_no"], "bench-draft-0001", ITEM, CLERK,
                         "clerk_attested")  # fmt: skip
        for offer in reply.materials:
            city.fetch(offer, "bench-draft-0001", CLERK)
        return reply.materials
    finally:
        city.close()


def _plain(url: str, token: str, hashes: list[str]) -> None:
    with httpx.Client(base_url=url, trust_env=False,
                      headers={"Authorization": f"Bearer {token}"}) as http:  # fmt: skip
        for sha in hashes:
            http.get(material_path(sha)).raise_for_status()


def lookup(ctx: Context) -> list[Result]:
    size = ctx.sizes.lookup_kb * 1000
    settings = replace(portal_settings(ctx.work / "portal"), lookup_limit=10**9)
    with BackgroundServer(settings) as portal:
        db = portal.app.state.db
        services.publish_catalog(
            db, [load_item(ROOT / "assets" / "catalog" / f"{ITEM}.yaml").to_dict()]
        )
        a, b = new_terminal(ctx.work / "a", "A001"), new_terminal(ctx.work / "b", "B002")
        try:
            for t in (a, b):
                enroll_at(t, db, portal.url)
            _serve_three(a, size)
            hashes = [m.sha256 for m in _ours(b)]  # warm up; the offers to fetch
            if len(hashes) != 3:
                raise RuntimeError(f"expected 3 offers, got {len(hashes)}")
            ctx.log(f"lookup: {ctx.sizes.samples} samples of a lookup + 3 x {size:,} bytes")
            ours, bare = alternate(
                lambda: _ours(b), lambda: _plain(portal.url, b.token or "", hashes),
                ctx.sizes.samples,
            )  # fmt: skip
        finally:
            a.close()
            b.close()
    label = f"lookup + 3 x {ctx.sizes.lookup_kb} KB"
    p99 = percentile(ours, 99)
    return [
        Result("lookup", f"{label}: p50", median(ours), "ms", median(bare)),
        Result("lookup", f"{label}: p99", p99, "ms", percentile(bare, 99),
               f"< {GOAL_MS:.0f} ms", p99 < GOAL_MS),
    ]  # fmt: skip
