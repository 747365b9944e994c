"""Auto-ranged pyqtgraph views settled right after a panel draws, not in its paint.

pyqtgraph fits an auto-ranged view to new data just before painting
(``GraphicsScene.prepareForPaint``); the range it then sets moves the view's items, which
ask for another paint, so a panel drawn once was often painted twice: the loss panel on
lecture_lstm was painted 100-116 times for 90-92 draws in 8 s of training. Fitting the
views as soon as the panel has drawn leaves one paint per draw (89-98 for 87-97; the test
test_view_settle.py counts them). The window's GUI-thread CPU over 8 s of the lecture's
training did not measurably change (3.0-3.3 s before and after, 2 runs each): the second
paint was cheap next to the first.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget


def settle_views(panel: QWidget) -> None:
    """Let every pyqtgraph view in ``panel`` fit its range and transform now."""
    for view in panel.findChildren(pg.GraphicsView):
        view.scene().prepareForPaint()
