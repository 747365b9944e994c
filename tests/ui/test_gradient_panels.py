"""The gradient panels draw the records' own numbers, and the lessons show in them.

Records come from the real engine. Plots use pyqtgraph's log mode, so a curve's getData()
returns log10 of the values, and the clip markers / eigenvalue points are ScatterPlotItems.
Screenshots go to artifacts/ in the repository root (gitignored).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from rnnviz.engine.presets import load_preset
from rnnviz.engine.spectra import decompose
from rnnviz.engine.trainer import Trainer
from rnnviz.session.cursor import Cursor
from rnnviz.ui import style
from rnnviz.ui.panels.base import RunContext
from rnnviz.ui.panels.gradient_norm import GradientNormPanel
from rnnviz.ui.panels.gradients_time import GradientsTimePanel
from rnnviz.ui.panels.recurrent_matrix import RecurrentMatrixPanel
from tests.engine.test_gradient_lessons import W, adding_pair

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def context_of(trainer: Trainer) -> RunContext:
    return RunContext(
        spec=trainer.spec, task=trainer.task, chains=trainer.chains, config=trainer.config
    )


@pytest.fixture
def make_panel(qtbot):
    app = QApplication.instance()
    if not app.property("rnnviz_styled"):
        style.apply_app_style(app)
        app.setProperty("rnnviz_styled", True)

    def make(panel_class, trainer: Trainer):
        panel = panel_class(Cursor())
        qtbot.addWidget(panel)
        panel.resize(960, 620)
        panel.reset(context_of(trainer))
        panel.show()
        qtbot.waitExposed(panel)
        return panel

    return make


def shown(curve) -> tuple[np.ndarray, np.ndarray]:
    """A curve's plotted data (getData), back in linear units where the plot is log-y."""
    x, y = curve.getData()
    y = np.asarray(y, dtype=np.float64)
    return np.asarray(x), 10.0**y if curve.opts["logMode"][1] else y


def legend_labels(plot) -> list[str]:
    return [label.text for _, label in plot.legend.items]


def save_screenshot(panel, name: str) -> Path:
    QApplication.processEvents()
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    image = panel.grab().toImage()
    assert image.save(str(path))
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20, f"{name}: the screenshot looks blank"
    return path


def train(trainer: Trainer, steps: int, record_every: int, panels=()) -> list:
    records = []
    for i in range(steps):
        record = trainer.step(record=(i + 1) % record_every == 0 or i == 0)
        records.append(record)
        if record.full:  # the spectra, as the window's helper adds them (spectra_job.py)
            trainer.history.add_spectra(record.step, *decompose(record.recurrent))
        for panel in panels:  # as the main window does, at (here: every) frame
            panel.show_record(record, trainer.history)
    return records


# -- gradient through time ---------------------------------------------------------------------
def test_gradients_time_plots_the_exploding_dh_norms(make_panel):
    trainer = Trainer.from_preset(load_preset("exploding_linear"))
    panel = make_panel(GradientsTimePanel, trainer)
    record = trainer.step(record=True)
    panel.show_record(record, trainer.history)
    x, dh = shown(panel.curves[("L0.fwd", "h")])
    np.testing.assert_array_equal(x, np.arange(1, 101))
    np.testing.assert_allclose(dh, record.dh_norm["L0.fwd"], rtol=1e-9)
    np.testing.assert_allclose(dh[:-1] / dh[1:], W, rtol=1e-5)  # geometric towards early t
    assert "x1.05 per step back: exploding" in panel.summary.text()
    # the heatmap row is that record, in log10
    np.testing.assert_allclose(panel.image.image, np.log10(record.dh_norm["L0.fwd"])[None, :])
    panel.cursor.set_t(9)
    assert all(line.value() == 10 for line in panel.cursor_lines)
    save_screenshot(panel, "gradients_time_exploding")


def test_gradients_time_heatmap_holds_every_recorded_row(make_panel):
    trainer = Trainer.from_preset(load_preset("exploding_linear_clipped"))
    panel = make_panel(GradientsTimePanel, trainer)
    train(trainer, 20, record_every=4, panels=[panel])
    steps, rows = trainer.history.dh_map("L0.fwd")
    assert steps.size == 6  # steps 1, 4, 8, 12, 16, 20
    image = panel.image.image
    finite = rows > 0
    np.testing.assert_allclose(image[finite], np.log10(rows[finite]))
    assert np.isnan(image[~finite]).all()
    _, dh = shown(panel.curves[("L0.fwd", "h")])
    np.testing.assert_allclose(dh, trainer.history.record_at(20).dh_norm["L0.fwd"])


