"""The window's look: every text colour readable (WCAG AA), and a focus ring a clerk can see."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from counter_app.ui import style
from counter_app.ui.app import make_app
from counter_app.ui.shell import Shell
from tests.ui.helpers import press

AA_TEXT = 4.5
AA_NON_TEXT = 3.0  # WCAG 1.4.11: a focus indicator against what surrounds it


def _rule_pairs() -> list[tuple[str, str, str]]:
    return [(r.selector, r.fg, r.bg) for r in style.RULES if r.fg or r.bg]


def test_contrast_formula_matches_the_wcag_reference_values() -> None:
    assert style.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert style.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert style.contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize(("selector", "fg", "bg"), _rule_pairs())
def test_every_style_sheet_rule_with_text_reads_at_aa(selector: str, fg: str, bg: str) -> None:
    assert fg and bg, f"{selector}: a rule that sets one of text/background must set both"
    ratio = style.contrast(getattr(style.COLORS, fg), getattr(style.COLORS, bg))
    assert ratio >= AA_TEXT, f"{selector}: {fg} on {bg} is {ratio:.2f}:1"


@pytest.mark.parametrize(("fg", "bg"), style.STATUS_PAIRS)
def test_status_colours_read_at_aa_on_every_background(fg: str, bg: str) -> None:
    ratio = style.contrast(getattr(style.COLORS, fg), getattr(style.COLORS, bg))
    assert ratio >= AA_TEXT, f"{fg} on {bg} is {ratio:.2f}:1"


def test_the_running_palette_reads_at_aa(qapp: QApplication) -> None:
    """The palette the application really has (make_app applied it); disabled button
    labels too, since a clerk must still read what a greyed button would do."""
    assert make_app() is qapp  # what `counter-app` calls at start
    pal = qapp.palette()
    active, disabled = QPalette.ColorGroup.Active, QPalette.ColorGroup.Disabled
    checks = [(active, fg, bg) for fg, bg in style.palette_pairs()]
    checks.append((disabled, QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button))
    for group, fg_role, bg_role in checks:
        ratio = style.contrast(pal.color(group, fg_role).name(), pal.color(group, bg_role).name())
        assert ratio >= AA_TEXT, f"{group.name} {fg_role.name} on {bg_role.name}: {ratio:.2f}"


@pytest.mark.parametrize(
    ("ring", "unfocused_border", "fill"),
    [
        ("accent", "border", "surface"),  # inputs, buttons, lists, tables, toggles' frame
        ("accent", "window", "window"),  # check boxes: the ring appears on the page
        ("on_accent", "accent_dark", "accent"),  # the blue main button: a white inner ring
    ],
)
def test_focus_ring_stands_out_from_its_unfocused_state_and_its_fill(
    ring: str, unfocused_border: str, fill: str
) -> None:
    """WCAG 2.4.13: the ring differs at 3:1 from what the same pixels show unfocused, and
    from the control's own fill beside it."""
    c = style.COLORS
    ring_color = getattr(c, ring)
    assert style.contrast(ring_color, getattr(c, unfocused_border)) >= AA_NON_TEXT
    assert style.contrast(ring_color, getattr(c, fill)) >= AA_NON_TEXT


def _edge(widget: QWidget) -> QColor:
    """The colour of the widget's left border, half-way down, as it is drawn on screen."""
    image = widget.grab().toImage()
    return image.pixelColor(1, image.height() // 2)


def test_keyboard_focus_draws_a_visible_ring_and_moves_with_tab(qtbot, shell: Shell) -> None:
    page = shell.login_page
    assert page is not None
    qtbot.waitUntil(page.clerk_id.hasFocus)
    accent = QColor(style.COLORS.accent)
    assert _edge(page.clerk_id) == accent
    assert _edge(page.password) != accent
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.waitUntil(page.password.hasFocus)
    assert _edge(page.password) == accent
    assert _edge(page.clerk_id) != accent
