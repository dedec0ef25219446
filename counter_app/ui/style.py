"""The window's one look: a few named colours, the palette and the style sheet built from them.

A clerk reads this screen eight hours a day, so the look is quiet: a light grey window,
white work surfaces, one blue accent for what is active (the focused control, the selected
row, the main button), and red/amber/green only for what is wrong, pending or done.

Every text colour is declared together with the background it is drawn on (`RULES`,
`STATUS_PAIRS`, `palette_pairs`); the tests compute the WCAG contrast of each pair and
refuse anything under 4.5:1, and under 3:1 for the focus ring against its surroundings.

The style sheet sets no font: a style sheet font pins the widget's size, and large-text mode
(which grows the application font) would then skip that widget. Spacing is set by padding
here and by `SPACING`/`MARGIN`, which layouts that want the common rhythm read.

`apply(app)` is called once, by `counter_app.ui.app.make_app`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

#: Layout rhythm in pixels: the gap between controls, and around a page.
SPACING = 8
MARGIN = 12
#: The widest a form of short fields should grow (a name does not need 1,900 px).
FORM_MAX_WIDTH = 760
#: The widest a list of service items should grow.
LIST_MAX_WIDTH = 900
#: The case panel's width beside the intake steps.
PANEL_WIDTH = 300
CHEVRON = (Path(__file__).resolve().parents[2] / "assets" / "icons" / "chevron-down.svg").as_posix()
RING = 2  # px: the focus ring, thick enough to find from a metre away


@dataclass(frozen=True)
class Colors:
    """The named colours. Text colours are chosen against the backgrounds they meet."""

    window: str = "#f4f5f7"  # page background
    surface: str = "#ffffff"  # inputs, tables, panels
    header: str = "#e9ecf1"  # table headers, status bar
    hover: str = "#eef2f8"
    alternate: str = "#f7f8fa"  # every other table row
    text: str = "#1f2933"
    muted: str = "#4b5563"  # secondary text: crumbs, hints, labels of the case panel
    border: str = "#b8c0cc"
    accent: str = "#1a56db"  # focus ring, selection, the main button
    accent_dark: str = "#123f9e"  # the main button's border and pressed state
    on_accent: str = "#ffffff"
    hint_bg: str = "#e8f0fe"  # the "what next" line
    hint_text: str = "#173a7a"
    disabled_bg: str = "#e5e7eb"
    disabled_text: str = "#4b5563"
    error: str = "#b00020"
    warn: str = "#8a5300"
    ok: str = "#1b5e20"


COLORS = Colors()


@dataclass(frozen=True)
class Rule:
    """One style sheet rule. `fg`/`bg` name attributes of `Colors` (the contrast test reads
    them); `extra` is the rest of the declaration, colours written as {name}."""

    selector: str
    fg: str | None = None
    bg: str | None = None
    extra: str = ""

    def css(self, colors: Colors) -> str:
        parts = []
        if self.fg:
            parts.append(f"color: {getattr(colors, self.fg)};")
        if self.bg:
            parts.append(f"background-color: {getattr(colors, self.bg)};")
        if self.extra:
            parts.append(self.extra.format(**vars(colors)))
        return f"{self.selector} {{ {' '.join(parts)} }}"


INPUTS = "QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QDateEdit, QPlainTextEdit, QTextEdit"
VIEWS = "QTableView, QListView, QTreeView, QTextBrowser"
TOGGLES = "QCheckBox, QRadioButton"

RULES: tuple[Rule, ...] = (
    Rule("QToolTip", "surface", "text", "border: none; padding: 4px 6px;"),
    Rule(INPUTS, "text", "surface",
         "border: 1px solid {border}; border-radius: 3px; padding: 4px 6px; "
         "selection-background-color: {accent}; selection-color: {on_accent};"),
    Rule(", ".join(f"{w.strip()}:focus" for w in INPUTS.split(",")), None, None,
         f"border: {RING}px solid {{accent}}; padding: 3px 5px;"),
    Rule("QPushButton", "text", "surface",
         "border: 1px solid {border}; border-radius: 3px; padding: 5px 14px; min-height: 18px;"),
    Rule("QPushButton:hover", "text", "hover"),
    Rule("QPushButton:focus", None, None, f"border: {RING}px solid {{accent}}; padding: 4px 13px;"),
    Rule("QPushButton:disabled", "disabled_text", "disabled_bg"),
    Rule("QPushButton#next, QPushButton#login_button", "on_accent", "accent",
         "border: 1px solid {accent_dark};"),
    Rule("QPushButton#next:pressed, QPushButton#login_button:pressed", "on_accent",
         "accent_dark"),
    Rule("QPushButton#next:focus, QPushButton#login_button:focus", "on_accent", "accent",
         f"border: {RING}px solid {{on_accent}}; padding: 4px 13px;"),
    Rule("QPushButton#next:disabled", "disabled_text", "disabled_bg"),
    Rule(VIEWS, "text", "surface",
         "border: 1px solid {border}; gridline-color: {header}; "
         "alternate-background-color: {alternate}; "
         "selection-background-color: {accent}; selection-color: {on_accent};"),
    Rule(", ".join(f"{w.strip()}:focus" for w in VIEWS.split(",")), None, None,
         f"border: {RING}px solid {{accent}};"),
    Rule("QComboBox::drop-down, QDateEdit::drop-down", None, None,
         "border: none; width: 22px;"),
    Rule("QComboBox::down-arrow, QDateEdit::down-arrow", None, None,
         f"image: url({CHEVRON}); width: 12px; height: 12px;"),
    Rule("QHeaderView::section", "text", "header",
         "padding: 4px 8px; border: none; border-right: 1px solid {border}; "
         "border-bottom: 1px solid {border};"),
    Rule(TOGGLES, None, None, f"border: {RING}px solid transparent; padding: 2px;"),
    Rule(", ".join(f"{w.strip()}:focus" for w in TOGGLES.split(",")), None, None,
         f"border: {RING}px solid {{accent}}; border-radius: 3px;"),
    Rule("QStatusBar", "text", "header"),
    Rule("QLabel#crumbs", "muted", "window", "padding: 2px 0px;"),
    Rule("QLabel#next_hint", "hint_text", "hint_bg",
         "border-left: 4px solid {accent}; padding: 6px 10px;"),
    Rule("QFrame#case_panel", "text", "surface",
         "border: 1px solid {border}; border-radius: 4px;"),
    Rule("QFrame#case_panel QLabel", "text", "surface", "border: none;"),
    Rule("QFrame#case_panel QLabel[role=\"caption\"]", "muted", "surface"),
    Rule("QFrame#case_panel QLabel[role=\"missing\"]", "error", "surface"),
    Rule("QFrame#case_panel QLabel[role=\"done\"]", "ok", "surface"),
    Rule("QScrollArea#form_area", None, None, "border: none;"),
)  # fmt: skip

#: Text colours set in code (palette, not style sheet) on the window or on a surface.
STATUS_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (fg, bg) for fg in ("error", "warn", "ok", "muted") for bg in ("window", "surface", "header")
)


def stylesheet(colors: Colors = COLORS) -> str:
    """The application style sheet built from `RULES`."""
    return "\n".join(rule.css(colors) for rule in RULES)


def palette_pairs() -> tuple[tuple[QPalette.ColorRole, QPalette.ColorRole], ...]:
    """Text role on background role, as widgets without a style sheet rule draw them."""
    role = QPalette.ColorRole
    return (
        (role.WindowText, role.Window),
        (role.Text, role.Base),
        (role.Text, role.AlternateBase),
        (role.ButtonText, role.Button),
        (role.HighlightedText, role.Highlight),
        (role.ToolTipText, role.ToolTipBase),
        (role.PlaceholderText, role.Base),
    )


def palette(colors: Colors = COLORS) -> QPalette:
    """The palette behind the style sheet (what a widget without a rule draws with)."""
    pal = QPalette()
    role = QPalette.ColorRole
    for r, name in (
        (role.Window, "window"),
        (role.WindowText, "text"),
        (role.Base, "surface"),
        (role.AlternateBase, "alternate"),
        (role.Text, "text"),
        (role.Button, "surface"),
        (role.ButtonText, "text"),
        (role.Highlight, "accent"),
        (role.HighlightedText, "on_accent"),
        (role.ToolTipBase, "text"),
        (role.ToolTipText, "surface"),
        (role.PlaceholderText, "muted"),
        (role.Link, "accent"),
    ):
        pal.setColor(r, QColor(getattr(colors, name)))
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(disabled, r, QColor(colors.disabled_text))
    pal.setColor(disabled, role.Button, QColor(colors.disabled_bg))
    return pal


STYLE = "Fusion"  # the same on every platform
#: For `QApplication(argv + STYLE_ARGS)`: the style chosen by name as the application is made.
STYLE_ARGS = ["-style", STYLE]


def apply(app: QApplication, style_chosen: bool = False) -> None:
    """Give the application its look: Fusion, the palette and the style sheet. Idempotent.
    `style_chosen`: the application was made with STYLE_ARGS, so the style is not asked for
    (`app.style()` from Python builds PySide6's QStyle type with its ~600 enum members:
    5 ms of the window's start)."""
    if not style_chosen and app.style().name().lower() != STYLE.lower():
        app.setStyle(STYLE)
    app.setPalette(palette())
    app.setStyleSheet(stylesheet())


def limit_width(limit: int, *widgets: QWidget) -> None:
    """No control stretched across an empty screen: a form of short fields stops growing at
    `limit` and stays at the left, where the eye starts (the case panel sits at the right)."""
    for widget in widgets:
        widget.setMaximumWidth(limit)


def repolish(app: QApplication) -> None:
    """Set the style sheet again so every widget takes the application font anew (with a
    style sheet in force, `QApplication.setFont` alone leaves existing widgets as they were)."""
    app.setStyleSheet(stylesheet())


# -- contrast (WCAG 2.x) ------------------------------------------------------------------
def relative_luminance(color: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    value = color.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio, 1.0 (none) to 21.0 (black on white)."""
    light, dark = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
