"""The 3D loss surface's axis labels, kept inside the view.

pyqtgraph's GLTextItem draws its text from the projected anchor to the right. The camera
keeps the anchors in view (surface_camera.py), but not the text after them: in the narrow
view of a docked panel (1280x720 or 1600x1000 at text 1.5, ~300-450 px wide) "log loss
(colour bar)" and "β (random direction)" ran past the right edge. Here a label that would
pass an edge is moved back inside it, one wider than the whole view is elided, and one
that would then cover a label drawn before it in the same frame moves above or below it
(the two plane axes' names both pushed to the right edge).
Imported with pyqtgraph.opengl, only once a 3D view is made.
"""

from __future__ import annotations

from pyqtgraph.opengl import GLTextItem
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QVector3D

#: pixels kept between a label and the view's edge
EDGE = 3


class InViewText(GLTextItem):
    """A GLTextItem whose text stays whole inside the view (elided if wider than it), clear
    of the labels of its group painted before it. ``placed``: the group's boxes, shared
    and emptied by the group's ``first`` label at each paint."""

    def __init__(self, placed: list[QRectF], first: bool, **options) -> None:
        super().__init__(**options)
        self.placed = placed
        self.first = first
        self.drawn_box = QRectF()  # where the text was last drawn (view pixels)
        self.drawn_at = QPointF()  # its baseline's start then
        self.drawn_text = ""  # the text as drawn then (elided)

    def shown_text(self) -> tuple[str, QRect]:
        """The text as drawn, elided to the view's width less the edges, and its tight box
        relative to the baseline's start."""
        metrics = QFontMetrics(self.font)
        room = self.view().width() - 2 * EDGE
        text = metrics.elidedText(self.text, Qt.TextElideMode.ElideRight, room)
        return text, metrics.tightBoundingRect(text)

    def align_text(self, pos: QPointF, rect: QRect) -> QPointF:
        """The baseline start of a text with the tight box ``rect``: left-aligned at the
        anchor ``pos`` (pyqtgraph's), moved left or right so that its box lies inside the
        view, and down below the top edge."""
        view = self.view()
        x = min(pos.x(), view.width() - EDGE - rect.width() - rect.left())
        x = max(x, EDGE - rect.left())
        y = max(pos.y(), EDGE - rect.top())  # (rect.top() is negative: above the baseline)
        y = min(y, view.height() - EDGE - rect.bottom())
        return QPointF(x, y)

    def _clear_of_others(self, x: float, y: float, rect: QRect, height: int) -> float:
        """A baseline ``y`` at which the text's box misses the group's boxes placed so far:
        ``y`` itself, else just above or below the box it covers (whichever stays in the
        view and is nearer)."""
        for _ in range(len(self.placed) + 1):
            box = QRectF(rect).translated(x, y)
            hit = next((other for other in self.placed if other.intersects(box)), None)
            if hit is None:
                break
            above = hit.top() - 1 - rect.bottom()
            below = hit.bottom() + 1 - rect.top()
            fits_above = above + rect.top() >= EDGE
            fits_below = below + rect.bottom() <= height - EDGE
            if fits_above and (not fits_below or y - above <= below - y):
                y = above
            elif fits_below:
                y = below
            else:
                break  # no room either way: overlap rather than leave the view
        return y

    def paint(self) -> None:  # as GLTextItem.paint, with the text elided to fit
        if not self.text:
            return
        self.setupGLState()
        if self.first:
            self.placed.clear()
        anchor = self.compute_projection().map(QVector3D(*self.pos)).toPointF()
        painter = QPainter(self.view())
        painter.setPen(self.color)
        painter.setFont(self.font)
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        text, rect = self.shown_text()
        at = self.align_text(anchor, rect)
        at.setY(self._clear_of_others(at.x(), at.y(), rect, self.view().height()))
        painter.drawText(at, text)
        painter.end()
        self.drawn_at, self.drawn_text = at, text
        self.drawn_box = QRectF(rect).translated(at)
        self.placed.append(self.drawn_box)