# -- gradient norm and clipping ----------------------------------------------------------------
def test_gradient_norm_with_clipping(make_panel):
    trainer = Trainer.from_preset(load_preset("exploding_linear_clipped"))
    panel = make_panel(GradientNormPanel, trainer)
    records = train(trainer, 30, record_every=5, panels=[panel])
    steps = np.array([r.step for r in records])
    series = panel.main
    x, before = shown(series.before)
    np.testing.assert_array_equal(x, steps)
    np.testing.assert_allclose(before, [r.grad_norm for r in records], rtol=1e-9)
    _, after = shown(series.after)
    np.testing.assert_allclose(after, [r.grad_norm_clipped for r in records], rtol=1e-9)
    threshold = trainer.config.clip_threshold
    assert after.max() <= threshold * (1 + 1e-9)
    clipped = [r for r in records if r.clipped]
    assert 0 < len(clipped) < len(records)
    mx, my = series.markers.getData()
    assert len(mx) == len(clipped)  # one marker per clipped step (added frame by frame)
    np.testing.assert_array_equal(mx, [r.step for r in clipped])
    np.testing.assert_allclose(10.0**my, [r.grad_norm for r in clipped], rtol=1e-9)
    assert panel.threshold_line.isVisible()
    assert panel.threshold_line.value() == pytest.approx(np.log10(threshold))
    assert f"clipped on {len(clipped)} of 30 steps" in panel.summary.text()
    # the recurrent weight's own gradient norm, on recorded steps
    group = panel.group_curves["L0.fwd W_hh"]
    assert group.isVisible()
    gx, gy = shown(group)
    kept = [r for r in records if r.param_grad_norms]
    np.testing.assert_array_equal(gx, [r.step for r in kept])
    np.testing.assert_allclose(gy, [r.param_grad_norms["L0.fwd W_hh"] for r in kept])
    save_screenshot(panel, "gradient_norm_clipped")


def test_gradient_norm_without_clipping_has_no_markers(make_panel):
    trainer = Trainer.from_preset(load_preset("exploding_linear"))
    panel = make_panel(GradientNormPanel, trainer)
    record = trainer.step(record=True)
    panel.show_record(record, trainer.history)
    assert len(panel.main.markers.getData()[0]) == 0
    assert not panel.threshold_line.isVisible()
    _, before = shown(panel.main.before)
    np.testing.assert_allclose(before, [record.grad_norm])


# -- recurrent matrix --------------------------------------------------------------------------
def test_recurrent_matrix_eigenvalues_equal_numpy(make_panel):
    preset = load_preset("adding_rnn").comparison()  # LSTM: four gate blocks
    trainer = Trainer.from_preset(preset, batch_size=4)
    panel = make_panel(RecurrentMatrixPanel, trainer)
    train(trainer, 3, record_every=1, panels=[panel])
    record = trainer.history.last
    for name in ("L0.fwd W_hh (f)", "L0.fwd W_hh (g)"):
        panel.select_matrix(name)
        x, y = panel.eigen_points.getData()
        expected = np.linalg.eigvals(record.recurrent[name])
        shown_eig = np.asarray(x) + 1j * np.asarray(y)
        assert shown_eig.size == expected.size == 32
        distance = np.abs(shown_eig[:, None] - expected[None, :])
        # computed in float32 like the weights (engine/spectra.py)
        assert distance.min(axis=0).max() < 1e-5 and distance.min(axis=1).max() < 1e-5
    for name, (solid, dashed) in panel.radius_curves.items():
        steps, radius = trainer.history.sparse(f"radius:{name}")
        _, sigma = trainer.history.sparse(f"sigma:{name}")
        rx, ry = shown(solid)
        np.testing.assert_array_equal(rx, steps)
        np.testing.assert_allclose(ry, radius)
        np.testing.assert_allclose(shown(dashed)[1], sigma)
    assert len(panel.radius_curves) == 4


def test_recurrent_matrix_of_the_linear_rnn(make_panel):
    trainer = Trainer.from_preset(load_preset("exploding_linear_clipped"))
    panel = make_panel(RecurrentMatrixPanel, trainer)
    train(trainer, 12, record_every=3, panels=[panel])
    record = trainer.history.last
    w = record.recurrent["L0.fwd W_hh"][0, 0]
    x, y = panel.eigen_points.getData()
    np.testing.assert_allclose(x, [w])
    np.testing.assert_allclose(y, [0.0])
    assert w > 1  # still outside the unit circle, walking towards it
    save_screenshot(panel, "recurrent_matrix_linear")


