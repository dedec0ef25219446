"""The back office for department staff (`/office`): log in, list applications with filters,
open one with its materials, move it through its states with a note, set item time limits.

Status moves go through `portal.services.set_status`, the same function as
`portal set-status`, so each one lands in the owning terminal's changes feed. Every page
needs a session; every POST needs the session's CSRF token (see `staff`).
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from forms.text import Text
from portal import services
from portal.db import Database
from portal.errors import PortalError
from portal.pages import clock_stops, lockout, office_data, office_paging, ratelimit, staff
from portal.pages.deadlines import item_limits, set_item_limit, today
from portal.pages.licence_issue import office_context
from portal.pages.web import HEADERS, client_address, config, lang_of, page
from sync.statuses import LABELS, Status

router = APIRouter(prefix="/office", include_in_schema=False)
STAFF_STATES = [s for s in Status if s not in services.COUNTER_ONLY]
LOGIN_LIMIT = ratelimit.Limit(hits=10, window=300, name="login")
Field = Annotated[str, Form(max_length=2000)]
NOT_NUMBER = Text("时限应为整数个工作日。", "A time limit is a whole number of working days.")
BAD_FORM = Text("表单已过期，请重新提交。", "The form has expired: please submit it again.")


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _user(request: Request) -> tuple[str, bytes] | None:
    """(user name, secret) of the request's valid session."""
    secret = staff.session_secret(_db(request))
    name = staff.read_session(_db(request), secret, request.cookies.get(staff.SESSION_COOKIE))
    return (name, secret) if name else None


def _to(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=HEADERS)


def _ctx(request: Request, who: tuple[str, bytes], **extra: Any) -> dict[str, Any]:
    cookie = request.cookies.get(staff.SESSION_COOKIE, "")
    base = {"user": who[0], "csrf": staff.csrf_token(who[1], cookie), "labels": LABELS}
    return base | extra


def _csrf_ok(request: Request, who: tuple[str, bytes], token: str) -> bool:
    return staff.csrf_ok(who[1], request.cookies.get(staff.SESSION_COOKIE), token)


def _cookie(response: Response, request: Request, name: str, value: str, age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=age,
        path="/office",
        httponly=True,
        samesite="strict",
        secure=config(request).secure_cookies,
    )


@router.get("/login")
def login_form(request: Request, error: str = "") -> Response:
    pre = request.cookies.get(staff.PRELOGIN_COOKIE) or secrets.token_urlsafe(24)
    token = staff.csrf_token(staff.session_secret(_db(request)), pre)
    response = page(request, "office_login.html", {"csrf": token, "error": error})
    _cookie(response, request, staff.PRELOGIN_COOKIE, pre, 3600)
    return response


@router.post("/login")
def login(request: Request, username: Field, password: Field, csrf: Field) -> Response:
    secret = staff.session_secret(_db(request))
    if not staff.csrf_ok(secret, request.cookies.get(staff.PRELOGIN_COOKIE), csrf):
        return login_form(request, BAD_FORM.get(lang_of(request)))
    try:
        if ratelimit.hit(_db(request), client_address(request), LOGIN_LIMIT) is not None:
            raise staff.LoginFailed()
        lockout.check_password(_db(request), username, password, config(request).lockout)
    except (staff.LoginFailed, lockout.LockedOut) as exc:
        return login_form(request, exc.message(lang_of(request)))
    response = _to("/office")
    _cookie(
        response,
        request,
        staff.SESSION_COOKIE,
        staff.make_session(_db(request), secret, username),
        8 * 3600,
    )
    return response


@router.post("/logout")
def logout(request: Request, csrf: Field) -> Response:
    response = _to("/office/login")
    who = _user(request)
    if who is not None and _csrf_ok(request, who, csrf):
        staff.end_session(_db(request), who[1], request.cookies.get(staff.SESSION_COOKIE))
        response.delete_cookie(staff.SESSION_COOKIE, path="/office")
    return response


Filter = Annotated[str, Query(max_length=200)]


