"""What the heatmap panels label things with: the app's plot font and plot style, token and
time-step labels (text tasks show their input tokens), chain titles, and the chain selector
that moves the shared cursor between layers and directions.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox

try:  # the app-wide style (global font scale); absent in a bare checkout
    from rnnviz.ui import style
except ImportError:  # pragma: no cover
    style = None

#: tasks whose inputs are characters or words: token tick labels and coloured text
TEXT_TASKS = frozenset({"char_lm", "slot_filling"})
NICE_STRIDES = (1, 2, 5)
CURSOR_COLOUR = "#ef5350"
AXIS_TEXT = "#cfd8dc"


# -- style helpers (follow rnnviz.ui.style when it is there) ----------------------------------
def plot_font_pt() -> int:
    return int(getattr(style, "PLOT_FONT_PT", 12))


def plot_font(delta: int = 0) -> QFont:
    font = style.plot_font() if style is not None and hasattr(style, "plot_font") else QFont()
    font.setPointSize(max(6, plot_font_pt() + delta))
    return font


def style_plot(plot: pg.PlotItem) -> None:
    if style is not None and hasattr(style, "style_plot"):
        style.style_plot(plot)
    for name in ("left", "bottom"):
        plot.getAxis(name).setStyle(tickFont=plot_font())
        plot.getAxis(name).label.setFont(plot_font())


def label_css() -> dict:
    return {"color": AXIS_TEXT, "font-size": f"{plot_font_pt()}pt"}


# -- tokens and chains ------------------------------------------------------------------------
def is_text_task(task) -> bool:
    return getattr(task, "name", "") in TEXT_TASKS or getattr(task, "input_vocab", None) is not None


def display_token(token: str, limit: int = 10) -> str:
    shown = token.replace(" ", "␣").replace("\n", "↵")
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def time_labels(task, tokens: list[str], steps: int, padded: bool = False) -> tuple[list[str], str]:
    """Tick labels for the time axis and the axis title; ``tokens`` are the shown steps'
    inputs, ``padded``: the sequence's padding was cut off (the title says so)."""
    tail = " (padding not shown)" if padded else ""
    if is_text_task(task) and len(tokens) == steps:
        return [display_token(tok) or "·" for tok in tokens], "input token" + tail
    return [str(t + 1) for t in range(steps)], "time step t" + tail


def chain_title(chain: str) -> str:
    """``"L1.bwd"`` -> ``"layer 2 backward"``; an encoder-decoder's ``"enc.bwd"`` ->
    ``"encoder backward"``, ``"dec.fwd"`` -> ``"decoder"``."""
    layer, _, direction = chain.partition(".")
    if layer == "dec":
        return "decoder"
    if layer == "enc":
        return "encoder " + ("backward" if direction == "bwd" else "forward")
    number = int(layer[1:]) + 1 if layer[1:].isdigit() else layer
    return f"layer {number} " + {"fwd": "forward", "bwd": "backward"}.get(direction, direction)


def finite_abs_max(values: np.ndarray, floor: float = 1e-6) -> float:
    finite = np.abs(values[np.isfinite(values)])
    return max(float(finite.max()), floor) if finite.size else 1.0


class ChainSelector(QComboBox):
    """Layer / direction picker bound to the cursor's chain; hidden for one-chain models."""

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(parent)
        self.cursor = cursor
        self.setToolTip("Which layer and direction of the network to show.")
        self.currentIndexChanged.connect(self._picked)

    def set_chains(self, chains: tuple[str, ...], current: str) -> None:
        self.blockSignals(True)
        self.clear()
        for chain in chains:
            self.addItem(chain_title(chain), chain)
        self.setCurrentIndex(max(0, self.findData(current)))
        self.blockSignals(False)
        self.setVisible(len(chains) > 1)

    def show_chain(self, chain: str) -> None:
        self.blockSignals(True)
        self.setCurrentIndex(max(0, self.findData(chain)))
        self.blockSignals(False)

    def _picked(self, index: int) -> None:
        chain = self.itemData(index)
        if chain:
            self.cursor.set_chain(chain)
