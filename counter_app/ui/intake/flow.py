"""The new-application flow: one page per step, walked with the keyboard alone (keys from
`ui.keys`; Return moves on, see `return_key`). Leaving a step checks it and shows every
problem at its field at once. The `Draft` is saved as the clerk types (`autosave`) and
offered back after a crash; it pins the form version it started on.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from counter_app.desk import Known
from counter_app.ui.drafts import STEPS, Draft
from counter_app.ui.intake import keyflow, late_result, return_key
from counter_app.ui.intake.answers import carried, refusal_step, value_at
from counter_app.ui.intake.applicant import ApplicantStep
from counter_app.ui.intake.autosave import DraftKeeper
from counter_app.ui.intake.case_panel import CasePanel
from counter_app.ui.intake.citizen_gate import CitizenGate
from counter_app.ui.intake.city_offers import CityOffers
from counter_app.ui.intake.form_view import FormView
from counter_app.ui.intake.materials import MaterialsStep
from counter_app.ui.intake.next_hint import NextHint
from counter_app.ui.intake.picker import ItemPicker
from counter_app.ui.intake.result import ResultStep
from counter_app.ui.intake.review import ReviewStep
from counter_app.ui.intake.signature import SignatureStep
from counter_app.ui.keys import key
from counter_app.ui.style import FORM_MAX_WIDTH, LIST_MAX_WIDTH, limit_width
from counter_app.ui.widgets import button, error_label, error_message, relabel, show_error, tr_text
from sync.statuses import SETTLED

if TYPE_CHECKING:
    from counter_app.intake.service import IntakeResult
    from counter_app.ui.shell import Shell

log = logging.getLogger(__name__)


class IntakeFlow(QWidget):
    """Signals: step_changed(str); draft_saved(); accepted(object) with the IntakeResult;
    mirror(str) with HTML for the citizen's screen."""

    step_changed = Signal(str)
    draft_saved = Signal()
    accepted = Signal(object)
    mirror = Signal(str)

    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("intake")
        self.shell = shell
        self.draft = Draft()
        self.item: Any = None
        self.known: Known | None = None
        self.catalog: dict[str, Any] = {}
        self.form: FormView | None = None
        self.show_all_problems = False
        self._build()
        self.gate = CitizenGate(self)
        self.city = CityOffers(self)  # the city lookup under the applicant's fields
        self.keeper = DraftKeeper(self)
        self.keeper.saved.connect(self.draft_saved)
        self.live = QTimer(self)
        self.live.setSingleShot(True)
        self.live.setInterval(120)
        self.live.timeout.connect(self._revalidate)

    def _build(self) -> None:
        self.picker = ItemPicker(self)
        self.applicant = ApplicantStep(self)
        self.form_area = QScrollArea(self)
        self.form_area.setWidgetResizable(True)
        self.form_area.setObjectName("form_area")
        self.form_area.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.materials = MaterialsStep(self)
        self.materials.scan_dir = getattr(self.shell.config, "scan_dir", None)
        self.signature = SignatureStep(self)
        self.review = ReviewStep(self)
        self.result = ResultStep(self.shell, self)
        self.steps: dict[str, QWidget] = {
            "item": self.picker,
            "applicant": self.applicant,
            "form": self.form_area,
            "materials": self.materials,
            "signature": self.signature,
            "review": self.review,
            "result": self.result,
        }
        limit_width(FORM_MAX_WIDTH, self.applicant)
        limit_width(LIST_MAX_WIDTH, self.picker, self.materials)
        self.stack = QStackedWidget(self)
        for page in self.steps.values():
            self.stack.addWidget(page)
        self.crumbs = QLabel(self)
        self.crumbs.setObjectName("crumbs")
        self.problem = error_label(self, "flow_problem")
        self.back_button = button(self.tr("&Back"), key("back"), self.back, self, "back")
        self.next_button = button(self.tr("&Next"), key("next"), self.next, self, "next")
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        self.case = CasePanel(self)  # the application at a glance, beside every step
        self.hint = NextHint(self)  # what to do next, naming the real key
        self.review.outcome.hide()  # the hint says it, with the key read from the button
        middle = QHBoxLayout()
        middle.addWidget(self.stack, 1)
        middle.addWidget(self.case)
        box = QVBoxLayout(self)
        box.addWidget(self.crumbs)
        box.addLayout(middle, 1)
        box.addWidget(self.problem)
        box.addWidget(self.hint)
        box.addLayout(nav)
        self.picker.chosen.connect(self.choose_item)
        self.applicant.changed.connect(self._touched)
        self.applicant.identifier_valid.connect(self._ask_prefill)
        self.materials.changed.connect(self._touched)
        self.materials.changed.connect(lambda: show_error(self.problem, ""))
        self.materials.changed.connect(lambda: keyflow.to_next_missing(self.materials))
        self.signature.pad.changed.connect(self._touched)

    # -- steps ----------------------------------------------------------------------------
    def step_names(self) -> dict[str, str]:
        return {
            "item": self.tr("Item"),
            "applicant": self.tr("Applicant"),
            "form": self.tr("Form"),
            "materials": self.tr("Materials"),
            "signature": self.tr("Signature"),
            "review": self.tr("Review"),
            "result": self.tr("Receipt"),
        }

    @property
    def step(self) -> str:
        current = self.stack.currentWidget()
        return next(name for name, page in self.steps.items() if page is current)

    def go(self, step: str) -> None:
        names = self.step_names()
        self.crumbs.setText(
            "  ›  ".join(
                f"<b>{i}. {names[s]}</b>" if s == step else f"{i}. {names[s]}"
                for i, s in enumerate(names, start=1)
            )
        )
        show_error(self.problem, "")
        self.stack.setCurrentWidget(self.steps[step])
        self.back_button.setEnabled(step not in ("item", "result"))
        self._label_next(step)
        self.next_button.setVisible(step not in ("item", "result"))
        if step in STEPS:
            self.draft.step = step
        if step in ("item", "applicant", "form", "materials"):
            self.gate.reset()
        focus = getattr(self.steps[step], "focus", None)
        if focus:
            focus()
        elif step == "form" and self.form is not None and self.form.focus_widgets():
            target = keyflow.first_empty(self.form.focus_widgets())  # past carried-over ones
            if target is not None:
                target.setFocus()
        if step == "signature":
            self.signature.promise(self.materials.deferred_specs())
        if step in ("signature", "review"):
            self._show_review()  # the citizen checks it all on their screen before signing
        self._follow()
        self.step_changed.emit(step)

    def _label_next(self, step: str) -> None:
        relabel(self.next_button, self._next_text(step), key("next"))

    def _next_text(self, step: str) -> str:
        if step != "review":
            return self.tr("&Next")
        if self.materials.missing():
            return self.tr("Issue &notice")
        immediate = self.item is not None and self.item.is_immediate  # 即办件: one step
        return self.tr("&Accept and settle") if immediate else self.tr("&Accept")

    def next(self) -> None:
        handlers = {
            "applicant": self._leave_applicant,
            "form": self._leave_form,
            "materials": self.gate.before_signature,
            "signature": self._leave_signature,
            "review": self.submit,
        }
        handler = handlers.get(self.step)
        if handler:
            handler()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not return_key.move_on(self, event):  # Return moves on (see return_key)
            super().keyPressEvent(event)

    def back(self) -> None:
        order = list(STEPS)
        if self.step in order and order.index(self.step) > 0:
            self.go(order[order.index(self.step) - 1])

    # -- item -----------------------------------------------------------------------------
    def begin(self) -> None:
        """A fresh application (the last unsaved draft is replaced)."""
        self.draft = Draft(clerk_id=str(getattr(self.shell.session, "clerk_id", "")))
        self.gate.blank()
        self.item, self.known, self.form, self.show_all_problems = None, None, None, False
        self.live.stop()
        self.applicant.reset()
        self.materials.reset()
        self.review.reset()
        self.signature.pad.clear()
        self.signature.saved_png = None
        self.go("item")
        self.picker.filter.clear()
        self.shell.ops.store(self._load_catalog, self._catalog_loaded, self._fail)

    def _load_catalog(self) -> tuple[list[Any], list[str]]:
        return self.shell.backend.catalog(), self.shell.backend.recent_codes()

    def _catalog_loaded(self, result: tuple[list[Any], list[str]]) -> None:
        items, recent = result
        self.catalog = {it.code: it for it in items}
        self.picker.set_items(items, recent)

    def choose_item(self, code: str) -> None:
        self.use_item(self.catalog[code])
        self.go("applicant")
        self._touched()

    def use_item(self, item: Any) -> None:
        self.item = item
        self.draft.service_code, self.draft.service_version = item.code, item.version
        self.applicant.set_kind(getattr(item, "applicant_kind", "person"))
        self.form = FormView(item.fields, None)
        limit_width(FORM_MAX_WIDTH, self.form)
        self.form.changed.connect(self._form_changed)
        self.form_area.setWidget(self.form)
        self._revalidate()

    # -- applicant ------------------------------------------------------------------------
    def _leave_applicant(self) -> None:
        if self.applicant.check():
            self.draft.applicant = self.applicant.values()
            self._carry_applicant()
            self.go("form")
        else:
            show_error(self.problem, self.tr("Please correct the marked fields."))
            widget = self.applicant.first_error()
            if widget:
                widget.setFocus()

    def _carry_applicant(self) -> None:
        """Most forms ask again for name, identifier and phone: fill the empty ones."""
        if self.form is not None:
            self.form.set_values(carried(self.draft.applicant, self.form.all_values()))

    def _ask_prefill(self, id_no: str) -> None:
        code = self.draft.service_code
        self.shell.ops.store(
            lambda: self.shell.backend.prefill(id_no, code), self._prefilled, self._fail
        )

    def _prefilled(self, known: Known | None) -> None:
        self.known = known
        self.applicant.apply_prefill(known)
        answers = known.answers if known else {}
        if self.form is not None and answers and not any(self.form.all_values().values()):
            self.form.set_values(answers)

    # -- form -----------------------------------------------------------------------------
    def _form_changed(self) -> None:
        self.live.start()
        self._touched()

    def _revalidate(self) -> Any:
        if self.form is None or self.item is None:
            return None
        answers = self.form.all_values()
        report = self.item.validate(answers)
        self.form.apply_visibility(report.visible, report.required)
        problems: dict[str, list[str]] = {}
        for p in report.problems:
            if self.show_all_problems or value_at(answers, p.path) not in (None, "", []):
                problems.setdefault(p.path, []).append(tr_text(p.text))
        self.form.set_problems({k: "; ".join(v) for k, v in problems.items()})
        return_key.chain([*self.form.focus_widgets(), self.back_button, self.next_button])
        return report

    def _leave_form(self) -> None:
        self.show_all_problems = True
        report = self._revalidate()
        if report is None:
            return
        if report.ok:
            self.draft.answers = self.form.all_values() if self.form else {}
            required = self.item.required_materials(report.cleaned)
            today = self.shell.backend.today_date()
            self.materials.latest = self.item.promised_limit.due(today).day  # 容缺's limit
            self.materials.set_materials(self.item.materials, required, self.known)
            self.go("materials")
            return
        show_error(
            self.problem,
            self.tr("{n} problem(s) in the form: each is shown at its field.").format(
                n=len(report.problems)
            ),
        )
        widget = self.form.first_error_widget() if self.form else None
        if widget:
            widget.setFocus()
            self.form_area.ensureWidgetVisible(widget)

    # -- signature, review, submit --------------------------------------------------------
    def _leave_signature(self) -> None:
        self.draft.set_signature(self.signature.png())
        self.go("review")

    def summary(self) -> str:
        given = [tr_text(m.name) for m in self.item.materials if self.materials.provided(m.code)]
        missing = [tr_text(m.name) for m in self.materials.missing()]
        return str(
            self.review.show_summary(
                self.item, self.draft.applicant, self.draft.answers, given, missing
            )
        )

    def _show_review(self) -> None:
        if self.item is None:
            return
        html = self.summary()
        if self.step == "review":
            self._label_next("review")
        self.mirror.emit(html)

    def submit(self) -> None:
        self.keeper.collect()
        self.next_button.setEnabled(False)
        draft, session = self.draft, self.shell.session
        self.shell.ops.store(
            lambda: self.shell.backend.accept(draft, session),
            *late_result.unless_late(self, draft, self._submitted, self._refused),
        )

    def _submitted(self, result: IntakeResult) -> None:
        self.next_button.setEnabled(True)
        self.keeper.stop()
        self.shell.drafts.discard()
        self.go("result")
        due = str(result.due_date or "")
        settled = str(result.status) in SETTLED
        self.result.show_result(
            result.receipt_no,
            result.kind,
            due,
            result.display_no,
            settled=settled,
            deferred=bool(self.draft.deferred),
        )
        self.accepted.emit(result)
        if self.shell.sync_runner is not None:
            self.shell.sync_runner.wake()

    def _refused(self, exc: BaseException) -> None:
        self.next_button.setEnabled(True)
        report = getattr(exc, "report", None)
        if report is not None and self.form is not None:
            self.show_all_problems = True
            self._revalidate()
            self.go(refusal_step([p.path for p in report.problems]))
            if self.step == "applicant":
                self.applicant.check()
            if self.materials.show_problems(report.problems):
                return
        show_error(self.problem, error_message(exc, self.tr("The application could not be saved.")))

    def _fail(self, exc: BaseException) -> None:
        log.warning("intake operation failed: %r", exc)
        show_error(
            self.problem, error_message(exc, self.tr("Something went wrong; nothing was lost."))
        )

    # -- drafts (kept by `autosave.DraftKeeper`) -------------------------------------------
    def _touched(self) -> None:
        self.keeper.touched()
        self.case.follow_soon(self)
        if self.step == "materials":
            self.hint.follow(self)

    def _follow(self) -> None:
        """The case panel and the "what next" line show the step just entered."""
        self.case.follow(self)
        self.hint.follow(self)