@router.get("")
def applications(
    request: Request,
    hall: Filter = "",
    item: Filter = "",
    status: Filter = "",
    overdue: Filter = "",
    window: Filter = "",
    from_: Annotated[str, Query(alias="from", max_length=40)] = "",
    to: Annotated[str, Query(max_length=40)] = "",
    receipt: Filter = "",
    after: Annotated[str, Query(max_length=400)] = "",
    before: Annotated[str, Query(max_length=400)] = "",
) -> Response:
    """The list, filtered and paged by keyset (`office_paging`); a bad filter or paging
    link is named in the page's language (400) and the form keeps what was typed."""
    who = _user(request)
    if who is None:
        return _to("/office/login")
    typed = {"hall": hall, "item": item, "status": status, "overdue": overdue}
    typed |= {"window": window, "from": from_, "to": to, "receipt": receipt}
    halls, items = office_data.choices(_db(request))
    context: dict[str, Any] = {"halls": halls, "items": items, "typed": typed, "error": ""}
    context |= {"states": list(Status), "today": today(), "lines": [], "newer": "", "older": ""}
    try:
        filters = office_paging.parse_filters(typed)
        cursors = office_paging.parse_cursor(after), office_paging.parse_cursor(before)
    except PortalError as exc:
        context["error"] = exc.message(lang_of(request))
        return page(request, "office_list.html", _ctx(request, who, **context), 400)
    found = office_data.applications(_db(request), filters, today(), *cursors)
    english = {"lang": "en"} if lang_of(request) == "en" else {}
    context |= {"lines": found.lines, "newer": _link(filters, english, "before", found.newer)}
    context["older"] = _link(filters, english, "after", found.older)
    return page(request, "office_list.html", _ctx(request, who, **context))


def _link(
    filters: office_paging.Filters, lang: dict[str, str], name: str,
    at: office_paging.Cursor | None,
) -> str:  # fmt: skip
    """The URL of a neighbouring page, keeping the filters and the language ("" when there
    is no such page)."""
    if at is None:
        return ""
    return "/office?" + urlencode(filters.query() | lang | {name: at.encode()})


def _detail(
    request: Request,
    who: tuple[str, bytes],
    receipt_no: str,
    error: str = "",
    status: int = 200,
    **extra: Any,
) -> Response:
    """The application's page; `extra` overrides its context (a refused form's values)."""
    try:
        app = office_data.detail(_db(request), receipt_no, today())
    except PortalError as exc:
        context = _ctx(request, who, error=exc.message(lang_of(request)))
        return page(request, "office_error.html", context, 404)
    context = {"d": app, "states": STAFF_STATES, "error": error, "stop_kinds": clock_stops.KINDS}
    context |= office_context(_db(request), app.uuid, receipt_no, today()) | extra
    return page(request, "office_detail.html", _ctx(request, who, **context), status)


@router.get("/a/{receipt_no}")
def application(request: Request, receipt_no: str) -> Response:
    who = _user(request)
    return _to("/office/login") if who is None else _detail(request, who, receipt_no)


@router.post("/a/{receipt_no}/status")
def move(
    request: Request, receipt_no: str, status: Field, csrf: Field, note: Field = ""
) -> Response:
    who = _user(request)
    if who is None:
        return _to("/office/login")
    if not _csrf_ok(request, who, csrf):
        return _detail(request, who, receipt_no, BAD_FORM.get(lang_of(request)))
    try:
        services.set_status(_db(request), receipt_no, status, note.strip())
    except PortalError as exc:
        return _detail(request, who, receipt_no, exc.message(lang_of(request)))
    return _to(f"/office/a/{receipt_no}")


@router.post("/a/{receipt_no}/stop")
def stop_clock(
    request: Request, receipt_no: str, kind: Field, reason: Field, csrf: Field, days: Field = ""
) -> Response:
    """Start a clock stop (特别程序); an extension names its working days."""
    return _clock(request, receipt_no, csrf, lambda who: clock_stops.start(
        _db(request), receipt_no, kind, reason, who, today(), _days(days)))  # fmt: skip


@router.post("/a/{receipt_no}/resume")
def resume_clock(request: Request, receipt_no: str, csrf: Field) -> Response:
    """End the running clock stop today."""
    return _clock(
        request,
        receipt_no,
        csrf,
        lambda who: clock_stops.end(_db(request), receipt_no, who, today()),
    )


