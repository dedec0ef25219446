"""The citizen's rating of a settled application: once, 1-5 and an optional comment.

The rating goes to the owning terminal through the changes feed (`kind = "rating"`, a
`sync.protocol.RatingChange`), so the hall's own satisfaction figure counts it; the comment
stays on the platform (free text may name people, and the terminal has no place for it).
"""

from __future__ import annotations

from sqlalchemy import insert, select, update

from forms.text import Text
from portal.db import Database, now_iso
from portal.errors import Invalid
from portal.pages.tracking import Tracking
from sync.protocol import RatingChange

MAX_COMMENT = 1000
ALREADY = Text("您已评价过，谢谢。", "You have already rated this service, thank you.")
NOT_YET = Text("办结后才能评价。", "You can rate the service once it is settled.")
BAD = Text("评分应为 1 到 5 星。", "A rating is 1 to 5 stars.")


def rate(db: Database, tracking: Tracking, rating: int, comment: str) -> None:
    """Record the rating of an application the caller has already proven (by its code)."""
    if not 1 <= rating <= 5:
        raise Invalid(BAD)
    if tracking.rating is not None:
        raise Invalid(ALREADY)
    if not tracking.can_rate or tracking.uuid is None:
        raise Invalid(NOT_YET)
    _store(db, tracking.uuid, rating, comment.strip()[:MAX_COMMENT])


def _store(db: Database, uuid: str, rating: int, comment: str) -> None:
    apps = db.t("applications")
    at = now_iso()
    with db.begin() as conn:
        db.serialize_changes(conn)  # also makes two tabs rating at once take turns
        ratings = db.t("citizen_ratings")
        if conn.execute(select(ratings.c.uuid).where(ratings.c.uuid == uuid)).first():
            raise Invalid(ALREADY)
        conn.execute(
            insert(db.t("citizen_ratings")).values(uuid=uuid, rating=rating, comment=comment, at=at)
        )
        row = conn.execute(
            select(apps.c.receipt_no, apps.c.terminal_id).where(apps.c.uuid == uuid)
        ).one()
        conn.execute(update(apps).where(apps.c.uuid == uuid).values(rating=rating))
        change = RatingChange.model_validate(
            {"remote_id": f"rating-{uuid}", "uuid": uuid, "receipt_no": row.receipt_no}
            | {"rating": rating, "at": at}
        )
        conn.execute(
            insert(db.t("changes")).values(
                kind="rating", terminal_id=row.terminal_id, payload=change.model_dump_json(), at=at
            )
        )
