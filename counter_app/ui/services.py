"""The window's one door to the Qt-free terminal: every call the UI makes into the store,
intake, clerks, search, statistics, printing and sync goes through `Backend`.

Why one adapter: the window was built while the layers below were still moving; keeping every
contract-facing call here means a changed name is fixed in one place, and the widgets only
see plain values (dicts, `Row`, `Text`). Every method runs on the storage thread
(`bridge.Operations.store`); none touches Qt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from forms.text import Text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Row:
    """One application as the home page lists it (personal data already masked)."""

    receipt_no: str
    service_code: str
    item_name: Text
    applicant: str
    status: str
    due_date: str
    sync_state: str
    accepted_at: str


def mask_name(name: str) -> str:
    from printing.model import mask_name as mask

    return mask(name)


def mask_identifier(identifier: str) -> str:
    from printing.model import mask_identifier as mask

    return mask(identifier)


def display_no(receipt_no: str) -> str:
    from sync.receipt_numbers import display_receipt_no

    return str(display_receipt_no(receipt_no))


class Backend:
    """Wraps `counter_app.terminal.Terminal`, opened lazily on the storage thread."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._terminal: Any = None
        self._names: dict[str, Text] = {}

    # -- opening --------------------------------------------------------------------------
    @property
    def terminal(self) -> Any:
        if self._terminal is None:
            from counter_app.terminal import Terminal

            self._terminal = Terminal.open(self.data_dir)
        return self._terminal

    def open(self) -> dict[str, str]:
        """Open the terminal; its identity for the title bar."""
        t = self.terminal
        return {
            "hall": str(t.hall),
            "window": str(t.window),
            "terminal_id": str(t.terminal_id),
            "enrolled": "yes" if t.portal_url and t.token else "",
            "timezone": str(t.timezone),  # the hall's: every time the window shows
        }

    def close(self) -> None:
        if self._terminal is not None:
            self._terminal.close()
            self._terminal = None

    # -- clerks ---------------------------------------------------------------------------
    def login(self, clerk_id: str, password: str) -> Any:
        from counter_app import clerks

        return clerks.authenticate(self.terminal.store, clerk_id, password)

    def logout(self, session: Any, reason: str) -> None:
        from counter_app.store import audit

        with self.terminal.store.transaction():
            audit.append(
                self.terminal.store,
                session.clerk_id,
                "logout",
                session.clerk_id,
                {"reason": reason},
            )

    # -- catalog --------------------------------------------------------------------------
    def catalog(self) -> list[Any]:
        """Every current service item, for the picker."""
        from counter_app.store.catalog import latest_items

        items = list(latest_items(self.terminal.store))
        self._names.update({it.code: it.name for it in items})
        return items

    def item(self, code: str, version: int | None = None) -> Any:
        """A service item, at `version` when a draft started on an older one."""
        from counter_app.store.catalog import get_item

        return get_item(self.terminal.store, code, version)

    def recent_codes(self, limit: int = 8) -> list[str]:
        """Service codes this window used most recently, newest first."""
        rows = self.terminal.store.query(
            "SELECT service_code, MAX(accepted_at) AS last FROM submissions "
            "GROUP BY service_code ORDER BY last DESC LIMIT ?",
            (limit,),
        )
        return [r["service_code"] for r in rows]

    # -- intake ---------------------------------------------------------------------------
    def prefill(self, id_no: str, service_code: str = "") -> dict[str, Any] | None:
        """What is known about this applicant: name, phone, the answers they gave last time
        for this item, and the codes of materials on file (newest copy first)."""
        known = self.terminal.intake.prefill(id_no)
        if known.applicant is None:
            return None
        return {
            "name": known.applicant.get("name", ""),
            "phone": known.applicant.get("phone") or "",
            "answers": known.last_answers.get(service_code, {}),
            "materials": sorted(known.materials),
        }

    def accept(self, draft: Any, session: Any) -> Any:
        """Accept the draft on the form version it started on."""
        return self.terminal.intake.accept(
            draft.service_code,
            applicant={
                k: v for k, v in draft.applicant.items() if k in ("kind", "id_no", "name", "phone")
            },
            answers=dict(draft.answers),
            attachments={
                code: [Path(p) for p in paths] for code, paths in draft.attachments.items()
            },
            reuse=set(draft.reuse),
            clerk_id=session.clerk_id,
            signature_png=draft.signature_png(),
            uuid=draft.draft_id,
            service_version=draft.service_version,
        )

    def record_rating(self, receipt_no: str, code: int, event: str, **more: Any) -> str:
        return self.terminal.intake.record_rating(receipt_no, code, event, **more)

    def void(self, receipt_no: str, reason: str, session: Any) -> None:
        self.terminal.intake.void(receipt_no, reason, session)

    def supplement(self, receipt_no: str, attachments: dict[str, list[Path]], session: Any) -> Any:
        return self.terminal.intake.supplement(receipt_no, attachments, clerk_id=session.clerk_id)

    # -- lists ----------------------------------------------------------------------------
    def item_name(self, code: str) -> Text:
        if not self._names:
            self.catalog()
        return self._names.get(code) or Text(code, code)

    def today(self) -> list[Row]:
        """Today's applications at this window, newest first."""
        rows = self.terminal.store.query(
            "SELECT s.receipt_no, s.service_code, a.name, s.status, s.due_date, s.sync_state, "
            "s.accepted_at FROM submissions s LEFT JOIN applicants a ON a.id_no = s.applicant_id "
            "WHERE s.accepted_day = ? ORDER BY s.accepted_at DESC",
            (self.terminal.today().isoformat(),),
        )
        return [self._row(r, r.get("name") or "") for r in rows]

    def search(self, text: str) -> list[Row]:
        from counter_app import search

        return [self._row(vars_of(h), h.name) for h in search.search(self.terminal.store, text)]

    def _row(self, r: dict[str, Any], name: str) -> Row:
        return Row(
            receipt_no=display_no(r["receipt_no"]),
            service_code=r["service_code"],
            item_name=self.item_name(r["service_code"]),
            applicant=mask_name(name or ""),
            status=str(r["status"]),
            due_date=str(r.get("due_date") or ""),
            sync_state=str(r.get("sync_state") or ""),
            accepted_at=str(r.get("accepted_at") or ""),
        )

    def detail(self, receipt_no: str) -> dict[str, Any]:
        """One application for the detail page (applicant masked)."""
        sub = self.terminal.intake.get(receipt_no)
        item = self.item(sub.service_code, sub.service_version)
        names = {m.code: m.name for m in item.materials}
        return {
            "receipt_no": display_no(sub.receipt_no),
            "kind": sub.kind,
            "status": str(sub.status),
            "item_name": item.name,
            "applicant": f"{mask_name(sub.applicant.get('name', ''))} "
            f"{mask_identifier(sub.applicant.get('id_no', ''))}",
            "due_date": sub.due_date,
            "events": [
                {
                    "at": e.at.astimezone(self.terminal.timezone).strftime("%Y-%m-%d %H:%M"),
                    "status": str(e.status),
                    "source": e.source,
                    "note": e.note,
                }
                for e in sub.events
            ],
            "materials": [
                {
                    "name": names.get(m.material_code, Text(m.material_code, m.material_code)),
                    "reused": m.reused,
                }
                for m in sub.materials
            ],
            "missing_specs": [
                item.material(n.material_code)
                for n in sub.notice_items
                if item.material(n.material_code) is not None
            ],
            "missing": [
                {
                    "code": n.material_code,
                    "name": names.get(n.material_code, Text(n.material_code, n.material_code)),
                }
                for n in sub.notice_items
            ],
        }

    # -- numbers --------------------------------------------------------------------------
    def stats(self, start: date, end: date) -> dict[str, Any]:
        from counter_app import age_stats, stats

        t = self.terminal
        period = stats.period_stats(t.store, start, end, t.today(), t.timezone)
        ratings = {
            group: [(key, tally.columns()) for key, tally in rows]
            for group, rows in stats.rating_breakdown(t.store, start, end).items()
        }
        totals, days = _numbers(period.totals), [_numbers(d) for d in period.days]
        age = age_stats.report(t.store, start, end, t.timezone)  # the hall's age report
        return {"totals": totals, "days": days, "ratings": ratings, "age": age[0] if age else {}}

    def today_date(self) -> date:
        """Today in the hall's time zone (not the machine's)."""
        today: date = self.terminal.today()
        return today

    def today_numbers(self) -> dict[str, Any]:
        today = self.terminal.today()
        return self.stats(today, today)["totals"]

    def export_stats(self, start: date, end: date, fmt: str, path: str, lang: str) -> int:
        """The open-data export (`counter_app.ops.export`): same columns as the portal's."""
        from counter_app.ops.export import export_stats

        return int(export_stats(self.terminal, fmt, Path(path), start, end, lang))

    # -- printing -------------------------------------------------------------------------
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
        from counter_app.intake import receipts

        pdf: bytes = receipts.render_receipt(
            self.terminal, receipt_no, paper, duplicate, actor, configured
        )
        return pdf

    def print_receipt(
        self,
        receipt_no: str,
        spec: Any,
        paper: str,
        duplicate: bool = False,
        actor: str = "",
        configured: str = "",
    ) -> None:
        """Print on the configured printer `spec` (a config PrinterSpec); audited."""
        from counter_app.intake import printers

        printers.print_on_configured(
            self.terminal, receipt_no, spec, paper, actor, duplicate, configured
        )

    def tracking_online(self, configured: str = "") -> bool:
        """Whether receipts printed now can be tracked online (a platform is known)."""
        from counter_app.intake import receipts

        return bool(receipts.portal_for(self.terminal, configured))

    def housekeeping(self, config: Any) -> Any:
        from counter_app.ops.retention import housekeeping

        return housekeeping(self.terminal, config)

    # -- sync and administration ----------------------------------------------------------
    def sync_status(self) -> dict[str, Any]:
        from counter_app.store import outbox

        count, oldest = outbox.backlog(self.terminal.store)
        return {"waiting": int(count), "oldest": oldest, "enrolled": bool(self.terminal.token)}

    def admin_overview(self) -> dict[str, Any]:
        from counter_app.clerks import list_clerks
        from counter_app.store.catalog import latest_items

        return {
            "portal_url": self.terminal.portal_url or "",
            "catalog": [
                f"{it.code} v{it.version}  {it.name.zh} / {it.name.en}"
                for it in latest_items(self.terminal.store)
            ],
            "clerks": [
                f"{c['clerk_id']}  {c.get('name', '')}  ({c.get('role', '')})"
                for c in list_clerks(self.terminal.store)
            ],
        }

    def add_clerk(self, session: Any, clerk_id: str, name: str, password: str, role: str) -> None:
        from counter_app.clerks import add_clerk

        add_clerk(self.terminal.store, clerk_id, name, password, role, actor=session)

    def enroll(self, url: str, code: str, session: Any) -> None:
        from counter_app.clerks import require_role
        from counter_app.ops.provision import enroll

        require_role(session, "admin")
        enroll(self.terminal, url, code)


def vars_of(obj: Any) -> dict[str, Any]:
    """A slotted dataclass as a dict."""
    from dataclasses import asdict

    return asdict(obj)


def _numbers(d: Any) -> dict[str, Any]:
    satisfaction = d.satisfaction if not callable(d.satisfaction) else d.satisfaction()
    return {
        "day": d.day,
        "received": d.received,
        "accepted": d.accepted,
        "notices": d.notices,
        "settled": d.settled,
        "on_time": d.settled_on_time,
        "overdue": d.overdue,
        "ratings": d.ratings,
        "satisfaction": "-" if satisfaction is None else f"{satisfaction:.0%}",
        "rating_rate": "-" if d.rating_rate is None else f"{d.rating_rate:.0%}",
        "bad": d.bad,
    }
