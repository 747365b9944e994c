"""Which of a panel's essential widgets a window shows only in part.

A widget is *clipped* when some of its rectangle lies outside what its ancestors show: the
scroll area's viewport it sits in (a panel taller or wider than its dock scrolls, and what is
scrolled away is not on screen), the dock, the window. This is ``QWidget.visibleRegion()``'s
clipping, computed here by walking up the ancestors, because ``visibleRegion`` also
subtracts opaque children (a plot's viewport covers the whole plot, so its region would be
empty although it is fully on screen). A label is *cut* when it is narrower than its
one-line text (no word wrap): the end of the text is not drawn.

The essential widgets are those that carry meaning: plot areas (``pg.GraphicsView``, which
``PlotWidget`` and ``GraphicsLayoutWidget`` are), buttons (t ± 1, Recompute), check boxes,
combo and spin boxes, progress bars, labels with text (summaries, headers), tables and
scrolling text boxes. A drawing (a plain QGraphicsView, not a plot) is *cut* when its scene
does not lie whole inside its viewport (the LSTM cell's bottom boxes below the fold). What
lies inside a panel's own scroll box (the memory panel's coloured text) scrolls there on
purpose: the box must be whole and show at least two lines.
"""

from __future__ import annotations

from typing import NamedTuple

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGraphicsView,
    QLabel,
    QProgressBar,
    QScrollArea,
    QWidget,
)

from rnnviz.ui.elided_label import ElidedLabel

ESSENTIAL = (
    QGraphicsView,  # pyqtgraph's plots (pg.GraphicsView) and drawings (the LSTM cell)
    QAbstractButton,
    QComboBox,
    QAbstractSpinBox,
    QProgressBar,
    QLabel,
    QScrollArea,
    QAbstractItemView,
)
SCROLL_BOXES = (QScrollArea, QAbstractItemView)
TOLERANCE = 1  # pixels: rounding in the layouts


class Defect(NamedTuple):
    panel: str
    widget: str  # class name and its text, if any
    kind: str  # "clipped", "cut" (a label's text) or "squeezed" (a scroll box's view)
    size: tuple[int, int]  # the widget's size
    shown: tuple[int, int]  # the size of its part on screen (clipped) or the width it needs

    def __str__(self) -> str:
        return f"{self.panel}: {self.widget} {self.kind} {self.size} -> {self.shown}"


def dock_scroll_area(panel: QWidget):
    """The scroll area of the dock that holds ``panel`` (a dock too short for it scrolls)."""
    from PySide6.QtWidgets import QScrollArea

    parent = panel.parentWidget()
    while not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    return parent


def visible_rect(widget: QWidget, top: QWidget) -> QRect:
    """The part of ``widget``'s rectangle (its own coordinates) inside every ancestor up to
    and including ``top``."""
    shown = QRect(widget.rect())
    offset = QPoint(0, 0)
    child = widget
    while child is not top and child.parentWidget() is not None:
        offset += child.pos()
        parent = child.parentWidget()
        shown = shown.intersected(parent.rect().translated(-offset))
        child = parent
    return shown


def essential_widgets(panel: QWidget) -> list[QWidget]:
    """The widgets of ``panel`` that carry meaning and are meant to be seen."""
    found: list[QWidget] = []
    for kind in ESSENTIAL:
        for widget in panel.findChildren(kind):
            if not widget.isVisibleTo(panel) or widget in found:
                continue
            if isinstance(widget, QLabel) and not widget.text().strip():
                continue
            if isinstance(widget.parentWidget(), QComboBox | QAbstractSpinBox):
                continue  # a box's own line edit or label
            if _in_scroll_box(widget, panel):
                continue  # scrolls in its box, which is checked
            found.append(widget)
    return found


def _in_scroll_box(widget: QWidget, panel: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not panel:
        if isinstance(parent, SCROLL_BOXES):
            return True
        parent = parent.parentWidget()
    return False


def describe(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
    text = " ".join(text.split())[:50]
    return f"{type(widget).__name__} {text!r}" if text else type(widget).__name__


def label_needs(label: QLabel) -> int:
    """The width a one-line label needs for its whole text (0: it wraps or elides)."""
    if label.wordWrap() or not label.text() or isinstance(label, ElidedLabel):
        return 0  # a wrapping label fits its width; an elided one has its text as tooltip
    return label.sizeHint().width()


def panel_defects(key: str, panel: QWidget, window: QWidget) -> list[Defect]:
    """The clipped and cut essential widgets of ``panel`` (its tab raised) in ``window``."""
    defects = []
    for widget in essential_widgets(panel):
        whole = widget.rect()
        shown = visible_rect(widget, window)
        if shown.width() < whole.width() - TOLERANCE or shown.height() < whole.height() - TOLERANCE:
            size = (whole.width(), whole.height())
            defects.append(Defect(key, describe(widget), "clipped", size, shown.size().toTuple()))
            continue
        if isinstance(widget, SCROLL_BOXES):
            lines = 2 * widget.fontMetrics().lineSpacing()
            if widget.viewport().height() < lines:
                size = (whole.width(), whole.height())
                seen = (widget.viewport().width(), widget.viewport().height())
                defects.append(Defect(key, describe(widget), "squeezed", size, seen))
        if isinstance(widget, QGraphicsView) and not isinstance(widget, pg.GraphicsView):
            drawn = widget.mapFromScene(widget.sceneRect()).boundingRect()
            inside = widget.viewport().rect().adjusted(-TOLERANCE, -TOLERANCE, TOLERANCE, TOLERANCE)
            if not inside.contains(drawn):
                size = (drawn.width(), drawn.height())
                seen = drawn.intersected(inside).size().toTuple()
                defects.append(Defect(key, describe(widget), "cut", size, seen))
        if isinstance(widget, QLabel):
            needs = label_needs(widget)
            if needs > widget.width() + TOLERANCE:
                size = (whole.width(), whole.height())
                defects.append(Defect(key, describe(widget), "cut", size, (needs, whole.height())))
    return defects


def shown_window(qtbot, settings_path, preset: str, size: tuple[int, int], text_scale: float):
    """A shown MainWindow on ``preset`` at ``size`` and text scale, with its own settings."""
    from PySide6.QtCore import QSettings

    from rnnviz.ui.window import MainWindow

    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    settings.setValue("view/text_scale", text_scale)
    window = MainWindow(preset, settings=settings)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def settle(widget: QWidget) -> None:
    """Process events until ``widget``'s size holds for five turns (at most 100 turns)."""
    sizes: list = []
    while len(sizes) < 5 or (len(set(sizes[-5:])) > 1 and len(sizes) < 100):
        QApplication.processEvents()
        sizes.append((widget.width(), widget.height()))


def trained_panel_at(
    qtbot, settings_path, preset, key, size, text_size, steps, ready, timeout=60_000
):
    """A window on ``preset`` at ``size`` trained ``steps`` steps, with panel ``key`` in
    front: docked, or presented at 1280x720 with text 1.5 (the layout for that size:
    opened at 1.0, presentation mode raises it). Returns (window, panel) once ``ready(panel)``
    and the panel's size has settled."""
    presented = size == (1280, 720) and text_size == 1.5
    window = shown_window(qtbot, settings_path, preset, size, 1.0 if presented else text_size)
    window.run_steps(steps)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == steps, timeout=timeout)
    if presented:
        window.presentation.enter(key)
    else:
        window.show_panel(key)
    panel = window.panels[key]
    qtbot.waitUntil(lambda: ready(panel), timeout=timeout)
    settle(panel)
    return window, panel