def _days(value: str) -> int | None:
    try:
        return int(value) if value.strip() else None
    except ValueError:
        raise PortalError(NOT_NUMBER) from None


def _clock(request: Request, receipt_no: str, csrf: str, act: Any) -> Response:
    who = _user(request)
    if who is None:
        return _to("/office/login")
    if not _csrf_ok(request, who, csrf):
        return _detail(request, who, receipt_no, BAD_FORM.get(lang_of(request)))
    try:
        act(who[0])
    except PortalError as exc:
        return _detail(request, who, receipt_no, exc.message(lang_of(request)))
    return _to(f"/office/a/{receipt_no}")


@router.get("/age")
def age(
    request: Request,
    from_: Annotated[str, Query(alias="from", max_length=10)] = "",
    to: Annotated[str, Query(max_length=10)] = "",
    by: Annotated[str, Query(max_length=20)] = "hall",
) -> Response:
    """The hall's age report (`sync.age_report`) as a table, by hall, item or department."""
    from portal.pages.age_open import records
    from portal.pages.opendata import parse_query
    from sync.age_report import AGE_COLUMNS, AGE_HEADINGS, GROUPINGS, age_report

    who = _user(request)
    if who is None:
        return _to("/office/login")
    now = today()
    context: dict[str, Any] = {"groupings": GROUPINGS, "headings": AGE_HEADINGS, "by": by}
    context |= {"columns": AGE_COLUMNS[2:], "rows": [], "error": "", "start": from_, "end": to}
    try:
        q = parse_query(from_ or now.replace(day=1).isoformat(), to, "day", "", "", "", now)
        if by not in GROUPINGS:
            raise PortalError(Text("分组应为 all、hall、item 或 department。",
                                   "Group by all, hall, item or department."))  # fmt: skip
        rows = age_report(records(_db(request), q.end, now), q.start, q.end, by)
        context |= {"rows": rows, "start": q.start.isoformat(), "end": q.end.isoformat()}
    except PortalError as exc:
        context["error"] = exc.message(lang_of(request))
    return page(request, "office_age.html", _ctx(request, who, **context))


@router.get("/files/{sha}")
def download(request: Request, sha: Annotated[str, Path(pattern="^[0-9a-f]{64}$")]) -> Response:
    """A material file as an attachment (never rendered inline: it is the citizen's file),
    checked against its SHA-256 first: an altered stored file is refused, never served."""
    if _user(request) is None:
        return _to("/office/login")
    code = office_data.file_belongs(_db(request), sha)
    try:
        data = request.app.state.materials.read(sha) if code is not None else None
    except PortalError as exc:
        return Response(exc.message(lang_of(request)), status_code=500, headers=HEADERS)
    if data is None:
        return Response("not found", status_code=404, headers=HEADERS)
    name = f"{code}-{sha[:12]}{_extension(data[:8])}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, headers=HEADERS | disposition, media_type="application/octet-stream")


def _extension(head: bytes) -> str:
    magic = {b"%PDF": ".pdf", b"\x89PNG": ".png", b"\xff\xd8\xff": ".jpg"}
    return next((ext for sig, ext in magic.items() if head.startswith(sig)), "")


@router.get("/limits")
def limits(request: Request, error: str = "") -> Response:
    who = _user(request)
    if who is None:
        return _to("/office/login")
    db = _db(request)
    with db.begin() as conn:
        current = item_limits(conn, db)
    items = sorted(set(office_data.choices(db)[1]) | set(current))
    context = {"items": items, "current": current, "error": error}
    return page(request, "office_limits.html", _ctx(request, who, **context))


@router.post("/limits")
def save_limit(request: Request, service_code: Field, days: Field, csrf: Field) -> Response:
    who = _user(request)
    if who is None:
        return _to("/office/login")
    if not _csrf_ok(request, who, csrf):
        return limits(request, BAD_FORM.get(lang_of(request)))
    try:
        value = int(days) if days.strip() else None
        set_item_limit(_db(request), service_code, value, who[0])
    except ValueError:
        return limits(request, NOT_NUMBER.get(lang_of(request)))
    except PortalError as exc:
        return limits(request, exc.message(lang_of(request)))
    return _to("/office/limits")
