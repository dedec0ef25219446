"""The time-limit keys of an item definition (see `forms.limits`), read by the builder.

Two spellings are valid: the original `legal_days: 20` / `promised_days: 5` (working days,
so every definition written before units existed keeps loading unchanged), and
`legal_limit: {days: 30, unit: natural_days}` / `promised_limit: {...}` when a unit must be
said. `kind: immediate` marks a 即办件, whose promised limit is 0 (settled on the spot).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from forms.limits import KINDS, UNITS, TimeLimit
from forms.text import Text

if TYPE_CHECKING:
    from forms.schema import Builder

LIMIT_KEYS = {"kind", "legal_days", "promised_days", "legal_limit", "promised_limit"}


def read_limits(b: Builder, d: dict[str, Any]) -> dict[str, Any]:
    """ServiceItem keyword arguments for the limits and kind; every mistake to `b.r`."""
    legal = _limit(b, d, "legal")
    promised = _limit(b, d, "promised")
    kind = b.choice(d.get("kind", "promised"), ("kind",), KINDS)
    if legal and promised:
        _check_order(b, legal, promised, "promised_limit" in d)
    if kind == "immediate" and promised and promised.days != 0:
        where = ("promised_limit" if "promised_limit" in d else "promised_days",)
        b.r.add(
            where,
            Text("即办件当场办结，承诺时限应为 0", "an immediate item's promised limit is 0"),
        )
    return {
        "kind": kind,
        "legal_days": legal.days if legal else None,
        "legal_unit": legal.unit if legal else "working_days",
        "promised_days": promised.days if promised else None,
        "promised_unit": promised.unit if promised else "working_days",
    }


def _limit(b: Builder, d: dict[str, Any], which: str) -> TimeLimit | None:
    short, full = f"{which}_days", f"{which}_limit"
    if short in d and full in d:
        b.r.add(
            (full,),
            Text(f"{short} 与 {full} 只能写一个", f"give {short} or {full}, not both"),
        )
        return None
    if full not in d:
        if short not in d:
            b.r.add((), Text(f"缺少键 {short}", f"the key {short} is missing"))
            return None
        days = b.integer(d[short], (short,))
        return None if days is None else TimeLimit(days)
    m = b.mapping(d[full], (full,), {"days", "unit"}, {"days", "unit"})
    days = b.integer(m.get("days"), (full, "days")) if "days" in m else None
    unit = b.choice(m.get("unit"), (full, "unit"), UNITS) if "unit" in m else ""
    return TimeLimit(days, unit) if days is not None and unit in UNITS else None


def _check_order(b: Builder, legal: TimeLimit, promised: TimeLimit, full: bool) -> None:
    same = legal.unit == promised.unit
    longer = promised.days > legal.days if same else promised.comparable() > legal.comparable()
    if longer:
        b.r.add(
            ("promised_limit" if full else "promised_days",),
            Text("承诺时限不能超过法定时限", "the promised time limit exceeds the legal one"),
        )
