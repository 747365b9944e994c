"""How large and how far apart the cell drawing's texts are on screen (issue 16).

A drawn text is readable when each of its lines is at least as high on screen as a line of
the plot font (``style.plot_font()``, the smallest text of the plots) at the current text
size; the item's bounding rectangle is mapped through the view's transform to pixels. Texts
must not overlap one another, must lie whole inside the view, and must lie inside the box or
circle they are drawn on, or outside every box (the dashed memory frame counts as one), and
no arrow (its line or head, with its pen's width) may cross or come within ``CLEARANCE`` of
a text: at 1920x1080 the arrow into "new memory / c'" touched its "c'"."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QPainterPath
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from rnnviz.ui import style

TOLERANCE = 1.0  # pixels: a text's rectangle is rounded up to whole pixels
CLEARANCE = 2.0  # pixels between an arrow's stroke and a text's rectangle: closer, they touch


def on_screen(view: QGraphicsView, item) -> QRectF:
    return view.viewportTransform().mapRect(item.sceneBoundingRect())


def text_defects(view: QGraphicsView, least_font: QFont | None = None) -> list[str]:
    """Every text of ``view``'s scene that is too small (a line lower than one of
    ``least_font``, by default the plot font), cut by the view, overlapping another text or
    straddling a box's edge."""
    line = QFontMetricsF(least_font or style.plot_font()).height()
    items = [item for item in view.scene().items() if item.isVisible()]
    texts = [i for i in items if isinstance(i, QGraphicsSimpleTextItem) and i.text().strip()]
    shapes = [i for i in items if isinstance(i, QGraphicsRectItem | QGraphicsEllipseItem)]
    arrows = [
        stroke(view, i) for i in items if isinstance(i, QGraphicsPathItem | QGraphicsPolygonItem)
    ]
    shapes = [on_screen(view, s) for s in shapes]
    inside = QRectF(view.viewport().rect()).adjusted(-TOLERANCE, -TOLERANCE, TOLERANCE, TOLERANCE)
    found = []
    rects = []
    for item in texts:
        name = " ".join(item.text().split())
        rect = on_screen(view, item)
        rects.append((name, rect))
        lines = item.text().count("\n") + 1
        if rect.height() / lines < line - TOLERANCE:
            found.append(f"{name!r} {rect.height() / lines:.1f} px a line < {line:.1f}")
        if not inside.contains(rect):
            found.append(f"{name!r} {rect} outside the view {view.viewport().rect()}")
        for shape in shapes:
            shrunk = rect.adjusted(TOLERANCE, TOLERANCE, -TOLERANCE, -TOLERANCE)
            if shape.intersects(shrunk) and not shape.contains(shrunk):
                found.append(f"{name!r} {rect} crosses the edge of a box {shape}")
        near = rect.adjusted(-CLEARANCE, -CLEARANCE, CLEARANCE, CLEARANCE)
        touching = [arrow.boundingRect() for arrow in arrows if arrow.intersects(near)]
        found += [f"{name!r} {rect} touched by the arrow at {arrow}" for arrow in touching]
    for k, (first, a) in enumerate(rects):
        for second, b in rects[k + 1 :]:
            if a.adjusted(TOLERANCE, TOLERANCE, -TOLERANCE, -TOLERANCE).intersects(b):
                found.append(f"{first!r} {a} overlaps {second!r} {b}")
    return found


def stroke(view: QGraphicsView, item) -> QPainterPath:
    """What an arrow's line or head paints (its shape with the pen's width), in pixels."""
    return view.viewportTransform().map(item.mapToScene(item.shape()))
