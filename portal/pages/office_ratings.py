"""The back office's 好差评 pages: `/office/cases` (差评整改: the list, overdue ones flagged
and counted), `/office/cases/{id}` (classify and assign, call back, fix, reply: one form per
step, in order) and `/office/ratings` (the figures per hall, window, item and clerk).

Same rules as the rest of the back office (`portal.pages.office`): every page needs a staff
session, every POST the session's CSRF token; errors are shown in the page's language.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from portal.errors import PortalError
from portal.pages import cases, rating_figures
from portal.pages.deadlines import today
from portal.pages.office import BAD_FORM, _csrf_ok, _ctx, _db, _to, _user
from portal.pages.web import config, lang_of, page
from sync.ratings import CATEGORIES, CHANNELS, EVENTS, SUB_SCORES, Channel, ServiceEvent

router = APIRouter(prefix="/office", include_in_schema=False)
Field = Annotated[str, Form(max_length=2000)]


def _names() -> dict[str, object]:
    """The standard's words for the templates (channels, events, categories)."""
    return {
        "categories": CATEGORIES,
        "channels": {c.value: CHANNELS[c] for c in Channel},
        "events": {e.value: EVENTS[e] for e in ServiceEvent},
        "sub_scores": SUB_SCORES,
    }


@router.get("/cases")
def case_list(
    request: Request,
    overdue: Annotated[str, Query(max_length=5)] = "",
    hall: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    who = _user(request)
    if who is None:
        return _to("/office/login")
    days, now = config(request).rating_rules.rectify_days, today()
    found = cases.all_cases(_db(request), days, hall)
    late = [c for c in found if c.overdue(now)]
    context = {"cases": late if overdue == "1" else found, "overdue_count": len(late)}
    context |= {"only_overdue": overdue == "1", "today": now, "days": days} | _names()
    return page(request, "office_cases.html", _ctx(request, who, **context))


def _case_page(request: Request, who: tuple[str, bytes], case_id: int, error: str = "") -> Response:
    days = config(request).rating_rules.rectify_days
    try:
        case = cases.one(_db(request), case_id, days)
    except PortalError as exc:
        context = _ctx(request, who, error=exc.message(lang_of(request)))
        return page(request, "office_error.html", context, 404)
    context = {"c": case, "today": today(), "error": error, "days": days} | _names()
    return page(request, "office_case.html", _ctx(request, who, **context))


@router.get("/cases/{case_id}")
def case_detail(request: Request, case_id: int) -> Response:
    who = _user(request)
    return _to("/office/login") if who is None else _case_page(request, who, case_id)


@router.post("/cases/{case_id}/{step}")
def case_step(
    request: Request,
    case_id: int,
    step: str,
    csrf: Field,
    category: Field = "",
    assignee: Field = "",
    text: Field = "",
) -> Response:
    who = _user(request)
    if who is None:
        return _to("/office/login")
    if not _csrf_ok(request, who, csrf):
        return _case_page(request, who, case_id, BAD_FORM.get(lang_of(request)))
    form = {"category": category, "assignee": assignee, "text": text}
    try:
        cases.advance(_db(request), case_id, step, form, who[0])
    except PortalError as exc:
        return _case_page(request, who, case_id, exc.message(lang_of(request)))
    return _to(f"/office/cases/{case_id}")


@router.get("/ratings")
def figures(request: Request, days: Annotated[int, Query(ge=1, le=1100)] = 30) -> Response:
    """The 好差评 figures of applications accepted in the last `days` days."""
    who = _user(request)
    if who is None:
        return _to("/office/login")
    end = today()
    groups = rating_figures.figures(
        _db(request), end - timedelta(days=days - 1), end, config(request).rating_rules, end
    )
    context = {"groups": groups, "days": days, "start": end - timedelta(days=days - 1)}
    return page(request, "office_ratings.html", _ctx(request, who, **context))
