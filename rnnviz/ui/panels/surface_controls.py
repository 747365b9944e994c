"""The loss surface panel's controls: which plane, which two parameters (exact plane), what
the region is centred on (the run's start or the current weights), the span and resolution
of the grid, log heights, Recompute / Cancel, automatic recomputing and
the progress bar. They flow (wrap onto as many rows as the dock's width needs), so the
panel fits beside the model panels on a 1280-pixel screen at any text size and leaves most
of its height to the surface; a grid of fixed columns was wider than its dock there."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from rnnviz.engine.surface import (
    Plane,
    SurfaceGrid,
    SurfaceSource,
)
from rnnviz.session.surface import SavedSurface
from rnnviz.session.surface_blocks import DEFAULT_SPAN, make_plane
from rnnviz.ui.choice_box import choice_box
from rnnviz.ui.panels.header_row import HeaderRow
from rnnviz.ui.panels.scalar_names import ScalarNames

PLANES = (
    ("auto", "Auto (path's plane)"),
    ("exact", "Two parameters (exact)"),
    ("random", "Random directions (Li et al.)"),
    ("pca", "PCA of the training path"),
)
CENTRES = (("current", "centre on current"), ("start", "centre on start"))


class SurfaceControls(HeaderRow):
    """The controls' widgets in a flow layout (the panel connects their signals)."""

    def __init__(self) -> None:
        super().__init__()
        self._build_plane_choice()
        self._build_grid_settings()
        self.recompute_button = QPushButton("Recompute")
        self.recompute_button.setToolTip(
            "Recompute: compute the surface around the current weights."
        )
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self._place()
        self.plane_box.currentIndexChanged.connect(self.plane_changed)
        self.plane_changed()

    def _build_plane_choice(self) -> None:
        self.plane_box = choice_box(
            PLANES,
            "Which plane of parameter space the surface shows. Auto: the two principal "
            "directions of the optimiser's path once it has moved (the path lies in it), "
            "random filter-normalised directions before.",
        )
        self.centre_box = choice_box(
            CENTRES,
            "Make the plane through the weights the run started from (the path's first "
            "point), or through the current ones.",
        )
        self.param_a, self.param_b = QComboBox(), QComboBox()
        for box in (self.plane_box, self.param_a, self.param_b):  # long names: no wide panel
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        # "Two parameters (exact)" whole, no wider (text size 1.5 in a 1600-pixel window)
        self.plane_box.setMinimumContentsLength(22)
        self.scalar_names = ScalarNames(self)
        for box, axis in ((self.param_a, "first"), (self.param_b, "second")):
            box.setModel(self.scalar_names)
            box.view().setUniformItemSizes(True)  # rows are not measured one by one
            box.setToolTip(f"The {axis} parameter of the exact plane.")
            box.setMinimumContentsLength(16)  # "rnn.weight_hh_l0" whole

    def _build_grid_settings(self) -> None:
        self.span = QDoubleSpinBox()
        self.span.setRange(1e-3, 1e4)
        self.span.setDecimals(3)
        self.span.setValue(DEFAULT_SPAN["exact"])
        self.span.setToolTip(
            "Half-width of the plotted region around its centre (PCA: a factor on the "
            "extent of the path)."
        )
        self.resolution = QSpinBox()
        self.resolution.setRange(5, 301)
        self.resolution.setValue(101)
        self.resolution.setToolTip("Grid points per side (a coarse grid shows first).")
        self.log_scale = QCheckBox("log loss")
        self.log_scale.setChecked(True)
        self.auto_every = QSpinBox()
        self.auto_every.setRange(0, 10_000)  # "auto 10000 steps" is its width: a short row
        self.auto_every.setSpecialValueText("auto off")
        self.auto_every.setSuffix(" steps")
        self.auto_every.setToolTip("Recompute the surface every N training steps (off: 0).")
        self.auto_every.setPrefix("auto ")

    def _place(self) -> None:
        """In the flow's order: what the surface is, how fine, then Cancel and the progress
        while a surface is computed."""
        #: what the panel folds away in a short dock (surface_fold.py)
        self.settings = [
            _labelled("plane", self.plane_box),
            self.centre_box,  # a row with the plane at 1280x720
            _labelled("params", self.param_a),  # each wraps on its own: a name such as
            self.param_b,  # "rnn.weight_hh_l0" whole in a narrow dock
            _labelled("span", self.span),
            _labelled("grid", self.resolution),
            self.auto_every,
        ]
        for widget in self.settings:
            self.addWidget(widget)
        # log_scale and recompute_button: beside the view tabs (loss_surface.py)
        self.addWidget(self.cancel_button)
        self.progress.setMinimumWidth(self.progress.fontMetrics().horizontalAdvance("m" * 12))
        self.addWidget(self.progress)
        self.show_state("")

    # -- state -------------------------------------------------------------------------------
    @property
    def plane_kind(self) -> str:
        return self.plane_box.currentData()

    @property
    def centre(self) -> str:
        return self.centre_box.currentData()

    @property
    def params(self) -> tuple[int, int]:
        """The exact plane's two parameters (flat indices)."""
        return self.param_a.currentIndex(), self.param_b.currentIndex()

    def make_plane(self, source: SurfaceSource) -> Plane:
        """The chosen plane through ``source``'s weights; ValueError when it cannot be made
        (e.g. random directions of a two-parameter model)."""
        # as `rnnviz surface` makes it
        return make_plane(source, self.plane_kind, self.params, self.centre)

    def saved(self, source: SurfaceSource, plane: Plane, ranges, grid: SurfaceGrid):
        """A finished surface with the settings it was computed with, for the session."""
        return SavedSurface(
            plane=plane,
            ranges=ranges,
            grid=grid,
            step=source.step,
            names=source.names,
            shapes=source.shapes,
            params=self.params,
            span=self.span.value(),
            resolution=self.resolution.value(),
            choice=self.plane_kind,
            centre=self.centre,
        )

    def plane_changed(self) -> None:
        """Parameters only for the exact plane; the new plane's default span."""
        kind = self.plane_kind
        self.param_a.setEnabled(kind == "exact")
        self.param_b.setEnabled(kind == "exact")
        self.span.setValue(DEFAULT_SPAN[kind])

    def fill_params(self, names, shapes) -> None:
        """One entry per trained scalar (kept when the model's parameters did not change)."""
        if self.scalar_names.lists(names, shapes):
            return
        self.scalar_names.set_params(names, shapes)
        for box, default in ((self.param_a, 0), (self.param_b, 1)):
            box.blockSignals(True)
            box.setCurrentIndex(min(default, self.scalar_names.total - 1))
            box.blockSignals(False)

    def clear_params(self) -> None:
        self.scalar_names.set_params((), ())

    def show_settings(self, saved: SavedSurface) -> None:
        """Show the settings a (saved) surface was computed with."""
        self.show_view(saved.choice or saved.plane.kind, saved.centre, saved.span)
        self.set_params(saved.params)
        self.resolution.setValue(saved.grid.loss.shape[0])

    def apply_view(self, view) -> None:
        """A preset's first view (``engine.surface_view.SurfaceView``; None: the auto plane
        around the current weights at its default span)."""
        plane, centre = getattr(view, "plane", "auto"), getattr(view, "centre", "current")
        self.show_view(plane, centre, getattr(view, "span", None))

    def show_view(self, kind: str, centre: str, span: float | None) -> None:
        """Choose a plane, a centre and a span (None: the plane's default), without a signal
        that would recompute."""
        self.plane_box.setCurrentIndex(max(0, self.plane_box.findData(kind)))  # its span
        with QSignalBlocker(self.centre_box):
            self.centre_box.setCurrentIndex(max(0, self.centre_box.findData(centre)))
        if span is not None:
            self.span.setValue(span)

    def set_params(self, params: tuple[int, int]) -> None:
        self.param_a.setCurrentIndex(params[0])
        self.param_b.setCurrentIndex(params[1])

    def set_percent(self, done: int, total: int) -> None:
        """Whole percents only, drawn with the next paint (``_set_value``)."""
        total = max(total, 1)
        if self.progress.maximum() != 100:
            self.progress.setMaximum(100)
        percent = 100 * done // total
        if percent != self.progress.value():
            self._set_value(percent)

    def _set_value(self, percent: int) -> None:
        """QProgressBar.setValue repaints at once, inside the call (measured 8 ms on a quiet
        machine, 57 ms on a loaded one, ~90 times per surface): with updates off it only
        stores the value, and turning them back on schedules an ordinary update."""
        self.progress.setUpdatesEnabled(False)
        self.progress.setValue(percent)
        self.progress.setUpdatesEnabled(True)

    def show_state(self, text: str, percent: int | None = None, busy: bool = False) -> None:
        """The progress bar's text (and value), and whether Cancel applies."""
        self.progress.setFormat(text)
        if percent is not None:
            self._set_value(percent)
        self.cancel_button.setEnabled(busy)
        # shown only while a surface is computed: a row less for the surface the rest of the
        # time (the summary says how the last computation ended)
        self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)


def _labelled(text: str, *widgets: QWidget) -> QWidget:
    """``text`` and ``widgets`` on one line, kept together when the flow wraps."""
    group = QWidget()
    row = QHBoxLayout(group)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(QLabel(text))
    for widget in widgets:
        row.addWidget(widget)
    return group
