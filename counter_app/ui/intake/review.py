"""Step 6: everything on one page for the clerk (and, mirrored, the citizen) to check
before accepting; and the result step with the receipt preview, Print and Save as PDF."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from counter_app.ui.keys import BY_NAME
from counter_app.ui.widgets import tr_text


def display_value(spec: Any, value: Any) -> str:
    """What the clerk and the citizen read for an answer: option labels, not codes; a
    group as one line per entry."""
    if spec.type == "choice":
        label = spec.option_label(str(value))
        return tr_text(label) if label else str(value)
    if spec.type == "multichoice":
        return ", ".join(display_value(_as_choice(spec), v) for v in value or [])
    if spec.type == "group":
        children = {c.code: c for c in spec.children}
        return "\n".join(
            "; ".join(
                f"{tr_text(children[k].label)}: {display_value(children[k], v)}"
                for k, v in entry.items()
                if k in children and v not in (None, "", [])
            )
            for entry in value or []
        )
    return str(value)


def _as_choice(spec: Any) -> Any:
    class _Choice:
        type = "choice"
        option_label = spec.option_label

    return _Choice()


def summary_html(
    item: Any,
    applicant: Mapping[str, str],
    answers: Mapping[str, Any],
    given: list[str],
    missing: list[str],
    labels: Mapping[str, str],
) -> str:
    """The review page as HTML: item, applicant, every answer, materials given and missing."""
    rows = []
    visible = {f.code: f for f in item.visible_fields(dict(answers))}
    for code, spec in visible.items():
        value = answers.get(code)
        if value in (None, "", []):
            continue
        shown = html.escape(display_value(spec, value)).replace("\n", "<br>")
        rows.append(f"<tr><td>{html.escape(tr_text(spec.label))}</td><td>{shown}</td></tr>")
    e = html.escape
    parts = [
        f"<h2>{e(tr_text(item.name))} <small>[{e(item.code)} v{item.version}]</small></h2>",
        f"<p><b>{labels['applicant']}</b>: {e(applicant.get('name', ''))} · "
        f"{e(applicant.get('id_no', ''))} · {e(applicant.get('phone', ''))}</p>",
        f"<table cellpadding='3'>{''.join(rows)}</table>",
        f"<p><b>{labels['given']}</b>: {html.escape(', '.join(given) or '-')}</p>",
    ]
    if missing:
        parts.append(
            f"<p style='color:#b00020'><b>{labels['missing']}</b>: {e(', '.join(missing))}</p>"
        )
    return "".join(parts)


class ReviewStep(QWidget):
    """The summary and what pressing the accept key will do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("review_summary")
        self.browser.setAccessibleName(self.tr("Application summary"))
        self.outcome = QLabel(self)
        self.outcome.setObjectName("review_outcome")
        self.outcome.setWordWrap(True)
        box = QVBoxLayout(self)
        box.addWidget(self.browser, 1)
        box.addWidget(self.outcome)

    def show_summary(
        self,
        item: Any,
        applicant: Mapping[str, str],
        answers: Mapping[str, Any],
        given: list[str],
        missing: list[str],
    ) -> str:
        labels = {
            "applicant": self.tr("Applicant"),
            "given": self.tr("Materials given"),
            "missing": self.tr("Materials missing"),
        }
        text = summary_html(item, applicant, answers, given, missing, labels)
        self.browser.setHtml(text)
        if missing:
            self.outcome.setText(
                self.tr(
                    "Materials are missing: {key} issues a one-time notice "
                    "listing everything still needed."
                ).format(key=BY_NAME["next"].shown())
            )
        else:
            self.outcome.setText(
                self.tr("{key} accepts the application and prints the receipt.").format(
                    key=BY_NAME["next"].shown()
                )
            )
        return text

    def reset(self) -> None:
        """A new application: nothing of the last applicant stays on the page."""
        self.browser.clear()
        self.outcome.clear()

    def focus(self) -> None:
        self.browser.setFocus()