# -- compare mode: tanh RNN vs LSTM on the adding problem --------------------------------------
def test_compare_tanh_rnn_with_lstm_on_the_adding_problem(make_panel):
    (_, rnn_trainer, rnn), (lstm_label, lstm_trainer, lstm) = adding_pair()
    panels = [make_panel(c, rnn_trainer) for c in (GradientsTimePanel, GradientNormPanel)]
    panels.append(make_panel(RecurrentMatrixPanel, rnn_trainer))
    for panel in panels:
        panel.show_record(rnn, rnn_trainer.history)
        panel.show_compare(lstm_label, lstm, lstm_trainer.history)
    time_panel, norm_panel, matrix_panel = panels

    _, rnn_dh = shown(time_panel.curves[("L0.fwd", "h")])
    _, lstm_dh = shown(time_panel.compare_curves[("L0.fwd", "h")])
    np.testing.assert_allclose(rnn_dh, rnn.dh_norm["L0.fwd"], rtol=1e-9)
    np.testing.assert_allclose(lstm_dh, lstm.dh_norm["L0.fwd"], rtol=1e-9)
    _, lstm_dc = shown(time_panel.compare_curves[("L0.fwd", "c")])
    np.testing.assert_allclose(lstm_dc, lstm.dc_norm["L0.fwd"], rtol=1e-9)
    rnn_ratio, lstm_ratio = rnn_dh[0] / rnn_dh[-1], lstm_dh[0] / lstm_dh[-1]
    print(f"panel ||dL/dh_1|| / ||dL/dh_T||: tanh RNN {rnn_ratio:.3g}, LSTM {lstm_ratio:.3g}")
    assert lstm_ratio > 1e3 * rnn_ratio
    labels = legend_labels(time_panel.line_plot)
    assert any(t.startswith("tanh RNN") for t in labels)
    assert any(t.startswith("LSTM") for t in labels)
    assert "tanh RNN" in time_panel.summary.text() and "LSTM" in time_panel.summary.text()

    _, lstm_before = shown(norm_panel.compare.before)
    np.testing.assert_allclose(lstm_before, lstm_trainer.history.series("grad_norm"))
    labels = [label.text for _, label in norm_panel.legend.items]
    assert "tanh RNN: before clipping" in labels and "LSTM: before clipping" in labels

    _, radius = shown(matrix_panel.compare_curves["L0.fwd W_hh (f)"])
    np.testing.assert_allclose(radius, [lstm.spectral["L0.fwd W_hh (f)"][0]])
    labels = legend_labels(matrix_panel.radius_plot)
    assert "tanh RNN: ρ, σ_max" in labels
    assert "LSTM: ρ W_hh (f)" in labels  # one chain: the legend leaves "L0.fwd" to the header

    for panel, name in zip(
        panels, ("gradients_time", "gradient_norm", "recurrent_matrix"), strict=True
    ):
        save_screenshot(panel, f"{name}_compare_adding")
    for panel in panels:  # compare mode ends: the second run's curves go
        panel.show_compare(lstm_label, None, None)
    assert not time_panel.compare_curves and norm_panel.compare is None
    assert not matrix_panel.compare_curves
    assert not any(t.startswith("LSTM") for t in legend_labels(time_panel.line_plot))


def test_reset_rebuilds_the_panels_for_a_new_model(make_panel):
    linear = Trainer.from_preset(load_preset("exploding_linear_clipped"))
    lstm = Trainer.from_preset(load_preset("adding_rnn").comparison(), batch_size=4)
    panels = [make_panel(c, linear) for c in (GradientsTimePanel, GradientNormPanel)]
    panels.append(make_panel(RecurrentMatrixPanel, linear))
    train(linear, 3, record_every=1, panels=panels)
    for panel in panels:
        panel.reset(context_of(lstm))
    time_panel, norm_panel, matrix_panel = panels
    assert panel_items_cleared(time_panel, norm_panel, matrix_panel)
    train(lstm, 2, record_every=1, panels=panels)
    assert set(time_panel.curves) == {("L0.fwd", "h"), ("L0.fwd", "c")}
    labels = legend_labels(time_panel.line_plot)
    assert labels == ["LSTM: ||dL/dh_t||", "LSTM: ||dL/dc_t||"]
    assert [label.text for _, label in norm_panel.legend.items] == [
        "LSTM: before clipping",
        "LSTM: after clipping",
        "LSTM: clipped step",
    ]
    assert sorted(matrix_panel.radius_curves) == [f"L0.fwd W_hh ({g})" for g in "fgio"]
    assert matrix_panel.selected_matrix() == "L0.fwd W_hh (i)"
    assert len(norm_panel.main.before.getData()[0]) == 2


def panel_items_cleared(time_panel, norm_panel, matrix_panel) -> bool:
    return (
        time_panel.image.image is None
        and norm_panel.main.before.getOriginalDataset()[0] is None
        and not matrix_panel.radius_curves
        and matrix_panel.matrix_choice.count() == 0
    )


def test_padded_steps_are_not_drawn_and_the_ratio_is_over_the_real_ones(qtbot, make_window):
    """Issue 16, defect 9: on slot_filling_bilstm the header stayed at "waiting for a
    recorded step" (the ratio divided by the zero gradient at a padded step) and the padded
    steps were drawn as real ones."""
    window = make_window("slot_filling_bilstm")
    window.step_once()
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 1)
    window.show_panel("gradients_time")
    panel = window.panels["gradients_time"]
    record = window.trainer.history.record_at(1)
    real = int(np.count_nonzero(record.sample.mask))
    assert 0 < real < len(record.sample.mask), "the displayed sentence is padded"
    forward = np.asarray(record.dh_norm["L0.fwd"])
    expected = forward[0] / forward[real - 1]
    assert f"||dL/dh_{real}|| = {expected:.2g}" in panel.summary.text()
    assert "padding" in panel.summary.text()
    for curve in panel.curves.values():
        x, _ = curve.getData()
        assert x is None or len(x) == 0 or x.max() == real
    assert panel.image.image.shape[1] == real
