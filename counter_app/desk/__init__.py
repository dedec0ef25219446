"""The window's one door into the terminal: `Desk`, typed, returning dataclasses.

Everything the counter window asks of the Qt-free terminal (store, intake, clerks, search,
statistics, printing, sync status, administration) goes through `Desk`; the SQL and the role
checks are here or below, never in `counter_app/ui/`. Every method runs on the window's
storage thread (`ui.bridge.Operations.store`) and touches no Qt. Checked by mypy strict. The
terminal is opened on first use (on that thread): importing this module is cheap."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from counter_app.desk.city_lookups import CityLookups
from counter_app.desk.figures import RATING_COLUMNS, is_number, numbers_of
from counter_app.desk.hall import HallCases, step_note
from counter_app.desk.views import (  # re-exported: the window imports them from here
    DemoLogins,
    Detail,
    Draft,
    Given,
    Identity,
    Known,
    Numbers,
    Overview,
    Period,
    RatingRow,
    Row,
    Step,
    SyncStatus,
)
from forms.text import Text
from sync.receipt_numbers import display_receipt_no

if TYPE_CHECKING:
    from counter_app.clerks import Session
    from counter_app.config import Config, PrinterSpec
    from counter_app.intake.service import IntakeResult
    from counter_app.ops.retention import PurgeReport
    from counter_app.terminal import Terminal
    from forms.model import ServiceItem

__all__ = [
    "DemoLogins",
    "Desk",
    "Detail",
    "Draft",
    "Given",
    "Identity",
    "Known",
    "Numbers",
    "Overview",
    "Period",
    "RatingRow",
    "Row",
    "Step",
    "SyncStatus",
]


def _masked_name(name: str) -> str:
    from printing.model import mask_name  # start-up: reportlab stays out of the window's start

    return mask_name(name)


def _masked_id(identifier: str) -> str:
    from printing.model import mask_identifier  # start-up, as above

    return mask_identifier(identifier)


class Desk(HallCases, CityLookups):
    """Wraps one `Terminal`, opened lazily on the storage thread."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._terminal: Terminal | None = None
        self._names: dict[str, Text] = {}

    # -- opening --------------------------------------------------------------------------
    @property
    def terminal(self) -> Terminal:
        if self._terminal is None:
            from counter_app.terminal import Terminal  # start-up: opened on the storage thread

            self._terminal = Terminal.open(self.data_dir)
        return self._terminal

    def open(self) -> Identity:
        t = self.terminal
        enrolled = bool(t.portal_url and t.token)
        return Identity(str(t.hall), str(t.window), str(t.terminal_id), enrolled, str(t.timezone))

    def close(self) -> None:
        self.close_city()
        if self._terminal is not None:
            self._terminal.close()
        self._terminal = None

    # -- clerks ---------------------------------------------------------------------------
    def login(self, clerk_id: str, password: str) -> Session:
        from counter_app import clerks  # start-up: argon2 loads at the first login

        return clerks.authenticate(self.terminal.store, clerk_id, password)

    def logout(self, session: Session, reason: str) -> None:
        from counter_app.store import audit

        store = self.terminal.store
        with store.transaction():
            audit.append(store, session.clerk_id, "logout", session.clerk_id, {"reason": reason})

    def add_clerk(
        self, session: Session, clerk_id: str, name: str, password: str, role: str
    ) -> None:
        from counter_app.clerks import add_clerk

        add_clerk(self.terminal.store, clerk_id, name, password, role, actor=session)

    def enroll(self, url: str, code: str, session: Session) -> None:
        """Admins only (checked before any request)."""
        from counter_app.clerks import require_role
        from counter_app.ops.provision import enroll

        require_role(session, "admin")
        enroll(self.terminal, url, code)

    # -- catalog --------------------------------------------------------------------------
    def catalog(self) -> list[ServiceItem]:
        """Every current service item, for the picker."""
        from counter_app.store.catalog import latest_items  # start-up: YAML and the forms

        items = list(latest_items(self.terminal.store))
        self._names.update({it.code: it.name for it in items})
        return items

    def item(self, code: str, version: int | None = None) -> ServiceItem:
        """A service item, at `version` when a draft started on an older one."""
        from counter_app.store.catalog import get_item  # start-up, as above

        return get_item(self.terminal.store, code, version)

    def item_name(self, code: str) -> Text:
        if not self._names:
            self.catalog()
        return self._names.get(code) or Text(code, code)

    def recent_codes(self, limit: int = 8) -> list[str]:
        """Service codes this window used most recently, newest first."""
        rows = self.terminal.store.query(
            "SELECT service_code, MAX(accepted_at) AS last FROM submissions "
            "GROUP BY service_code ORDER BY last DESC LIMIT ?",
            (limit,),
        )
        return [str(r["service_code"]) for r in rows]

    # -- intake ---------------------------------------------------------------------------
    def prefill(self, id_no: str, service_code: str = "") -> Known | None:
        known = self.terminal.intake.prefill(id_no)
        if known.applicant is None:
            return None
        return Known(
            name=str(known.applicant.get("name") or ""),
            phone=str(known.applicant.get("phone") or ""),
            answers=dict(known.last_answers.get(service_code, {})),
            materials=tuple(sorted(known.materials)),
        )

    def accept(self, draft: Draft, session: Session) -> IntakeResult:
        """Accept the draft on the form version it started on, with its 容缺 materials
        (the same service call as `counter-app intake --defer`)."""
        from counter_app.intake.deferral import Deferral

        keep = ("kind", "id_no", "name", "phone")
        later = {c: Deferral(f, date.fromisoformat(d)) for c, (f, d) in draft.deferred.items()}
        return self.terminal.intake.accept(
            draft.service_code,
            applicant={k: v for k, v in draft.applicant.items() if k in keep},
            answers=dict(draft.answers),
            attachments={code: [Path(p) for p in ps] for code, ps in draft.attachments.items()},
            reuse=set(draft.reuse),
            clerk_id=session.clerk_id,
            signature_png=draft.signature_png(),
            uuid=draft.draft_id,
            service_version=draft.service_version,
            deferred=later,
            promise_png=draft.signature_png() if later else None,  # the promise is signed too
        )

    def record_rating(
        self,
        receipt_no: str,
        code: int,
        event: str,
        *,
        overall: int | None = None,
        efficiency: int | None = None,
        level: int | None = None,
        attitude: int | None = None,
        comment: str = "",
        uuid: str | None = None,
    ) -> str:
        """One 好差评 rating from the citizen screen (`counter_app.intake.ratings`): `code`
        1 (非常满意) to 5; the sub-scores as answered; `uuid` the rating's own ID (a retry
        sends it again). Returns the rating's ID."""
        return self.terminal.intake.record_rating(
            receipt_no,
            code,
            event,
            overall=overall,
            efficiency=efficiency,
            level=level,
            attitude=attitude,
            comment=comment,
            uuid=uuid,
        )

    def void(self, receipt_no: str, reason: str, session: Session) -> None:
        self.terminal.intake.void(receipt_no, reason, session)

    def supplement(
        self, receipt_no: str, attachments: dict[str, list[Path]], session: Session
    ) -> IntakeResult:
        return self.terminal.intake.supplement(receipt_no, attachments, clerk_id=session.clerk_id)

    # -- lists ----------------------------------------------------------------------------
    def today(self) -> list[Row]:
        """Today's applications at this window, newest first."""
        rows = self.terminal.store.query(
            "SELECT s.receipt_no, s.service_code, a.name, s.status, s.due_date, s.sync_state, "
            "s.accepted_at FROM submissions s LEFT JOIN applicants a ON a.id_no = s.applicant_id "
            "WHERE s.accepted_day = ? ORDER BY s.accepted_at DESC",
            (self.terminal.today().isoformat(),),
        )
        return [self._row(r, str(r.get("name") or "")) for r in rows]

    def search(self, text: str) -> list[Row]:
        from counter_app import search  # start-up: only when the clerk searches

        hits = search.search(self.terminal.store, text)
        return [self._row(asdict(h), h.name) for h in hits]

    def _row(self, r: Mapping[str, object], name: str) -> Row:
        code = str(r["service_code"])
        return Row(
            receipt_no=display_receipt_no(str(r["receipt_no"])),
            service_code=code,
            item_name=self.item_name(code),
            applicant=_masked_name(name),
            status=str(r["status"]),
            due_date=str(r.get("due_date") or ""),
            sync_state=str(r.get("sync_state") or ""),
            accepted_at=str(r.get("accepted_at") or ""),
        )

    def detail(self, receipt_no: str) -> Detail:
        sub = self.terminal.intake.get(receipt_no)
        item = self.item(sub.service_code, sub.service_version)
        names = {m.code: m.name for m in item.materials}
        tz = self.terminal.timezone
        who = sub.applicant
        return Detail(
            receipt_no=display_receipt_no(sub.receipt_no),
            kind=sub.kind,
            status=str(sub.status),
            item_name=item.name,
            applicant=f"{_masked_name(who.get('name', ''))} {_masked_id(who.get('id_no', ''))}",
            due_date=sub.due_date,
            events=tuple(
                Step(
                    e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                    e.status,
                    e.source,
                    step_note(e.note, names),
                )
                for e in sub.events
            ),
            materials=tuple(
                Given(names.get(m.material_code, Text(m.material_code, m.material_code)), m.reused)
                for m in sub.materials
            ),
            missing=tuple(
                names.get(n.material_code, Text(n.material_code, n.material_code))
                for n in sub.notice_items
            ),
            missing_specs=tuple(
                spec for n in sub.notice_items if (spec := item.material(n.material_code))
            ),
        )

    # -- numbers --------------------------------------------------------------------------
    def stats(self, start: date, end: date) -> Period:
        from counter_app import age_stats, stats  # start-up: only on the numbers pages

        t = self.terminal
        period = stats.period_stats(t.store, start, end, t.today(), t.timezone)
        ratings = tuple(
            RatingRow(group, key, **{k: tally.columns()[k] for k in RATING_COLUMNS})
            for group, rows in stats.rating_breakdown(t.store, start, end).items()
            for key, tally in rows
        )
        days = tuple(numbers_of(d) for d in period.days)
        age = age_stats.report(t.store, start, end, t.timezone)  # the hall's age report
        figures = {k: float(v) for k, v in (age[0] if age else {}).items() if is_number(v)}
        return Period(numbers_of(period.totals), days, ratings, figures)

    def today_date(self) -> date:
        """Today in the hall's time zone (not the machine's)."""
        return self.terminal.today()

    def today_numbers(self) -> Numbers:
        """Today's totals alone (`stats` reads every application for its age report)."""
        from counter_app import stats  # start-up: only on the numbers pages

        t, today = self.terminal, self.terminal.today()
        return numbers_of(stats.period_stats(t.store, today, today, today, t.timezone).totals)

    def export_stats(self, start: date, end: date, fmt: str, path: str, lang: str) -> int:
        """The open-data export (`counter_app.ops.export`): same columns as the portal's."""
        from counter_app.ops.export import export_stats  # start-up: openpyxl

        return export_stats(self.terminal, fmt, Path(path), start, end, lang)

    # -- printing and housekeeping --------------------------------------------------------
    def receipt_pdf(
        self,
        receipt_no: str,
        paper: str,
        duplicate: bool = False,
        actor: str = "",
        configured: str = "",
    ) -> bytes:
        """The PDF to preview and print; the print (or reprint) is audited with `actor`.
        `configured`: the platform address of the configuration (`portal_url`)."""
        from counter_app.intake import receipts  # start-up: reportlab

        return receipts.render_receipt(
            self.terminal, receipt_no, paper, duplicate, actor, configured
        )

    def deferral_pdf(self, receipt_no: str, actor: str = "") -> bytes:
        """The 容缺受理通知书 (both copies), as `counter-app deferral notice` renders it."""
        from counter_app.intake import deferral_print

        return deferral_print.render(self.terminal, receipt_no, actor)

    def tracking_online(self, configured: str = "") -> bool:
        """Whether receipts printed now can be tracked online (a platform is known)."""
        from counter_app.intake import receipts  # start-up: reportlab

        return bool(receipts.portal_for(self.terminal, configured))

    def print_receipt(
        self,
        receipt_no: str,
        spec: PrinterSpec,
        paper: str,
        duplicate: bool = False,
        actor: str = "",
        configured: str = "",
    ) -> None:
        """Print on the configured printer `spec`; audited."""
        from counter_app.intake import printers  # start-up: printer back-ends

        printers.print_on_configured(
            self.terminal, receipt_no, spec, paper, actor, duplicate, configured
        )

    def housekeeping(self, config: Config) -> tuple[Path | None, PurgeReport]:
        from counter_app.ops.retention import housekeeping  # start-up: runs an hour later

        return housekeeping(self.terminal, config)

    # -- sync and administration ----------------------------------------------------------
    def sync_status(self, clock_tolerance_minutes: int = 5) -> SyncStatus:
        from counter_app.store import outbox
        from sync.clock import kept_problem

        count, oldest = outbox.backlog(self.terminal.store)
        tolerance = timedelta(minutes=clock_tolerance_minutes)
        clock = kept_problem(self.terminal.store.get_setting, self.terminal.now(), tolerance)
        return SyncStatus(count, oldest, bool(self.terminal.token), clock)

    def admin_overview(self) -> Overview:
        from counter_app.clerks import list_clerks  # start-up: argon2
        from counter_app.store.catalog import latest_items  # start-up: YAML and the forms

        items = latest_items(self.terminal.store)
        return Overview(
            portal_url=str(self.terminal.portal_url or ""),
            catalog=tuple(f"{i.code} v{i.version}  {i.name.zh} / {i.name.en}" for i in items),
            clerks=tuple(
                f"{c['clerk_id']}  {c.get('name', '')}  ({c.get('role', '')})"
                for c in list_clerks(self.terminal.store)
            ),
        )
