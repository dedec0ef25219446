"""The citizen's rating on the tracking page (channel 二维码): once per application, after
it is settled and within `sync.ratings.RATE_WITHIN_DAYS` days, one of the five levels of
GB/T 39046 (code 1 = 非常满意) and an optional comment (文字评价).

It is kept with every other rating (`portal.evaluations`: a bad one opens a 差评整改 case)
and goes to the owning terminal through the changes feed (`kind = "rating"`, a
`sync.protocol.RatingChange`), so the hall's own figures count it; the comment stays on the
platform (free text may name people, and the terminal has no place for it).
"""

from __future__ import annotations

from sqlalchemy import insert, select

from forms.text import Text
from portal import evaluations
from portal.db import Database, now_iso
from portal.errors import Invalid
from portal.pages.tracking import Tracking
from sync.protocol import RatingChange
from sync.ratings import Satisfaction

MAX_COMMENT = 1000
ALREADY = Text("您已评价过，谢谢。", "You have already rated this service, thank you.")
NOT_YET = Text("办结后才能评价。", "You can rate the service once it is settled.")
BAD = Text(
    "请选择一项：非常满意、满意、基本满意、不满意或非常不满意。",
    "Please choose one: very satisfied, satisfied, fairly satisfied, dissatisfied or "
    "very dissatisfied.",
)
TOO_LATE = Text(
    "办结已超过 7 天，评价期已过。", "The rating period (7 days after settlement) is over."
)


def rate(db: Database, tracking: Tracking, code: int, comment: str) -> None:
    """Record the rating (a GB/T 39046 code) of an application the caller has already
    proven (by its code)."""
    if code not in set(Satisfaction):
        raise Invalid(BAD)
    if tracking.rating is not None:
        raise Invalid(ALREADY)
    if tracking.rating_closed:
        raise Invalid(TOO_LATE)
    if not tracking.can_rate or tracking.uuid is None:
        raise Invalid(NOT_YET)
    _store(db, tracking.uuid, Satisfaction(code), comment.strip()[:MAX_COMMENT])


def _store(db: Database, uuid: str, code: Satisfaction, comment: str) -> None:
    apps = db.t("applications")
    at = now_iso()
    with db.begin() as conn:
        db.serialize_changes(conn)  # also makes two tabs rating at once take turns
        ratings = db.t("citizen_ratings")
        if conn.execute(select(ratings.c.uuid).where(ratings.c.uuid == uuid)).first():
            raise Invalid(ALREADY)
        conn.execute(insert(ratings).values(uuid=uuid, rating=int(code), comment=comment, at=at))
        rating_id = evaluations.from_tracking_page(db, conn, uuid, int(code), comment)
        row = conn.execute(
            select(apps.c.receipt_no, apps.c.terminal_id).where(apps.c.uuid == uuid)
        ).one()
        change = RatingChange.model_validate(
            {"remote_id": rating_id, "uuid": uuid, "receipt_no": row.receipt_no}
            | {"rating": code.stars, "code": int(code), "at": at}
        )
        conn.execute(
            insert(db.t("changes")).values(
                kind="rating", terminal_id=row.terminal_id, payload=change.model_dump_json(), at=at
            )
        )
