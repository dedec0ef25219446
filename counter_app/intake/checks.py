"""Checks of one intake call that need no store: the client-given UUID, refusals naming no
material, the rating, and the one-time notice's list (every missing or refused material,
each once). Split from `service` to keep it readable."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Mapping, Sequence

from counter_app.errors import ConflictError
from counter_app.intake.attachments import path_of
from counter_app.intake.ratings import BAD_CODE
from counter_app.store.submissions import GivenMaterial, NoticeItem
from forms.model import MaterialSpec, ServiceItem
from forms.text import Text
from forms.validation import FieldProblem


def _check_uuid(value: str | None) -> str | None:
    """The canonical lower-case form of a client-given UUID; ConflictError when malformed."""
    if value is None:
        return None
    try:
        return str(uuidlib.UUID(value))
    except (ValueError, TypeError, AttributeError):
        raise ConflictError(
            Text(f"申请编号（UUID）格式不对：{value}", f"Not a valid application UUID: {value}")
        ) from None


def _unknown_refusals(item: ServiceItem, wrong: Mapping[str, str]) -> list[FieldProblem]:
    return [
        FieldProblem(
            path_of(code), Text(f"本事项没有材料 {code}", f"this item has no material {code}")
        )
        for code in wrong
        if item.material(code) is None
    ]


def _rating_problems(rating: int | None) -> list[FieldProblem]:
    if rating is None or (isinstance(rating, int) and 1 <= rating <= 5):
        return []
    return [FieldProblem("rating", BAD_CODE)]


def _notice_items(
    item: ServiceItem,
    required: Sequence[MaterialSpec],
    given: list[GivenMaterial],
    wrong: Mapping[str, str],
) -> tuple[NoticeItem, ...]:
    """Everything still needed, each once: missing materials, and refused ones with why.
    `required` is `item.required_materials(cleaned)`, which the caller has already worked
    out (it resolves the whole form again: a tenth of an intake's CPU)."""
    provided = {g.code for g in given} - set(wrong)
    items = [
        NoticeItem(m.code, "wrong", wrong[m.code])
        if m.code in wrong
        else NoticeItem(m.code, "missing")
        for m in required
        if m.code not in provided
    ]
    listed = {n.material_code for n in items}
    items += [
        NoticeItem(code, "wrong", note)
        for code, note in wrong.items()
        if code not in listed and item.material(code) is not None
    ]
    return tuple(items)
