"""The "Animate step" replay of the unrolled graph: the forward pass lights the nodes left to
right (by their depth in the graph), then backpropagation through time lights the edges
right to left by the gradient flowing back through them, then the step is shown as usual.

``BpttAnimation`` is a mixin of ``UnrolledPanel``: it drives the panel's ``timer`` and draws
through the panel's ``_set_nodes`` / ``_set_edges``; the panel declares the
``animation_finished`` signal (Qt signals live on the QObject class itself).
"""

from __future__ import annotations

import numpy as np

from rnnviz.ui.panels import unrolled_colours as colours
from rnnviz.ui.panels.unrolled_style import DIM_EDGE, FORWARD_EDGE


class BpttAnimation:
    """Replays the shown training step (see the module docstring)."""

    @property
    def animating(self) -> bool:
        return self.timer.isActive()

    def _animate_clicked(self) -> None:
        if self.animating:
            self.stop_animation()
        else:
            self.start_animation()

    def start_animation(self) -> bool:
        """Replay the shown step; False when there is no full record to replay."""
        if self.graph is None or self.record is None:
            return False
        self.timer.stop()
        forward = [("fwd", k) for k in range(int(self._fwd_depth.max(initial=0)) + 1)]
        backward = [("bwd", k) for k in range(int(self._bwd_depth.max(initial=0)) + 1)]
        self._frames = forward + backward + [("hold", 0)]
        self._frame = 0
        interval = self.animation_interval_ms
        if interval is None:
            interval = int(np.clip(3000 / len(self._frames), 30, 300))
        self.animate_button.setText("Stop")
        self._next_frame()
        self.timer.start(interval)
        return True

    def stop_animation(self) -> None:
        """Stop a replay (if any), show the record normally and emit animation_finished."""
        if not self.timer.isActive():
            return
        self.timer.stop()
        self._frames = []
        self.animate_button.setText("Animate step")
        if self.graph is not None:
            self._apply_static()
        self.animation_finished.emit()

    def _next_frame(self) -> None:
        if self._frame >= len(self._frames):
            self.stop_animation()
            return
        phase, k = self._frames[self._frame]
        self._frame += 1
        src = np.array([e.src for e in self.graph.edges], dtype=int)
        dst = np.array([e.dst for e in self.graph.edges], dtype=int)
        if phase == "fwd":
            lit = self._fwd_depth <= k
            self._set_nodes(lit)
            edge_lit = lit[dst] & lit[src] if len(dst) else np.zeros(0, dtype=bool)
            rgba = np.where(edge_lit[:, None], FORWARD_EDGE, DIM_EDGE).astype(np.uint8)
            self._set_edges(rgba.reshape(-1, 4), np.where(edge_lit, 2.0, 0.6))
            self.summary.setText(f"forward pass {self._frames_done('fwd')}")
        elif phase == "bwd":
            self._set_nodes(np.ones(len(self.graph.nodes), dtype=bool))
            edge_lit = self._bwd_depth[dst] <= k if len(dst) else np.zeros(0, dtype=bool)
            rgba = colours.edge_rgba(self.edge_u)
            rgba[~edge_lit] = DIM_EDGE
            widths = np.where(edge_lit, self._edge_widths(), 0.6)
            self._set_edges(rgba, widths)
            self.summary.setText(f"backpropagation through time: {self._frames_done('bwd')}")
        else:
            self._apply_static()
            self._update_summary()

    def _frames_done(self, phase: str) -> str:
        total = sum(1 for p, _ in self._frames if p == phase)
        done = sum(1 for p, _ in self._frames[: self._frame] if p == phase)
        return f"{done}/{total}"
