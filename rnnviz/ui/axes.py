"""Plot axes whose tick labels never overlap (log mode too), and ranges rounded outwards.

Split from style.py (which keeps the theme and fonts); ``rnnviz.ui.style`` re-exports these
names, so ``style.axis_items()`` and the like still work.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetricsF

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
#: mantissas labelled on a log axis, in order of preference: tried only while the decades
#: alone would give fewer than two labels (a range under about a decade); the first that
#: gives two labels with room for them wins
_LOG_LABEL_MANTISSAS = ((1, 2, 5), (1, 3), (1, 2, 3, 4, 5, 6, 7, 8, 9))
_NICE_STEPS = (1, 2, 5)
#: the most ticks a level may have (a guard against a degenerate range)
_MAX_TICKS = 2000


class ReadableAxis(pg.AxisItem):
    """An AxisItem whose log-mode labels never overlap.

    pyqtgraph's log mode puts the minor ticks (1..9 x 10^k) in a level of their own and, when
    the range spans less than about two decades, every standard level (spacing < 1 decade) is
    dropped, so that level becomes the top one; generateDrawSpecs always labels the top level
    without a crowding check, so all nine labels of each decade pile up ("0.001 0.0009 ...").
    Even as a lower level its crowding check compares the summed label heights with the axis
    length, which assumes evenly spaced ticks, not 8, 9, 10 a twentieth of a decade apart.
    Its labels also mix formats ("%0.1g": 0.001 next to 9·10⁻⁵).

    Here, in log mode, the labelled ticks are chosen from the pixels each label needs: every
    decade (or every 2nd, 5th ... where they are crowded), with 2 and 5 (then 2..9) labelled
    only when the decades alone would give fewer than two labels, and evenly spaced values
    when even those would (a range of a few percent). The other ticks are drawn unlabelled.
    Labels use one format per axis: plain numbers between 0.001 and 1000, else 10ⁿ / m·10ⁿ.
    A last check in generateDrawSpecs drops any label that would overlap one already placed,
    on any axis (linear ones too)."""

    _LABELLED = "labelled"  # tick-level spacing markers passed on to tickStrings
    _UNLABELLED = "unlabelled"

    def __init__(self, orientation: str, integer: bool = False, **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        #: the axis counts steps: ticks only at whole numbers (no "step 2.5")
        self.integer = integer
        self._log_format: tuple[bool, float] = (True, 0.0)  # see _format
        self._span = (0.0, 1.0, 1.0)  # the range in decades, and pixels per decade

    # -- measuring ------------------------------------------------------------------------
    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.style.get("tickFont") or QFont())

    def _extent(self, strings: list[str]) -> float:
        """Pixels along the axis that a label needs, a small gap included."""
        metrics = self._metrics()
        if self.orientation in ("left", "right"):
            return metrics.height() + 2.0
        return max((metrics.horizontalAdvance(s) for s in strings), default=0.0) + (
            metrics.horizontalAdvance("  ")
        )

    # -- ticks ----------------------------------------------------------------------------
    def tickValues(self, minVal, maxVal, size):  # noqa: N802, N803 (pyqtgraph API)
        """On a step axis, levels finer than one step are dropped and the rest keep their
        whole-number ticks; a range under one step gets the steps inside it."""
        levels = super().tickValues(minVal, maxVal, size)
        if not self.integer or self.logMode:
            return levels
        whole = [
            (spacing, [v for v in values if abs(v - round(v)) < 1e-6])
            for spacing, values in levels
            if spacing >= 1
        ]
        if not whole:
            lo, hi = sorted((minVal, maxVal))  # an inverted axis passes them high first
            whole = [(1.0, [float(v) for v in range(math.ceil(lo), math.floor(hi) + 1)])]
        return whole

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803 (pyqtgraph API)
        lo, hi = sorted((float(minVal), float(maxVal)))
        if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo or size <= 0:
            return []
        self._span = (lo, hi, size / (hi - lo))
        px_per_decade = self._span[2]
        decades = [float(d) for d in range(math.ceil(lo), math.floor(hi) + 1)]

        # decades, every stride-th where each would be closer than a label
        for stride in (1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000):
            labelled = self._inside([d for d in decades if d % stride == 0])
            if self._fits(labelled, self._format(labelled)):
                break
        if len(labelled) >= 2:
            minor = [d for d in decades if d not in labelled] if px_per_decade >= 4 else []
            if stride == 1 and px_per_decade * math.log10(10 / 9) >= 3:
                minor += self._mantissa_logs(lo, hi, range(2, 10))
            return self._levels(labelled, self._format(labelled), minor)

        # under about a decade (or a short axis): label 2 and 5, else 3, else 2..9 where
        # there is room for them
        for mantissas in _LOG_LABEL_MANTISSAS:
            logs = self._inside(self._mantissa_logs(lo, hi, mantissas))
            if len(logs) > len(labelled) and self._fits(logs, self._format(logs)):
                labelled = logs
                if len(labelled) >= 2:
                    break
        if len(labelled) >= 2:
            minor = [v for v in self._mantissa_logs(lo, hi, range(1, 10)) if v not in labelled]
            return self._levels(labelled, self._format(labelled), minor)

        # a few percent: evenly spaced values, as on a linear axis
        linear = self._linear_logs(lo, hi, least=2) or (
            None if labelled else self._linear_logs(lo, hi, least=1)
        )
        if linear is not None:
            return self._levels(*linear, [])
        minor = [v for v in self._mantissa_logs(lo, hi, range(1, 10)) if v not in labelled]
        return self._levels(labelled, self._format(labelled), minor)

    def _inside(self, logs: list[float], step: float = 0.0) -> list[float]:
        """The ticks whose labels lie within the axis' ends (pyqtgraph skips the others)."""
        if not logs:
            return []
        lo, hi, px_per_decade = self._span
        overflow = self._overflow()
        metrics = self._metrics()
        strings = self._strings(logs, self._format(logs, step))
        out = []
        for v, text in zip(logs, strings, strict=True):
            if self.orientation in ("left", "right"):
                half = 0.4 * metrics.height()  # pyqtgraph's label boxes are 0.8 lines high
            else:
                half = 0.5 * metrics.horizontalAdvance(text)
            margin = (half - overflow + 1.5) / px_per_decade  # 1.5: the axis' end offsets
            if lo + margin <= v <= hi - margin:
                out.append(v)
        return out

    def _overflow(self) -> float:
        """How far past its ends pyqtgraph lets a label reach: its boundingRect (which text
        must lie in) beyond its geometry; none with a grid, 15 px without, by default."""
        bounds = self.mapRectFromParent(self.geometry())
        outer = self.boundingRect()
        if self.orientation in ("left", "right"):
            return max(0.0, min(bounds.top() - outer.top(), outer.bottom() - bounds.bottom()))
        return max(0.0, min(bounds.left() - outer.left(), outer.right() - bounds.right()))

    def _levels(self, labelled, fmt, minor) -> list:
        """pyqtgraph's tick levels: the labelled ticks on top, the rest below unlabelled;
        tickStrings, called with the levels' markers, labels them in ``fmt``."""
        self._log_format = fmt
        return [(self._LABELLED, list(labelled)), (self._UNLABELLED, list(minor))]

    def _fits(self, logs: list[float], fmt, room: float = 1.0) -> bool:
        """Whether labels at ``logs`` are at least ``room`` labels apart."""
        if len(logs) < 2:
            return True
        gaps = np.diff(np.asarray(logs, dtype=np.float64)) * self._span[2]
        return bool(gaps.min() >= room * self._extent(self._strings(logs, fmt)))

    @staticmethod
    def _mantissa_logs(lo: float, hi: float, mantissas) -> list[float]:
        out = []
        for decade in range(math.floor(lo), math.ceil(hi) + 1):
            for m in mantissas:
                v = decade + math.log10(m)
                if lo <= v <= hi:
                    out.append(v)
        return out[:_MAX_TICKS]

    def _linear_logs(self, lo: float, hi: float, least: int):
        """log10 of evenly spaced values (1, 2, 5 x 10^k apart) whose labels fit, and their
        format; None if there are not ``least`` such values."""
        vlo, vhi = 10.0**lo, 10.0**hi
        span = vhi - vlo
        if not (span > 0 and np.isfinite(span)):
            return None
        exponent = math.floor(math.log10(span)) - 2
        for _ in range(4):
            for nice in _NICE_STEPS:
                step = nice * 10.0**exponent
                start = math.ceil(vlo / step)
                count = math.floor(vhi / step) - start + 1
                if count > _MAX_TICKS:
                    continue
                logs = [math.log10((start + i) * step) for i in range(count) if start + i > 0]
                logs = self._inside(logs, step)
                if len(logs) < least:
                    return None
                fmt = self._format(logs, step)
                if self._fits(logs, fmt, room=2.0):  # as sparse as linear axes
                    return logs, fmt
            exponent += 1
        return None

    # -- labels ---------------------------------------------------------------------------
    @staticmethod
    def _format(logs, step: float = 0.0) -> tuple[bool, float]:
        """How to write a set of labels: plain numbers where every one lies in [0.001, 1000],
        else powers of ten; with one significant digit (step 0), or as many as ``step`` needs."""
        plain = all(-3 - 1e-9 <= v <= 3 + 1e-9 for v in logs)
        return plain, float(step)

    def _strings(self, logs, fmt) -> list[str]:
        plain, step = fmt
        return [self._label(10.0 ** float(v), plain, step) for v in logs]

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        if isinstance(spacing, str) and spacing == self._UNLABELLED:
            return ["" for _ in values]
        if not (isinstance(spacing, str) and spacing == self._LABELLED):
            # ticks set with setTicks: pyqtgraph's own labels
            return super().logTickStrings(values, scale, spacing)
        return self._strings([v + math.log10(scale) for v in values], self._log_format)

    @staticmethod
    def _label(value: float, plain: bool, step: float) -> str:
        exponent = math.floor(math.log10(value) + 1e-9)
        # 1..9 x 10^k: one significant digit; evenly spaced values: as many as the step needs
        digits = max(0, exponent - math.floor(math.log10(step) + 1e-9)) if step > 0 else 0
        if plain:
            return f"{value:.{max(0, digits - exponent)}f}"
        mantissa = f"{value / 10.0**exponent:.{digits}f}"
        if float(mantissa) >= 10:  # rounding carried over into the next decade
            exponent += 1
            mantissa = f"{value / 10.0**exponent:.{digits}f}"
        power = "10" + str(exponent).translate(_SUPERSCRIPT)
        return power if mantissa == "1" else f"{mantissa}·{power}"

    # -- drawing --------------------------------------------------------------------------
    def generateDrawSpecs(self, p):  # noqa: N802 (pyqtgraph API)
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return None
        axis_spec, tick_specs, text_specs = specs
        # labels that merely touch read as one number ("10131619" on the unrolled graph's
        # axis at text size 1.5): each keeps a third of a space clear on either side
        gap = self._metrics().horizontalAdvance(" ") / 3
        along = self.orientation in ("bottom", "top")
        placed: list = []
        for rect, flags, text in text_specs:  # top level first: it keeps its labels
            padded = rect.adjusted(-gap, 0, gap, 0) if along else rect
            if not text or any(padded.intersects(other) for other, _, _ in placed):
                continue
            placed.append((rect, flags, text))
        return axis_spec, tick_specs, placed


