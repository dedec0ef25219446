"""The city lookup on the applicant step ("one number"): once the identifier is valid and the
citizen agreed, the platform is asked what this applicant gave at any window of the hall or
the city; the clerk sees each offer with where and when it was given and until when it is
valid, and picks. Expired offers are marked and not preselected.

Consent first: with a citizen's screen the citizen confirms there (the same screen and gate
as the summary before signing); without one the clerk ticks "the citizen agreed/signed".
Until then nothing is requested. Offline or on a platform error the page says the city
lookup is unavailable and the terminal's own copies are offered as before.

The chosen files are fetched when the materials step opens ("on demand"), checked against
their SHA-256 and attached exactly like a scan given here (`MaterialsStep.attach`), which
ticks the material. Profile data (name, phone, address) fills only empty fields.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from counter_app.ui.widgets import (
    ERROR_COLOR,
    error_message,
    set_text_color,
    show_error,
    tr_text,
)

if TYPE_CHECKING:  # start-up: pydantic is not on the window's start path
    from sync.lookup import ConsentMethod, LookupReply, ReusableMaterial

OFFER = Qt.ItemDataRole.UserRole


class CityOffers(QWidget):
    """The lookup's consent, status and offers, under the applicant's fields."""

    def __init__(self, flow: Any) -> None:
        super().__init__(flow.applicant)
        self.flow = flow
        self.id_no = ""
        self.asking = False
        self.enrolled = False
        self.today = date.min
        self.heading = QLabel(self.tr("City lookup (one number)"), self)
        self.consent = QCheckBox(
            self.tr("The citizen agreed (or signed) to look up their materials"), self
        )
        self.consent.setObjectName("city_consent")
        self.status = QLabel(self)
        self.status.setObjectName("city_status")
        self.status.setWordWrap(True)
        self.offers = QListWidget(self)
        self.offers.setObjectName("city_offers")
        self.offers.setMaximumHeight(self.fontMetrics().height() * 9)  # ~6 offers, then scroll
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.problem = QLabel(self)
        self.problem.setObjectName("city_problem")
        set_text_color(self.problem, ERROR_COLOR)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 8, 0, 0)
        for widget in (self.heading, self.consent, self.status, self.offers, self.problem):
            box.addWidget(widget)
        self.consent.toggled.connect(self._ticked)
        flow.applicant.identifier_valid.connect(self.identifier)
        flow.applicant.changed.connect(self._typed)
        flow.gate.passed.connect(self._citizen_confirmed)
        flow.step_changed.connect(self._step)
        layout = flow.applicant.layout()
        layout.insertWidget(layout.count() - 1, self)  # above the applicant step's stretch
        self.reset()

    def reset(self) -> None:
        """A new applicant: nothing asked, nothing offered, nothing agreed."""
        self.id_no, self.asking = "", False
        self.consent.blockSignals(True)
        self.consent.setChecked(False)
        self.consent.blockSignals(False)
        self.consent.hide()
        self.offers.clear()
        self.offers.hide()
        self.status.clear()
        show_error(self.problem, "")
        self.setVisible(False)

    # -- consent --------------------------------------------------------------------------
    def identifier(self, id_no: str) -> None:
        """A new valid identifier: ask for consent, if there is a platform to ask."""
        self.reset()
        self.id_no = id_no
        backend = self.flow.shell.backend
        self.flow.shell.ops.store(
            lambda: backend.city.enrolled(), lambda on: self._can_ask(on, id_no), self._offline
        )

    def _typed(self) -> None:
        """The identifier was changed: what was offered (and agreed) was for another one."""
        if self.id_no and self._typed_id() != self.id_no:
            self.reset()

    def _typed_id(self) -> str:
        return str(self.flow.applicant.values()["id_no"]).strip().upper()

    def _can_ask(self, enrolled: bool, id_no: str) -> None:
        self.enrolled = enrolled
        if not enrolled or id_no != self.id_no:  # another identifier was typed meanwhile
            return
        self.setVisible(True)
        screen = self.flow.gate.screen
        if screen is None:
            self.consent.show()
            self.status.setText(
                self.tr("No citizen screen: tick the box once the citizen agreed or signed.")
            )
            return
        self.asking = True
        screen.ask_confirm(self._question())
        self.status.setText(self.tr("Waiting for the citizen to agree on their screen."))

    def _question(self) -> str:
        return (
            "<h2>查询您在本市留存的材料？</h2><p>窗口将向政务服务平台查询您此前在各窗口提交、"
            "可再次使用的材料，并记录本次查询。同意请按“确认”。</p>"
            "<h2>Look up the materials you gave before?</h2><p>The window asks the platform for "
            "materials you gave at any window that can be used again; the lookup is recorded. "
            "Press Confirm to agree.</p>"
        )

    def _citizen_confirmed(self) -> None:
        if self.asking and self.flow.step == "applicant":
            self.asking = False
            self._ask("citizen_screen")

    def _ticked(self, on: bool) -> None:
        if on and self.id_no:
            self._ask("clerk_attested")

    def _ask(self, consent: ConsentMethod) -> None:
        values, draft = self.flow.applicant.values(), self.flow.draft
        clerk = str(getattr(self.flow.shell.session, "clerk_id", ""))
        backend, id_no = self.flow.shell.backend, self.id_no
        self.status.setText(self.tr("Asking the platform…"))
        self.flow.shell.ops.store(
            lambda: backend.city.ask(
                values["kind"], id_no, draft.draft_id, draft.service_code, clerk, consent
            ),
            lambda result: self._offered(result, id_no),
            self._offline,
        )

    # -- offers ---------------------------------------------------------------------------
    def _offered(self, result: tuple[LookupReply, date], id_no: str) -> None:
        if id_no != self.id_no:  # the offers of an applicant no longer at the counter
            return
        reply, self.today = result
        self.offers.clear()
        for offer in reply.materials:
            self.offers.addItem(self._item(offer))
        self.offers.setVisible(bool(reply.materials))
        scope = self.tr("the city") if reply.scope == "city" else self.tr("this hall")
        self.status.setText(
            self.tr("{n} material(s) on file in {scope}: tick those to use.").format(
                n=len(reply.materials), scope=scope
            )
            if reply.materials
            else self.tr("Nothing on file in {scope} for this applicant.").format(scope=scope)
        )
        self._fill(reply.profile.filled())

    def _item(self, offer: ReusableMaterial) -> QListWidgetItem:
        expired = offer.expired(self.today)
        where = self.tr("{hall}, window {window}, {item}, {day}").format(
            hall=offer.hall_id, window=offer.window or "-", item=self._item_name(offer),
            day=offer.given_on.isoformat(),
        )  # fmt: skip
        if offer.valid_until is None:
            valid = ""
        elif expired:
            valid = self.tr(" — EXPIRED {day}").format(day=offer.valid_until.isoformat())
        else:
            valid = self.tr(" — valid until {day}").format(day=offer.valid_until.isoformat())
        item = QListWidgetItem(f"{self._title(offer)} · {where}{valid}")
        item.setData(OFFER, offer)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked if expired else Qt.CheckState.Checked)
        if expired:
            set_item_red(item)
        return item

    def _title(self, offer: ReusableMaterial) -> str:
        """The material's name in the window's language when this terminal knows the item
        (a licence: the name the platform gives it)."""
        item = self.flow.catalog.get(offer.service_code)
        spec = item.material_for(offer.kind, offer.material_code) if item is not None else None
        return tr_text(spec.name) if spec is not None else offer.title

    def _item_name(self, offer: ReusableMaterial) -> str:
        item = self.flow.catalog.get(offer.service_code)
        return tr_text(item.name) if item is not None else offer.service_code

    def _fill(self, profile: dict[str, str]) -> None:
        """Name and phone, and the address on the form: empty fields only."""
        edits = self.flow.applicant.edits
        for code in ("name", "phone"):
            if profile.get(code) and not edits[code].text():
                edits[code].setText(profile[code])
        form, address = self.flow.form, profile.get("address")
        if address and form is not None and not form.all_values().get("address", "-"):
            form.set_values({"address": address})

    def _offline(self, exc: BaseException) -> None:
        self.setVisible(True)
        self.offers.hide()
        self.status.setText(
            self.tr(
                "The city lookup is unavailable: only copies kept on this terminal are offered."
            )
        )
        show_error(self.problem, error_message(exc, ""))

    def chosen(self) -> list[ReusableMaterial]:
        items = [self.offers.item(i) for i in range(self.offers.count())]
        return [i.data(OFFER) for i in items if i.checkState() == Qt.CheckState.Checked]

    # -- fetching -------------------------------------------------------------------------
    def _step(self, step: str) -> None:
        """The materials step opened: fetch the chosen files not given yet (a new
        application: forget everything)."""
        if step == "item":
            self.reset()
        if step != "materials" or not self.id_no or self._typed_id() != self.id_no:
            return  # offers are fetched only for the applicant they were made for
        materials, item = self.flow.materials, self.flow.item
        for offer in self.chosen():
            spec = item.material_for(offer.kind, offer.material_code) if item is not None else None
            if spec is not None and not materials.provided(spec.code):
                self._fetch(offer, spec.code)

    def _fetch(self, offer: ReusableMaterial, code: str) -> None:
        """Fetch `offer` and attach it as the material `code` of the item at hand."""
        backend, draft = self.flow.shell.backend, self.flow.draft
        clerk = str(getattr(self.flow.shell.session, "clerk_id", ""))
        self.flow.shell.ops.store(
            lambda: backend.city.fetch(offer, draft.draft_id, clerk),
            lambda path: self.flow.materials.attach(code, [str(path)]),
            lambda exc: show_error(self.flow.problem, error_message(exc, "")),
        )


def set_item_red(item: QListWidgetItem) -> None:
    """An expired offer is shown in the error colour (and says EXPIRED in words)."""
    from PySide6.QtGui import QBrush, QColor

    item.setForeground(QBrush(QColor(ERROR_COLOR)))
