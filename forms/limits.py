"""Time limits as the law counts them: the statutory limit (法定办结时限) and the promised
limit (承诺办结时限) of an item, each in working days or natural days, and the item's kind:
即办件 (settled at the window on the spot) or 承诺件 (settled by a promised date).

Working days follow `forms.workdays` (holidays and make-up working weekends). Natural days
are calendar days; when the last one is not a working day the limit ends on the next working
day, the rule Chinese law uses for periods counted in days (民法典 第二百零三条). A deadline
whose count runs into a year whose calendar is not yet published is `provisional`: the date
is the best count today, shown and stored with that flag, never presented as certain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from forms.text import Text
from forms.workdays import add_working_days, is_working_day, unofficial_years

Unit = Literal["working_days", "natural_days"]
UNITS: tuple[str, ...] = ("working_days", "natural_days")
KINDS: tuple[str, ...] = ("promised", "immediate")  # 承诺件, 即办件
#: GB/T 39046-2020 办件类型: 1 即办件, 2 承诺件.
GBT_KIND_CODES = {"immediate": "1", "promised": "2"}
KIND_LABELS = {
    "immediate": Text("即办件", "settled on the spot"),
    "promised": Text("承诺件", "settled by a promised date"),
}
UNIT_LABELS = {
    "working_days": Text("工作日", "working days"),
    "natural_days": Text("自然日", "calendar days"),
}


@dataclass(frozen=True, slots=True)
class Deadline:
    """A due date and whether it may still move (a year's holidays not yet published)."""

    day: date
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class TimeLimit:
    """`days` in `unit`, counted from the day of acceptance (day 0)."""

    days: int
    unit: str = "working_days"

    def due(self, start: date) -> Deadline:
        """When this limit ends for an application accepted on `start`."""
        if self.unit == "natural_days":
            day = start + timedelta(days=self.days)
            while self.days and not is_working_day(day):
                day += timedelta(days=1)
        else:
            day = add_working_days(start, self.days)
        return Deadline(day, bool(unofficial_years(start, day)))

    def label(self, lang: str = "zh_CN") -> str:
        """ "5 个工作日" / "5 working days"."""
        unit = UNIT_LABELS[self.unit]
        return (
            f"{self.days} {unit.en}"
            if lang.lower().startswith("en")
            else f"{self.days} 个{unit.zh}"
        )

    def to_data(self) -> dict[str, Any]:
        return {"days": self.days, "unit": self.unit}

    def comparable(self) -> int:
        """A rough length in natural days, to check promised <= statutory across units
        (5 working days ~ 7 natural days)."""
        return self.days if self.unit == "natural_days" else (self.days * 7 + 4) // 5


def kind_label(kind: str, lang: str = "zh_CN") -> str:
    return KIND_LABELS.get(kind, KIND_LABELS["promised"]).get(lang)
