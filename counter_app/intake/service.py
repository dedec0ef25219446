"""The intake service: taking an application at the counter, without Qt.

One `accept()` call validates everything (applicant, form, files, reuse) and reports every
problem at once; stores the files content-addressed; then writes the submission, its
receipt number, status event, outbox entry and audit entry in ONE transaction. When required
materials are missing it issues a one-time notice (everything still needed, listed once)
instead of an acceptance; `supplement()` later turns that notice into an acceptance under a
new number (submissions are immutable once written, which keeps sync exactly-once).
"""

from __future__ import annotations

import logging
import uuid as uuidlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from counter_app.clerks import Session, get_clerk
from counter_app.errors import NotFound, ValidationFailed
from counter_app.intake import deadlines, deferral, status_changes
from counter_app.intake.applicants import Prefill, prefill
from counter_app.intake.attachments import (
    Attachment,
    Reused,
    check_attachments,
    find_reusable,
    path_of,
)
from counter_app.intake.checks import (
    _check_uuid,
    _notice_items,
    _rating_problems,
    _unknown_refusals,
)
from counter_app.intake.notices import carried_materials, carried_signature, check_open_notice
from counter_app.intake.ratings import CounterRating, record
from counter_app.store.calendar import install_stored
from counter_app.store.catalog import get_item
from counter_app.store.materials import StoredMaterial, Syncing
from counter_app.store.submissions import (
    GivenMaterial,
    NewSubmission,
    NoticeItem,
    Signer,
    Submission,
    load_submission,
    write_submission,
)
from forms.applicant import validate_applicant
from forms.model import MaterialSpec, ServiceItem
from forms.text import LocalizedError, Text
from forms.validation import FieldProblem, ValidationReport
from printing.qr_payload import sign_payload
from sync.receipt_numbers import display_receipt_no
from sync.statuses import Status

if TYPE_CHECKING:
    from counter_app.terminal import Terminal

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """What the clerk and the printer need right after intake."""

    uuid: str
    receipt_no: str  # compact; `display_no` is the grouped form
    kind: str  # "acceptance" | "notice"
    status: str
    accepted_at: datetime
    due_date: date | None
    missing: tuple[MaterialSpec, ...]
    due_provisional: bool = False  # counted across a year whose holidays are not published

    @property
    def display_no(self) -> str:
        return display_receipt_no(self.receipt_no)


