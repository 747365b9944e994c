"""The sizes of the cell drawing on screen: fonts at least the plot font's size (a class
reads the numbers from afar), boxes as large as their text, and the grid spread over the
view. The drawing is never scaled as a whole: scaled to fit a dock at 1280x720 its captions
were 7 px high (issue 16). Where the full captions ("output gate f(z_o)") do not fit at the
plot font's size, the boxes show their symbol ("f(z_o)") and the full caption as a tooltip.

Only where even that does not fit (docked at 1280x720 with text 1.5 the dock has ~350 px of
height, the smallest such drawing of the lecture's cell 313 and the header ~90) is the text
made smaller, down to ``floor``: the plot font at text size 1.0, as readable as at the
default text size. Below that the dock scrolls.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import QFont, QFontMetricsF

from rnnviz.ui.panels.cell_geometry import Node

#: the fonts' sizes tried, relative to the plot font, largest first: a large view (a
#: projector's presentation mode) gets larger text, none gets less than the plot font
SCALES = (2.0, 1.75, 1.5, 1.25, 1.0)
VALUE_SCALE, OP_SCALE = 1.0, 1.3  # the numbers (bold) and the x / + signs, to the captions
PAD = 0.1  # inside a box, around its text, in lines of the captions's font
#: the widest number the boxes make room for at first ("-0.25"); the panel reserves room for
#: the widest number of the whole sequence, so stepping through t never resizes the boxes
NUMBER_TEMPLATE = "-0.00"


def scaled(base: QFont, factor: float, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * factor)
    font.setBold(bold)
    return font


@dataclass(frozen=True)
class CellFit:
    """One way of drawing the grid: its fonts, the size of a box and the gaps between."""

    caption_font: QFont
    value_font: QFont
    op_font: QFont
    short: bool  # the boxes show their short captions
    box: QSizeF
    gap: QSizeF  # between neighbouring boxes, horizontally and vertically
    cols: int
    rows: int
    transposed: bool = False  # the grid's rows drawn as columns (a wide, low view)

    @property
    def line(self) -> float:
        return QFontMetricsF(self.caption_font).height()

    @property
    def margin(self) -> float:
        return 0.25 * self.line

    @property
    def op_diameter(self) -> float:
        # room around the sign's text for the arrows coming in from above and below
        return 1.2 * QFontMetricsF(self.op_font).height()

    def size(self) -> QSizeF:
        return QSizeF(
            self.cols * self.box.width() + (self.cols - 1) * self.gap.width() + 2 * self.margin,
            self.rows * self.box.height() + (self.rows - 1) * self.gap.height() + 2 * self.margin,
        )

    def cell(self, col: float, row: float) -> QRectF:
        """The rectangle of the grid cell at (col, row) (at (row, col) transposed)."""
        if self.transposed:
            col, row = row, col
        x = self.margin + col * (self.box.width() + self.gap.width())
        y = self.margin + row * (self.box.height() + self.gap.height())
        return QRectF(x, y, self.box.width(), self.box.height())

    def node_rect(self, node: Node) -> QRectF:
        """A value's or gate's box, or the small circle of an operation."""
        cell = self.cell(node.col, node.row)
        if node.shape != "op":
            return cell
        d = self.op_diameter
        return QRectF(cell.center().x() - d / 2, cell.center().y() - d / 2, d, d)

    def caption(self, node: Node) -> str:
        return node.short_caption if self.short else node.caption


def fit(nodes, texts, base: QFont, scale: float, short: bool, transposed=False) -> CellFit:
    """The boxes at font ``scale`` with full or ``short`` captions, at their least gaps,
    wide enough for every number in ``texts`` (and ``NUMBER_TEMPLATE``)."""
    fonts = (
        scaled(base, scale),
        scaled(base, scale * VALUE_SCALE, True),
        scaled(base, scale * OP_SCALE),
    )
    caption, value = QFontMetricsF(fonts[0]), QFontMetricsF(fonts[1])
    boxes = [node for node in nodes if node.shape != "op"]
    lines = [
        line
        for node in boxes
        for line in (node.short_caption if short else node.caption).split("\n")
    ]
    numbers = [NUMBER_TEMPLATE, *texts]
    pad = PAD * caption.height()
    width = max(
        max((caption.horizontalAdvance(line) for line in lines), default=0.0),
        max(value.horizontalAdvance(text) for text in numbers),
    )
    caption_lines = max(
        (len((n.short_caption if short else n.caption).split("\n")) for n in boxes), default=1
    )
    # a pad between caption and number too: text rectangles are rounded up to whole pixels
    height = caption_lines * caption.lineSpacing() + value.height() + 3 * pad
    least_gap = 0.5 * caption.height()  # room for an arrow and its head
    cols = int(max((node.col for node in nodes), default=0)) + 1
    rows = int(max((node.row for node in nodes), default=0)) + 1
    if transposed:
        cols, rows = rows, cols
    box, gap = QSizeF(width + 2 * pad, height), QSizeF(least_gap, least_gap)
    return CellFit(*fonts, short, box, gap, cols, rows, transposed)


def least(nodes, texts, base: QFont, scale: float = 1.0) -> CellFit:
    """The smallest drawing with text at ``scale`` (1: the plot font's size): short
    captions, least gaps, its grid as drawn or transposed, whichever is lower (a dock's room
    for the drawing is short and wide: 332 x 240 at 1280x720 under the peephole LSTM's
    equations)."""
    both = [fit(nodes, texts, base, scale, True, transposed) for transposed in (False, True)]
    return min(both, key=lambda each: each.size().height())


def smaller_scales(floor: float) -> tuple[float, ...]:
    """The scales below the plot font's size tried, largest first, down to ``floor``
    (none where the floor is the plot font: text size 1.0 or less)."""
    steps = [1.0 - 0.05 * k for k in range(1, 20)]
    return (*(scale for scale in steps if scale > floor + 1e-6), floor) if floor < 1.0 else ()


def best(nodes, texts, base: QFont, available: QSizeF, floor: float = 1.0) -> CellFit:
    """The largest text that fits ``available``, full captions before larger text (short
    ones only where the full ones do not fit at the plot font's size), the grid as drawn
    before transposed (a low, wide view: a projector's presentation mode at 1280x720), the
    gaps spread over the room left (up to half a box: the arrows still join neighbours).
    Where nothing fits at the plot font's size, short captions at a smaller text, down to
    ``floor`` (a scale of ``base``: the plot font at text size 1.0)."""
    chosen = least(nodes, texts, base, min(floor, 1.0))
    tries = ((False, SCALES), (True, SCALES), (True, smaller_scales(floor)))
    for short, scales in tries:
        found = next(
            (
                candidate
                for scale in scales
                for transposed in (False, True)
                if _fits(candidate := fit(nodes, texts, base, scale, short, transposed), available)
            ),
            None,
        )
        if found is not None:
            chosen = found
            break
    return _spread(chosen, available)


def _fits(candidate: CellFit, available: QSizeF) -> bool:
    size = candidate.size()
    return size.width() <= available.width() and size.height() <= available.height()


def _spread(chosen: CellFit, available: QSizeF) -> CellFit:
    spare = available - chosen.size()
    gap = QSizeF(
        _wider(chosen.gap.width(), spare.width(), chosen.cols, 0.5 * chosen.box.width()),
        _wider(chosen.gap.height(), spare.height(), chosen.rows, 0.5 * chosen.box.height()),
    )
    return CellFit(
        chosen.caption_font,
        chosen.value_font,
        chosen.op_font,
        chosen.short,
        chosen.box,
        gap,
        chosen.cols,
        chosen.rows,
        chosen.transposed,
    )


def _wider(gap: float, spare: float, count: int, most: float) -> float:
    if count < 2 or spare <= 0:
        return gap
    return max(gap, min(most, gap + spare / (count - 1)))
