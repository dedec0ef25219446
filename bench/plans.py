"""EXPLAIN (ANALYZE, BUFFERS) of the queries issue 17 indexed, compiled by the pages' own
code: `python -m bench.plans URL` on the cached benchmark database (docs/scaling.md quotes
the output). The queries are captured as the pages send them, then explained one by one."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from portal.db import Database
from portal.pages import grouped, office_data, opendata
from portal.pages.office_paging import Filters

END = date(2026, 11, 30)
SKIP = ("item_limits", "catalog_items", "clock_stops")


def captured(db: Database, run: Callable[[], object]) -> list[str]:
    """The SQL (with its values inlined) `run` sends through `db.begin()`."""
    found: list[str] = []
    real = db.begin

    @contextlib.contextmanager
    def spying() -> Iterator[Any]:
        with real() as conn:

            class Spy:
                def execute(self, query: Any, *args: Any) -> Any:
                    compiled = query.compile(
                        dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}
                    )
                    found.append(str(compiled))
                    return conn.execute(query, *args)

                def scalars(self, query: Any, *args: Any) -> Any:
                    return conn.scalars(query, *args)

            yield Spy()

    db.begin = spying  # type: ignore[method-assign]
    try:
        run()
    finally:
        db.begin = real  # type: ignore[method-assign]
    return [sql for sql in found if not any(name in sql for name in SKIP)]


def explain(db: Database, title: str, statements: list[str]) -> None:
    print("=" * 10, title)
    with db.engine.connect() as conn:
        for sql in statements:
            for row in conn.execute(text("EXPLAIN (ANALYZE, BUFFERS) " + sql)):
                print(row[0])
            print("-" * 5)


def main(url: str) -> None:
    db = Database(url)
    apps = db.t("applications")
    year = opendata.StatsQuery(END - timedelta(days=364), END)
    keys = [grouped.day_of(db, apps.c.accepted_at), apps.c.hall, apps.c.service_code]
    keys.append(apps.c.service_code)
    where = opendata._where(db, year)
    explain(db, "open data, a year", captured(db, lambda: grouped.read(db, keys, where)))
    page = office_data.applications(db, Filters(), END)
    explain(db, "back office, first page",
            captured(db, lambda: office_data.applications(db, Filters(), END)))  # fmt: skip
    for _ in range(100):
        page = office_data.applications(db, Filters(), END, after=page.older)
    deep = lambda: office_data.applications(db, Filters(), END, after=page.older)  # noqa: E731
    explain(db, "back office, page 101", captured(db, deep))
    hall = lambda: office_data.applications(db, Filters(hall="政务服务中心007"), END)  # noqa: E731
    explain(db, "back office, one hall", captured(db, hall))
    with db.engine.connect() as conn:
        receipt = conn.execute(text("SELECT receipt_no FROM applications LIMIT 1")).scalar()
    lookup = f"SELECT * FROM applications WHERE receipt_no IN ('{receipt}', 'x')"
    explain(db, "tracking lookup by receipt number", [lookup])


if __name__ == "__main__":
    main(sys.argv[1])
