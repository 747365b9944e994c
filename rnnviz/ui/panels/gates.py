"""The gates of an LSTM (input i, forget f, output o) or a GRU (update u, reset r) as time x
unit heatmaps on one colour scale [0, 1], the selected unit's gates over t, and how saturated
the gates are (values below 0.1 are shut, above 0.9 wide open). A Clockwork RNN's gate is its
clock: 1 where a unit updates at t, 0 where it keeps h_(t-1).

    LSTM: i = f(z_i), f = f(z_f), o = f(z_o);  GRU: u = f(z_u), r = f(z_r);  f = sigmoid
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from rnnviz.ui.panels.base import RunContext
from rnnviz.ui.panels.heatmap import HeatmapPanel
from rnnviz.ui.panels.heatmap_stack import HeatRow

SHUT, OPEN = 0.1, 0.9
LSTM_GATES = (
    HeatRow("i", "input gate i = f(z_i)", "#4fc3f7"),
    HeatRow("f", "forget gate f = f(z_f)", "#ffb74d"),
    HeatRow("o", "output gate o = f(z_o)", "#aed581"),
)
GRU_GATES = (
    HeatRow("u", "update gate u = f(z_u)", "#4fc3f7"),
    HeatRow("r", "reset gate r = f(z_r)", "#ffb74d"),
)
# short: a title wider than the plot widens it, and at 1280x720 with text 1.5 it pushed the
# colour bar out of the dock (the summary's legend and the help say the rest)
CLOCK = HeatRow("active", "clock: 1 = updates, 0 = keeps", "#4fc3f7")
NTM_FEEDFORWARD = (
    "This NTM's controller is a feedforward layer without gates or a state of its own, "
    "h_t = tanh(W [x_t; r_(t-1)] + b): all it remembers is in the memory matrix (NTM "
    "memory panel). With an LSTM controller this panel shows its gates."
)
KIND_NAMES = {"elman": "An Elman network", "jordan": "A Jordan network", "irnn": "An IRNN"}


def saturation(values: np.ndarray) -> tuple[float, float]:
    """Fractions of finite gate values below ``SHUT`` and above ``OPEN``."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 0.0
    return float(np.mean(finite < SHUT)), float(np.mean(finite > OPEN))


class GatesPanel(HeatmapPanel):
    title = "Gates"
    key = "gates"
    area = "model"

    def __init__(self, cursor, parent=None) -> None:
        super().__init__(cursor, parent)
        #: each gate's (shut, wide open) fractions in the record shown
        self.saturations: dict[str, tuple[float, float]] = {}

    def reset(self, context: RunContext) -> None:
        self.saturations = {}
        super().reset(context)

    def rows_for(self, context: RunContext) -> list[HeatRow] | None:
        if context.spec.cell_kind == "lstm":  # an NTM's LSTM controller too
            # the 1997 LSTM has no forget gate
            return [g for g in LSTM_GATES if g.key != "f" or context.spec.forget_gate]
        if context.spec.kind == "gru":
            return list(GRU_GATES)
        if context.spec.kind == "clockwork":
            return [CLOCK]
        return None

    def note_for(self, context: RunContext) -> str:
        kind = context.spec.kind
        if kind == "scrn":
            alpha = context.spec.context_alpha
            return (
                "An SCRN has no gates: its hidden units overwrite themselves every step, "
                "h_t = f(P s_t + A x_t + R h_(t-1) + b), and its slow context "
                f"s_t = {1 - alpha:.3g} B x_t + {alpha:.3g} s_(t-1) decays at a fixed rate "
                "(the memory panel shows both)."
            )
        if kind == "ntm":
            return NTM_FEEDFORWARD
        name = KIND_NAMES.get(kind, f"A {kind} network")
        # a Jordan network feeds back its previous output, not its hidden state
        fed_back = "W_y y_(t-1)" if kind == "jordan" else "W_h h_(t-1)"
        return (
            f"{name} has no gates: every step it overwrites its whole state, "
            f"h_t = f(W_x x_t + {fed_back} + b).\n\n"
            "Choose an LSTM (input, forget and output gates) or a GRU (update and reset "
            "gates) to see gates open and close."
        )

    def build_stack(self) -> None:
        self.stack.build(
            self.rows,
            pg.colormap.get("viridis"),
            bar_label="gate value",
            trace_label="gate",
            trace_y_range=(0.0, 1.0),
        )
        ticks = [(v, f"{v:g}") for v in (0.0, 0.5, 1.0)]
        self.stack.trace_plot.getAxis("left").setTicks([ticks, []])

    def draw(self, trace: dict[str, np.ndarray]) -> None:
        self.stack.set_images(trace)
        self.saturations = {row.key: saturation(trace[row.key]) for row in self.rows}
        self.show_saturations()

    def set_short(self, short: bool) -> None:
        if short != self.short:
            super().set_short(short)
            self.show_saturations()

    def show_saturations(self) -> None:
        """The summary: how saturated each gate is; in a short dock without the shut / open
        split (it took three more lines of a 364 px dock at 1280x720, text 1.5, issue 16),
        which the tooltip keeps."""
        if not self.saturations:
            return
        if self.rows == [CLOCK]:
            self.summary.setText(self.clock_summary())
            return
        whole, short = [], []
        for row in self.rows:
            shut, wide = self.saturations[row.key]
            name = row.title.split(" gate")[0]
            part = (
                f"<span style='color:{row.colour}'><b>{name}</b></span> {100 * (shut + wide):.0f}%"
            )
            short.append(part)
            whole.append(
                f"{part} <span style='color:#9e9e9e'>({100 * shut:.0f}% shut, "
                f"{100 * wide:.0f}% open)</span>"
            )
        head = f"saturated (&lt; {SHUT} or &gt; {OPEN}):&nbsp; "
        self.summary.setText(head + "&nbsp;&nbsp; ".join(short if self.short else whole))
        self.summary.setToolTip(head + "<br>".join(whole) if self.short else "")

    def clock_summary(self) -> str:
        """Which module updates how often (the clock has no saturation to speak of)."""
        periods = self.context.spec.clock_periods
        k = self.context.spec.hidden_size // len(periods)
        parts = [
            f"units {i * k}-{(i + 1) * k - 1} every {period}" for i, period in enumerate(periods)
        ]
        legend = "clock (yellow: updates, dark: keeps its value)"
        # in a short dock the legend goes to the tooltip (the title says it too)
        self.summary.setToolTip(legend if self.short else "")
        return ("clock:&nbsp; " if self.short else f"{legend}:&nbsp; ") + ", ".join(parts)

    def selection_title(self, unit: int, t: int) -> str:
        trace = self.trace()
        values = "  ".join(
            f"<span style='color:{row.colour}'>{row.key} = {trace[row.key][t, unit]:.2f}</span>"
            for row in self.rows
        )
        return f"unit {unit} at {self.time_name(t)}:&nbsp; {values}"