def axis_items(integer: tuple[str, ...] = ()) -> dict[str, ReadableAxis]:
    """Left and bottom axes for a new PlotItem (``addPlot(..., axisItems=axis_items())``):
    their labels never overlap, in log mode too; those named in ``integer`` (e.g.
    ``("bottom",)`` under "training step") tick only whole numbers. (An axis passed in is
    shown: the right and top ones stay pyqtgraph's, hidden.)"""
    return {side: ReadableAxis(side, integer=side in integer) for side in ("left", "bottom")}


def half_decades(lo: float, hi: float) -> tuple[float, float]:
    """log10 bounds ``lo`` <= ``hi`` rounded outwards to half decades, at least half a decade
    apart: on a log axis, growing data moves them only now and then."""
    lo = math.floor(2 * lo) / 2
    return lo, max(math.ceil(2 * hi) / 2, lo + 0.5)


def rounded_out(lo: float, hi: float, steps_per_decade: int = 2) -> tuple[float, float]:
    """``lo`` and ``hi`` rounded outwards to a multiple of a step of 1 or 5 times a power of
    ten (about half the span), so that growing data moves the bounds only now and then."""
    span = hi - lo
    if not (np.isfinite(span) and span > 0):
        return lo, hi
    step = 10.0 ** np.floor(np.log10(span)) / steps_per_decade
    return float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step)
