"""The seed study's Guiyang table (received / settled / share settled before the deadline /
satisfaction) and its Figure 1 (open applications by age), reproduced from generated data
with the real report code (`sync.age_report`): `python -m bench.age_table` prints the
Markdown that docs/age-report.md shows. Deterministic (seeded), no database."""

from __future__ import annotations

import random
from datetime import date, timedelta

from forms.catalog import load_sample_catalog
from forms.workdays import add_working_days
from sync.age_report import AGE_HEADINGS, AgeRecord, age_report

START, END = date(2026, 3, 1), date(2026, 3, 31)


def generate(n: int = 32_729, seed: int = 15) -> list[AgeRecord]:
    """A month of a big hall's applications plus two months before (carried over)."""
    rng = random.Random(seed)
    items = list(load_sample_catalog())
    found = []
    for i in range(n + n // 3):  # n in the month, a third as many in the 40 days before
        item = rng.choice(items)
        offset = rng.randrange(0, 31) if i < n else -rng.randrange(1, 41)
        accepted = START + timedelta(days=offset)
        promised = add_working_days(accepted, item.promised_days)
        late = rng.random() < 0.012  # the odd one settled after its promised date
        spread = item.promised_days + (rng.randrange(1, 30) if late else 0)
        settled = add_working_days(accepted, rng.randrange(0, spread + 1))
        if rng.random() < 0.11:  # ~ 4,000 of a month's 32,729 still open after a month
            settled = None
        codes = (
            tuple(rng.choices([1, 2, 3, 4, 5], [80, 15, 4, 0.7, 0.3])[:1])
            if rng.random() < 0.6
            else ()
        )
        found.append(
            AgeRecord(
                "贵阳市民中心", item.code, item.department.zh, accepted, promised, settled, codes
            )
        )
    return found


def table(rows: list[dict[str, object]], columns: tuple[str, ...], first: str) -> str:
    head = [first] + [AGE_HEADINGS[c].zh for c in columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [str(r["group"] or "合计")]
        for c in columns:
            v = r[c]
            cells.append(f"{float(v):.2%}" if c.endswith("_rate") else str(v))  # type: ignore[arg-type]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    records = generate()
    guiyang = ("received", "settled", "on_time_rate", "satisfaction_rate")
    figure = ("carried_over", "open_le5", "open_6_20", "open_21_30", "open_gt30", "overdue")
    print(table(age_report(records, START, END, "all"), guiyang, "大厅"))
    print()
    print(table(age_report(records, START, END, "department"), guiyang, "部门"))
    print()
    print(table(age_report(records, START, END, "all"), figure, "大厅"))


if __name__ == "__main__":
    main()
