"""差评整改: the case a 不满意 / 非常不满意 rating opens (`portal.evaluations.open_case`), as
the back office works it: classify (差评分类), assign, record the call back to the citizen
(回访), record the fix (整改), reply. The reply closes the case and shows on the citizen's
tracking page.

The fix is due `rectify_days` working days (a platform setting, 5 by default) after the
rating arrived, counted on the holiday calendar of `forms.workdays` from the hall-local day
it was opened. A case still open after that day is overdue; one closed by it is on time.
Staff see personal data here (the applicant's name and phone, for the call back).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select, update

from forms.text import Text
from forms.workdays import add_working_days
from portal.db import Database, now_iso
from portal.errors import Invalid, NotFound
from portal.pages import rollup
from portal.pages.deadlines import local_day
from sync.ratings import RECTIFY_WORKING_DAYS, BadCategory, Satisfaction
from sync.receipt_numbers import display_receipt_no

#: The steps in order: each needs the one before (a reply without a fix is refused).
STEPS = ("classify", "callback", "fix", "reply")
NEED_TEXT = Text("请填写内容。", "Please write something.")
NEED_CATEGORY = Text("请选择差评分类。", "Please choose what the bad rating was about.")
OUT_OF_ORDER = Text(
    "请按顺序办理：分类指派、回访、整改、答复。",
    "Work the case in order: classify and assign, call back, fix, reply.",
)
CLOSED = Text("该差评已答复办结。", "This case was replied to and is closed.")


@dataclass(frozen=True)
class RatingRules:
    """The platform's 好差评 settings (`PageConfig.rating_rules`)."""

    rectify_days: int = RECTIFY_WORKING_DAYS  # working days to put a bad rating right
    default_basic: bool = False  # unrated 7 days after settlement counts as 基本满意


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    receipt_no: str
    hall: str
    window: str
    clerk_id: str
    service_code: str
    code: int  # the rating's GB/T 39046 code (4 or 5)
    channel: str
    comment: str
    opened_on: date
    due_on: date
    category: str | None
    assignee: str | None
    callback_note: str | None
    fix_note: str | None
    reply: str | None
    closed_on: date | None
    applicant: dict[str, Any]

    @property
    def level(self) -> Satisfaction:
        return Satisfaction(self.code)

    @property
    def step(self) -> str:
        """The next step to do ("done" once replied)."""
        done = (self.category, self.callback_note, self.fix_note, self.reply)
        return next((s for s, v in zip(STEPS, done, strict=True) if v is None), "done")

    def overdue(self, today: date) -> bool:
        return self.closed_on is None and today > self.due_on

    def counts(self, today: date) -> tuple[bool, bool]:
        """(due, on time) for the 整改率: due once closed or past its day."""
        if self.closed_on is not None:
            return True, self.closed_on <= self.due_on
        return today > self.due_on, False


def due_on(opened_at: str, days: int) -> date:
    """The day the fix is due: `days` working days after the hall-local opening day."""
    return add_working_days(local_day(opened_at), days)


def _query(db: Database) -> Any:
    cases, ratings, apps = db.t("bad_cases"), db.t("ratings"), db.t("applications")
    return (
        select(cases, ratings.c.code, ratings.c.channel, ratings.c.comment, ratings.c.window)
        .add_columns(ratings.c.clerk_id, ratings.c.service_code, apps.c.receipt_no)
        .add_columns(apps.c.applicant)
        .join(ratings, ratings.c.rating_id == cases.c.rating_id)
        .join(apps, apps.c.uuid == cases.c.app_uuid)
    )


def _case(row: Any, days: int) -> Case:
    return Case(
        id=row.id,
        receipt_no=display_receipt_no(row.receipt_no),
        hall=row.hall,
        window=row.window,
        clerk_id=row.clerk_id,
        service_code=row.service_code,
        code=row.code,
        channel=row.channel,
        comment=row.comment,
        opened_on=local_day(row.opened_at),
        due_on=due_on(row.opened_at, days),
        category=row.category,
        assignee=row.assignee,
        callback_note=row.callback_note,
        fix_note=row.fix_note,
        reply=row.reply,
        closed_on=local_day(row.replied_at) if row.replied_at else None,
        applicant=json.loads(row.applicant),
    )


def all_cases(db: Database, days: int, hall: str = "") -> list[Case]:
    """Every case, newest first (a hall's, when given)."""
    cases = db.t("bad_cases")
    query = _query(db).order_by(cases.c.id.desc())
    if hall:
        query = query.where(cases.c.hall == hall)
    with db.begin() as conn:
        return [_case(r, days) for r in conn.execute(query)]


def one(db: Database, case_id: int, days: int) -> Case:
    with db.begin() as conn:
        return _one(conn, db, case_id, days)


def _one(conn: Connection, db: Database, case_id: int, days: int) -> Case:
    row = conn.execute(_query(db).where(db.t("bad_cases").c.id == case_id)).first()
    if row is None:
        raise NotFound(Text(f"没有差评工单 {case_id}。", f"No bad-rating case {case_id}."))
    return _case(row, days)


def advance(db: Database, case_id: int, step: str, form: dict[str, str], actor: str) -> None:
    """Do `step` of the case with the form's values; Invalid (with the reason) otherwise."""
    values = _step_values(step, {k: v.strip() for k, v in form.items()})
    with db.begin() as conn:
        case = _one(conn, db, case_id, 0)
        if case.step == "done":
            raise Invalid(CLOSED)
        if STEPS.index(step) > STEPS.index(case.step):
            raise Invalid(OUT_OF_ORDER)
        table = db.t("bad_cases")
        values["updated_by"] = actor
        uuid = conn.execute(select(table.c.app_uuid).where(table.c.id == case_id)).scalar_one()
        with rollup.following(conn, [uuid]):  # a reply closes it in open data's counts
            conn.execute(update(table).where(table.c.id == case_id).values(**values))


def _step_values(step: str, form: dict[str, str]) -> dict[str, Any]:
    if step == "classify":
        if form.get("category") not in set(BadCategory):
            raise Invalid(NEED_CATEGORY)
        return {"category": form["category"], "assignee": form.get("assignee") or None}
    names = {"callback": "callback_note", "fix": "fix_note", "reply": "reply"}
    stamps = {"callback": "callback_at", "fix": "fixed_at", "reply": "replied_at"}
    if step not in names:
        raise Invalid(OUT_OF_ORDER)
    text = form.get("text", "")[:2000]
    if not text:
        raise Invalid(NEED_TEXT)
    return {names[step]: text, stamps[step]: now_iso()}