class IntakeService:
    """Intake operations on one terminal (see the module docstring)."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.store = terminal.store
        install_stored(self.store)  # the holiday years the platform published

    # -- accept --------------------------------------------------------------------------
    def accept(
        self,
        service_code: str,
        applicant: Mapping[str, str],
        answers: Mapping[str, Any],
        attachments: Mapping[str, Iterable[Attachment]] | None = None,
        reuse: Collection[str] = (),
        clerk_id: str = "",
        signature_png: bytes | None = None,
        rating: int | None = None,
        *,
        wrong: Mapping[str, str] | None = None,
        uuid: str | None = None,
        service_version: int | None = None,
        deferred: Mapping[str, deferral.Deferral] | None = None,
        promise_png: bytes | None = None,
    ) -> IntakeResult:
        """Take one application. `wrong` maps material codes the clerk refused to the reason
        (they go on the notice); `uuid` makes a retried call idempotent; `service_version`
        is the version the form was filled on (a catalog update arriving meanwhile must not
        change it; the latest when None); `deferred` materials follow later on the signed
        promise `promise_png` (容缺受理, see `deferral`)."""
        uuid = _check_uuid(uuid)
        if uuid and (done := self._existing(uuid)) is not None:
            return done
        item = get_item(self.store, service_code, service_version)
        get_clerk(self.store, clerk_id)
        files = {k: list(v) for k, v in (attachments or {}).items() if v}
        person, report = self._validate(item, applicant, answers)
        reused, problems = find_reusable(self.store, item, person.get("id_no", ""), reuse)
        problems += check_attachments(item, files)
        problems += _rating_problems(rating) + _unknown_refusals(item, wrong or {})
        later = dict(deferred or {})
        required = item.required_materials(report.cleaned)
        needed = {m.code for m in required}
        problems += deferral.problems(item, needed, set(files) | {r.code for r in reused},
                                      later, promise_png, self.terminal.today())  # fmt: skip
        _raise_if(report, problems)
        stored, signature, syncing = self._store_files(files, signature_png)
        given = stored + self._reused(reused)
        wrong = dict(wrong or {})
        notice = tuple(n for n in _notice_items(item, required, given, wrong)
                       if n.material_code not in later)  # fmt: skip
        new = self._new(item, person, report.cleaned, given, notice, clerk_id, uuid)
        new = _with(new, signature=signature, rating=rating,
                    notice_items=new.notice_items + deferral.notice_items(later))  # fmt: skip
        promise = (
            self.terminal.materials.put_many([promise_png])[0] if later and promise_png else None
        )
        return self._write(new, item, later, promise, syncing)

    def _validate(
        self, item: ServiceItem, applicant: Mapping[str, str], answers: Mapping[str, Any]
    ) -> tuple[dict[str, str], ValidationReport]:
        """Applicant and form validated together: one report with every problem."""
        kind = applicant.get("kind") or item.applicant_kind
        person_report = validate_applicant(
            item.applicant_kind,
            applicant.get("id_no", ""),
            applicant.get("name", ""),
            applicant.get("phone", ""),
        )
        form = item.validate(answers)
        problems = list(person_report.problems) + list(form.problems)
        if kind != item.applicant_kind:
            problems.insert(
                0,
                FieldProblem(
                    "applicant.kind",
                    Text(
                        "本事项的申请人须为"
                        + ("个人" if item.applicant_kind == "person" else "企业"),
                        f"this item is for a {item.applicant_kind} applicant",
                    ),
                ),
            )
        person = _person(kind, applicant, person_report.cleaned)
        return person, ValidationReport(tuple(problems), form.cleaned, form.visible, form.required)

    def _store_files(
        self, files: Mapping[str, list[Attachment]], signature_png: bytes | None = None
    ) -> tuple[list[GivenMaterial], StoredMaterial | None, Syncing]:
        """Every file of the application and the signature stored in one round of fsyncs,
        still running when this returns: `_write` waits for it before its commit."""
        codes = [code for code, items in files.items() for _ in items]
        sources: list[Attachment] = [f for items in files.values() for f in items]
        syncing = self.terminal.materials.put_many_behind(
            sources + ([signature_png] if signature_png else [])
        )
        stored = syncing.stored
        given = [GivenMaterial(code, m) for code, m in zip(codes, stored, strict=False)]
        return given, (stored[-1] if signature_png else None), syncing

    def _reused(self, reused: list[Reused]) -> list[GivenMaterial]:
        given = []
        for r in reused:
            row = self.store.one("SELECT size, mime FROM materials WHERE sha256 = ?", (r.sha256,))
            assert row is not None  # applicant_materials references materials
            ext = row["mime"].rsplit("/", 1)[-1]
            given.append(
                GivenMaterial(
                    r.code, StoredMaterial(r.sha256, row["size"], row["mime"], ext), reused=True
                )
            )
        return given

    def _new(
        self,
        item: ServiceItem,
        person: dict[str, str],
        cleaned: dict[str, Any],
        given: list[GivenMaterial],
        notice: tuple[NoticeItem, ...],
        clerk_id: str,
        uuid: str | None,
    ) -> NewSubmission:
        now = self.terminal.now().astimezone(UTC)
        day = now.astimezone(self.terminal.timezone).date()
        kind = "notice" if notice else "acceptance"
        return NewSubmission(
            uuid=uuid or str(uuidlib.uuid4()),
            kind=kind,
            service_code=item.code,
            service_version=item.version,
            applicant=person,
            answers=cleaned,
            status=Status.NOTICE_ISSUED if notice else Status.RECEIVED,
            accepted_at=now,
            day=day,
            due_date=None if notice else deadlines.due(item, day).day,
            clerk_id=clerk_id,
            materials=tuple(given),
            notice_items=notice,
        )

    def _write(
        self,
        new: NewSubmission,
        item: ServiceItem,
        later: Any = None,
        promise: Any = None,
        syncing: Syncing | None = None,
    ) -> IntakeResult:
        """The application's rows in one transaction, written while its files' fsyncs run
        (`syncing`); the commit waits for them, so no committed row names a file a power
        cut could take (its SQL, ~1 ms, no longer waits behind the disk)."""
        ident = {
            "terminal_id": self.terminal.terminal_id,
            "hall": self.terminal.hall,
            "window": self.terminal.window,
        }
        deadline = deadlines.due(item, new.day) if new.due_date else None
        settle = item.is_immediate and new.kind == "acceptance"
        with self.store.transaction():
            receipt_no = write_submission(self.store, new, ident, self._signer(new))
            settled = deadlines.after_write(self.store, new.uuid, deadline, settle, new.accepted_at)
            deferral.write(self.store, new.uuid, later or {}, promise)
            if syncing is not None:
                syncing.wait()  # the files durable, then the commit that names them
        missing = tuple(m for n in new.notice_items if n.reason != "deferred"
                        and (m := item.material(n.material_code)))  # fmt: skip
        status = settled or str(new.status)
        flag = bool(deadline and deadline.provisional)
        return IntakeResult(
            new.uuid, receipt_no, new.kind, status, new.accepted_at, new.due_date, missing, flag
        )

    def _signer(self, new: NewSubmission) -> Signer:
        """Signs the receipt's QR payload once, here (it never changes; receipts and sync
        reuse it). A key that cannot be read must not stop the intake: the payload stays
        empty and is signed when printed or pushed, as before it was stored."""

        def sign(receipt_no: str) -> str | None:
            try:
                key = self.terminal.private_key()
                return sign_payload(
                    key, receipt_no, new.service_code, new.accepted_at, self.terminal.terminal_id
                )
            except (LocalizedError, ValueError):
                log.warning("cannot sign the payload of %s at intake", receipt_no, exc_info=True)
                return None

        return sign

    def _existing(self, uuid: str) -> IntakeResult | None:
        try:
            sub = load_submission(self.store, uuid)
        except NotFound:
            return None
        item = get_item(self.store, sub.service_code, sub.service_version)
        missing = tuple(m for n in sub.notice_items if (m := item.material(n.material_code)))
        return IntakeResult(
            sub.uuid, sub.receipt_no, sub.kind, sub.status, sub.accepted_at, sub.due_date, missing
        )

    # -- after intake --------------------------------------------------------------------
    def supplement(
        self,
        receipt_no: str,
        attachments: Mapping[str, Iterable[Attachment]] | None = None,
        clerk_id: str = "",
        reuse: Collection[str] = (),
    ) -> IntakeResult:
        """The applicant is back with what the notice asked for: accept under a new number,
        linked to the notice. Refused (ValidationFailed) while anything is still missing."""
        notice = load_submission(self.store, receipt_no)
        check_open_notice(self.store, notice)
        get_clerk(self.store, clerk_id)
        item = get_item(self.store, notice.service_code, notice.service_version)
        files = {k: list(v) for k, v in (attachments or {}).items() if v}
        reused, problems = find_reusable(self.store, item, notice.applicant["id_no"], reuse)
        problems += check_attachments(item, files)
        _raise_if(ValidationReport((), notice.answers), problems)
        stored, _, syncing = self._store_files(files)
        given = carried_materials(notice) + stored + self._reused(reused)
        still = item.missing_materials(notice.answers, {g.code for g in given})
        _raise_if(
            ValidationReport((), notice.answers),
            [
                FieldProblem(
                    path_of(m.code), Text("仍缺少这份材料", "this material is still missing")
                )
                for m in still
            ],
        )
        new = self._new(item, _person_of(notice), notice.answers, given, (), clerk_id, None)
        new = _with(new, notice_uuid=notice.uuid, signature=carried_signature(notice))
        return self._write(new, item, syncing=syncing)

    def void(self, receipt_no: str, reason: str, actor: Session | None) -> None:
        """Void an application: supervisor or higher, with a reason (see status_changes)."""
        status_changes.void(self.terminal, receipt_no, reason, actor)

    def record_rating(
        self, receipt_no: str, code: int, event: str = "acceptance", **more: Any
    ) -> str:
        """One 好差评 rating of a service event (`counter_app.intake.ratings`): `code` is the
        standard's 1 (非常满意) to 5 (非常不满意); `more` the sub-scores, comment, uuid."""
        return record(self.terminal, receipt_no, CounterRating(code, event, **more))

    def prefill(self, id_no: str) -> Prefill:
        """What is known about the applicant with this identifier (see applicants)."""
        return prefill(self.store, id_no)

    def get(self, receipt_no: str) -> Submission:
        return load_submission(self.store, receipt_no)


# -- helpers -------------------------------------------------------------------------------
def _person(kind: str, given: Mapping[str, str], cleaned: Mapping[str, Any]) -> dict[str, str]:
    def pick(name: str) -> str:
        value = cleaned.get(name, cleaned.get(f"applicant.{name}", given.get(name, "")))
        return str(value or "").strip()

    return {
        "kind": kind,
        "id_no": pick("id_no").upper(),
        "name": pick("name"),
        "phone": pick("phone"),
    }


def _person_of(sub: Submission) -> dict[str, str]:
    a = sub.applicant
    return {"kind": a["kind"], "id_no": a["id_no"], "name": a["name"], "phone": a["phone"] or ""}


def _raise_if(report: ValidationReport, extra: list[FieldProblem]) -> None:
    if report.problems or extra:
        full = ValidationReport(
            tuple(report.problems) + tuple(extra), report.cleaned, report.visible, report.required
        )
        raise ValidationFailed(full)


def _with(new: NewSubmission, **changes: Any) -> NewSubmission:
    return replace(new, **changes)
