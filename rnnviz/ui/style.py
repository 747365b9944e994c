"""Look and feel: a dark theme with large text, readable on a projector at the back of a room."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsItem, QWidget

# the axes live in axes.py; their names stay reachable as style.axis_items() and the like
from rnnviz.ui.axes import ReadableAxis, axis_items, half_decades, rounded_out  # noqa: F401
from rnnviz.ui.legend_place import legends_follow_text_size

APP_FONT_PT = 12
PLOT_FONT_PT = 12
BACKGROUND = "#1e1f24"

STYLESHEET = """
QMainWindow, QWidget { background: #26272d; color: #e8e8ea; }
QDockWidget { font-weight: bold; }
QDockWidget::title { background: #33353d; padding: 6px; }
QWidget#dockTitle { background: #33353d; }
QLabel#dockTitleText { background: #33353d; padding: 4px; font-weight: bold; }
QToolButton#panelHelp { font-weight: bold; color: #ffd54f; border: 1px solid #ffd54f;
                        border-radius: 4px; padding: 0px 6px; }
QGroupBox { font-weight: bold; border: 1px solid #44464f; border-radius: 6px;
            margin-top: 14px; padding-top: 6px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; color: #ffd54f; }
QToolBar { spacing: 8px; padding: 4px; border: none; background: #2d2f36; }
QToolBar QToolButton { font-size: 14pt; font-weight: bold; padding: 6px 14px;
                       border: 1px solid #50535e; border-radius: 6px; background: #383b44; }
QToolBar QToolButton:checked { background: #2e7d32; }
QToolBar QToolButton:disabled { color: #777; }
QPushButton { padding: 6px 10px; border: 1px solid #50535e; border-radius: 5px;
              background: #383b44; }
QPushButton:disabled { color: #777; }
QComboBox, QSpinBox, QDoubleSpinBox, QLineEdit { background: #1e1f24; padding: 3px;
              border: 1px solid #50535e; border-radius: 4px; }
QLabel#presetTitle { font-size: 14pt; font-weight: bold; color: #ffd54f; }
QLabel#settingsMessage[kind="error"] { color: #ff8a80; font-weight: bold; }
QLabel#settingsMessage[kind="pending"] { color: #ffd54f; }
QLabel#banner { font-size: 15pt; font-weight: bold; color: white; background: #b71c1c;
                padding: 8px 12px; border-radius: 4px; }
QLabel#panelSummary { font-size: 13pt; font-weight: bold; }
QStatusBar { font-size: 13pt; background: #2d2f36; }
QStatusBar QLabel { padding: 0 10px; }
QTableWidget { gridline-color: #44464f; font-size: 14pt; }
QHeaderView::section { background: #33353d; padding: 4px; }
QToolTip { color: #111; background: #fff8dc; border: 1px solid #999; font-size: 11pt; }
"""


#: the global text size: 1.0 normal; larger for a projector at the back of a room
SCALE = 1.0
SCALES = (0.8, 1.0, 1.25, 1.5, 1.75, 2.0)
_BASE_APP_PT, _BASE_PLOT_PT = APP_FONT_PT, PLOT_FONT_PT


def set_scale(app, scale: float) -> float:
    """Scale every font of the application (the stylesheet's too); returns the scale used.
    Widgets built afterwards read the new sizes; the window restyles the existing plots."""
    global SCALE, APP_FONT_PT, PLOT_FONT_PT
    SCALE = usable_scale(scale)
    APP_FONT_PT = max(6, round(_BASE_APP_PT * SCALE))
    PLOT_FONT_PT = max(6, round(_BASE_PLOT_PT * SCALE))
    apply_app_style(app)
    return SCALE


def usable_scale(scale: object) -> float:
    """``scale`` within SCALES' range; a stored value that is not a finite number (the
    settings file is the user's to edit: ``text_scale=nan``) is ignored with a warning."""
    try:
        value = float(scale)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        print(f"rnnviz: ignoring the text size {scale!r}: not a number", file=sys.stderr)
        return 1.0
    fitted = min(max(value, SCALES[0]), SCALES[-1])
    if fitted != value:
        print(
            f"rnnviz: text size {value:g} is outside {SCALES[0]}-{SCALES[-1]}; using {fitted:g}",
            file=sys.stderr,
        )
    return fitted


def dock_tab_pt() -> int:
    """The point size of the panels' dock tabs: above text size 1 it grows at half the rate
    of the other text. At 1.5 the six tabs of the training group ("Loss" ... "Surface") at
    18 pt needed ~790 px, more than half of a 1600-pixel window, and scrolled (issue 16);
    at 15 pt they fit, and a tab only names a panel whose title bar has the full size."""
    return max(6, round(_BASE_APP_PT * min(SCALE, 1 + (SCALE - 1) / 2)))


def _scaled_stylesheet() -> str:
    scaled = re.sub(
        r"(\d+)pt",
        lambda m: f"{max(6, round(int(m.group(1)) * SCALE))}pt",
        STYLESHEET,
    )
    # the dock areas' tab bars are the main window's own children (a panel's tabs are not)
    tabs = f"QMainWindow > QTabBar {{ font-size: {dock_tab_pt()}pt; }}\n" + DOCK_TABS
    return scaled + tabs + check_boxes()


#: check boxes with a visible box: Fusion's unchecked box is dark grey on the dark background
#: and all but vanished on a projector (issue 16); a checked one is filled with a tick
_TICK = (Path(__file__).resolve().parent / "icons" / "check.svg").as_posix()


def check_boxes() -> str:
    """The check boxes' rules at the text size (an indicator's size is in pixels: Qt ignores
    points there)."""
    side = max(10, round(15 * SCALE))
    return f"""
QCheckBox::indicator {{ width: {side}px; height: {side}px; border: 1px solid #9a9da8;
                       border-radius: 3px; background: #1e1f24; }}
QCheckBox::indicator:checked {{ background: #2e7d32; border-color: #81c784;
                               image: url("{_TICK}"); }}
QCheckBox::indicator:disabled {{ border-color: #5a5d66; }}
QCheckBox::indicator:checked:disabled {{ background: #3b4a3c; }}
"""


#: the dock tabs, drawn by the style sheet with less padding than Fusion's (26 px a tab):
#: at 1280x720 the ten tabs of the two groups needed ~950 px of the ~905 beside the sidebar,
#: and the training group scrolled
DOCK_TABS = """
QMainWindow > QTabBar::tab { background: #2d2f36; color: #c8c8cc; padding: 4px 8px;
                             border: 1px solid #44464f; margin-right: 1px; }
QMainWindow > QTabBar::tab:selected { background: #3e414b; color: #ffffff; }
QMainWindow > QTabBar::tab:hover:!selected { background: #363942; }
"""


def apply_app_style(app) -> None:
    """Fonts, stylesheet and pyqtgraph defaults for the whole application."""
    font = app.font()
    font.setPointSize(APP_FONT_PT)
    app.setFont(font)
    app.setStyleSheet(_scaled_stylesheet())
    pg.setConfigOptions(antialias=True, background=BACKGROUND, foreground="#d0d0d4")


#: a widget property: the points its font has above the plot font (follow_text_size)
_FONT_DELTA = "plotFontDelta"


#: object names whose font size the style sheet sets: it wins over a font set on the widget
#: whenever the widget is polished (first shown, a new style sheet), so such a widget
#: follows the text size through the style sheet alone
STYLE_SHEET_FONTS = ("panelSummary",)


def follow_text_size(widget: QWidget, delta: int = 0) -> None:
    """Give ``widget`` the plot font's size + ``delta`` points (its family kept), now and at
    every text-size change (``refresh_text_sizes``): a font set on a widget does not follow
    the application's, and buttons, equations and Predictions' monospace text stayed at the
    size they were built with (issue 16). Not a widget whose size the style sheet sets
    (``STYLE_SHEET_FONTS``): it showed the style sheet's size until the text size changed,
    then this one, so a panel built after a change differed from one built before."""
    if widget.objectName() in STYLE_SHEET_FONTS:
        return
    widget.setProperty(_FONT_DELTA, delta)
    _resize_font(widget, delta)


def refresh_text_sizes(root: QWidget) -> None:
    """Resize the fonts of ``root``'s widgets that follow the text size."""
    for widget in root.findChildren(QWidget):
        delta = widget.property(_FONT_DELTA)
        if delta is not None:
            _resize_font(widget, int(delta))


def _resize_font(widget: QWidget, delta: int) -> None:
    font = widget.font()
    font.setPointSize(max(6, PLOT_FONT_PT + delta))
    widget.setFont(font)


def plot_font() -> QFont:
    font = QFont()
    font.setPointSize(PLOT_FONT_PT)
    return font


def normal_plot_pt() -> int:
    """The plot font's point size at text size 1.0: the least a label or drawing may shrink
    to where a larger text size leaves it no room (it stays as readable as by default: the
    unrolled graph's inputs, the cell drawing docked at 1280x720 with text 1.5)."""
    return _BASE_PLOT_PT


def style_plot(plot: pg.PlotItem) -> None:
    """Large tick and label fonts on a PlotItem; plain numbers (no SI prefixes). The right
    axis (shown by the metric plot for a second scale) keeps the colour its plot gives it."""
    font = plot_font()
    for name in ("left", "bottom", "right"):
        axis = plot.getAxis(name)
        axis.setTickFont(font)
        axis.label.setFont(font)
        if name != "right":
            axis.setTextPen("#d0d0d4")
        axis.enableAutoSIPrefix(False)
        # which still sets a scale for the range of the moment (x1000 for a range under 1,
        # a new plot's) and keeps it: the metric plot's steps read "100000" for 100
        axis.autoSIPrefixScale, axis.labelUnitPrefix = 1.0, ""
        # replaying an axis' picture (ticks, grid lines, re-shaped label text) costs ~1 ms a
        # paint, and every change of a curve repaints the axes under it: keep a pixmap,
        # redrawn only when the axis itself changes (its range, its size)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def restyle_plots(root: QWidget) -> None:
    """Every plot under ``root`` at the current text size: its axes' fonts (``style_plot``)
    and its legends' (each placed again off the data). A new text size does this to the
    window, and a panel built after one to itself (deferred_panel.py), as it would have been
    restyled had it been built before."""
    views = root.findChildren(pg.GraphicsView)
    for view in views:
        for item in view.scene().items():
            if isinstance(item, pg.PlotItem):
                style_plot(item)
    legends_follow_text_size(views, f"{PLOT_FONT_PT}pt")
