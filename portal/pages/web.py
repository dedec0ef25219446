"""Shared by every page: the Jinja2 environment, the language switch, the pages' settings and
the response headers, and `install(app)` which mounts the pages on the API app."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from forms.text import Text
from portal.pages.cases import RatingRules
from portal.pages.lockout import Lockout
from portal.pages.opendata_cache import DEFAULT_MB, BodyCache
from portal.pages.ratelimit import Limit
from sync.ratings import RECTIFY_WORKING_DAYS, Satisfaction

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
#: Bidirectional controls (LRM/RLM/ALM, embeddings, overrides, isolates): in applicant data
#: an RTL override makes "exe.pdf" read as "fdp.exe" and reorders what follows it. Every
#: value a page prints shows them as a visible [U+202E] instead of obeying them.
BIDI_CONTROLS = {
    code: f"[U+{code:04X}]"
    for code in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


def neutralise(value: Any) -> Any:
    """A printed value with its bidirectional controls made visible (Jinja's finalize:
    it runs on every {{ ... }} before escaping; the templates' own markup is left alone)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return value.translate(BIDI_CONTROLS)
    return value


templates.env.finalize = neutralise
#: The templates ship with the release and do not change under a running server: without
#: this, Jinja stats every template file (and the ones it extends) on every render, ~4% of
#: a tracking lookup's samples in py-spy.
templates.env.auto_reload = False

#: Every page: never cached (statuses change, URLs carry codes), never framed, and the code
#: in the address never leaks to another site through the Referer header.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
}


def _limit_from_env() -> Limit:
    """$PORTAL_TRACK_LIMIT as HITS/SECONDS (default 30 lookups per 10 minutes)."""
    raw = os.environ.get("PORTAL_TRACK_LIMIT", "")
    hits, _, window = raw.partition("/")
    if hits.isdigit() and window.isdigit() and int(hits) > 0 and int(window) > 0:
        return Limit(int(hits), int(window))
    return Limit()


def _rules_from_env() -> RatingRules:
    """$PORTAL_RECTIFY_DAYS (working days to put a bad rating right, default 5) and
    $PORTAL_DEFAULT_BASIC=1 (count an application unrated 7 days after settlement as 基本满意;
    off by default)."""
    raw = os.environ.get("PORTAL_RECTIFY_DAYS", "")
    days = int(raw) if raw.isdigit() and 1 <= int(raw) <= 60 else RECTIFY_WORKING_DAYS
    return RatingRules(days, os.environ.get("PORTAL_DEFAULT_BASIC") == "1")


def _opendata_cache_from_env() -> BodyCache:
    """$PORTAL_OPENDATA_CACHE_MB: memory for open data bodies kept within their max-age
    (`portal.pages.opendata_cache`; default 256 per app-server process, 0: none)."""
    raw = os.environ.get("PORTAL_OPENDATA_CACHE_MB", "").strip()
    mb = int(raw) if raw.isdigit() and int(raw) <= 65_536 else DEFAULT_MB
    return BodyCache(mb * 1024 * 1024)


@dataclass
class PageConfig:
    """The pages' settings, on `app.state.pages` (tests may replace it)."""

    track_limit: Limit = field(default_factory=_limit_from_env)
    #: Per staff account: the back-off after repeated wrong passwords.
    lockout: Lockout = field(default_factory=Lockout)
    rating_rules: RatingRules = field(default_factory=_rules_from_env)
    #: Mark staff cookies Secure (off only for plain-HTTP loopback tests and demos).
    secure_cookies: bool = field(
        default_factory=lambda: os.environ.get("PORTAL_INSECURE_COOKIES") != "1"
    )
    opendata_cache: BodyCache = field(default_factory=_opendata_cache_from_env)


def lang_of(request: Request) -> str:
    """`?lang=en` switches to English; Chinese otherwise."""
    return "en" if request.query_params.get("lang", "").lower().startswith("en") else "zh_CN"


def page(
    request: Request, name: str, context: dict[str, Any], status: int = 200, lang: str = ""
) -> HTMLResponse:
    """Render template `name` in the request's language with the common headers."""
    lang = lang or lang_of(request)

    def t(zh: str, en: str) -> str:
        return en if lang == "en" else zh

    def tx(text: Text) -> str:
        return text.get(lang)

    values = {"lang": lang, "t": t, "tx": tx, "html_lang": "en" if lang == "en" else "zh-CN"}
    values["levels"] = list(Satisfaction)  # the five 好差评 levels, code 1 first
    response = templates.TemplateResponse(
        request, name, values | context, status_code=status, headers=HEADERS
    )
    return response


def config(request: Request) -> PageConfig:
    cfg: PageConfig = request.app.state.pages
    return cfg


def client_address(request: Request) -> str:
    """The caller's address as the server sees it. X-Forwarded-For is believed only from
    the proxies named in `Settings.forwarded_allow_ips` (none by default), so a client
    cannot reset its rate limits by sending a new address in that header."""
    return request.client.host if request.client else "unknown"


def install(app: FastAPI) -> None:
    """Mount the tracking page, the back office and open data on `app` (after create_app
    set `app.state.db` and `app.state.materials`)."""
    from portal.pages import (  # they import this module
        age_open,
        office,
        office_licence,
        office_ratings,
        opendata,
        rollup,
        track_routes,
    )

    app.state.pages = PageConfig()
    with app.state.db.begin() as conn:  # open data's cases counted with this platform's days
        rollup.ensure_rectify_days(conn, app.state.pages.rating_rules.rectify_days)
    app.include_router(track_routes.router)
    app.include_router(office.router)
    app.include_router(office_licence.router)
    app.include_router(office_ratings.router)
    app.include_router(age_open.router)  # before /open/stats' own routes: its path is longer
    app.include_router(opendata.router)
