"""The loss surface panel: renders in 3D (Xvfb + Mesa) and as a 2D map, computes off the GUI
thread, cancels, cleans up, and teaches the cliff lesson with both paths."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from rnnviz.engine.presets import load_preset
from rnnviz.engine.trainer import Trainer
from rnnviz.session.cursor import Cursor
from rnnviz.ui.panels.base import RunContext
from rnnviz.ui.panels.loss_surface import LossSurfacePanel
from rnnviz.ui.panels.surface_report import eta_text

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
TIMEOUT = 15_000


def context_for(trainer: Trainer, view=None) -> RunContext:
    return RunContext(
        spec=trainer.spec,
        task=trainer.task,
        chains=tuple(trainer.chains),
        config=trainer.config,
        surface_view=view,
    )


def make_panel(qtbot, trainer: Trainer, use_gl: bool | None, resolution: int = 51, view=None):
    """The panel as a run opens it (``view``: the preset's first surface view)."""
    panel = LossSurfacePanel(Cursor(), use_gl=use_gl)
    panel.compute_on_reset = False
    qtbot.addWidget(panel)
    panel.set_trainer(trainer)
    panel.reset(context_for(trainer, view))
    panel.resolution.setValue(resolution)
    panel.resize(900, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def compute(qtbot, panel) -> None:
    with qtbot.waitSignal(panel.worker.finished, timeout=TIMEOUT) as blocker:
        panel.recompute()
    assert blocker.args[0] == "done"


def trained(preset, steps: int) -> Trainer:
    trainer = Trainer.from_preset(preset)
    for _ in range(steps):
        trainer.step(record=False)
    return trainer


def not_blank(image) -> bool:
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), -1)
    return image.width() > 50 and float(data.std()) > 10.0 and len(np.unique(data)) > 50


def save(image, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    assert image.save(str(ARTIFACTS / name))


def cliff_lesson(qtbot, use_gl):
    preset = load_preset("cliff")
    main, clipped = trained(preset, 40), trained(preset.comparison(), 40)
    panel = make_panel(qtbot, main, use_gl, view=preset.surface)
    # the surface around the start (as a run begins), the paths extending afterwards
    panel.set_trainer(Trainer.from_preset(preset))
    compute(qtbot, panel)
    record = main.history.last
    panel.show_record(record, main.history)
    panel.show_compare("clipped", clipped.history.last, clipped.history)
    return panel, main


@pytest.mark.gl
def test_gl_panel_renders_the_cliff_with_both_paths(qtbot):
    panel, main = cliff_lesson(qtbot, use_gl=True)
    assert panel.gl_view is not None, panel.gl_notice
    assert panel.plane.labels == ("rnn.weight_hh_l0", "rnn.bias_hh_l0")
    exit_step = panel.exit_step("main")
    assert exit_step is not None and 0 < exit_step <= 40
    assert panel.exit_step("compare") is None
    assert f"leaves the plotted region at step {exit_step}" in panel.summary.text()
    assert "clipped" in panel.legend.text()
    qtbot.waitUntil(lambda: panel.gl_view.widget.isValid(), timeout=TIMEOUT)
    frame = panel.gl_view.widget.grabFramebuffer()
    save(frame, "loss_surface_3d.png")
    assert not_blank(frame)
    panel.tabs.setCurrentIndex(1)
    shot = panel.grab().toImage()
    save(shot, "loss_surface_map.png")
    assert not_blank(shot)


def test_map_fallback_renders_offscreen(qtbot):
    panel, _ = cliff_lesson(qtbot, use_gl=False)
    assert panel.gl_view is None and panel.notice.isVisible()
    assert "no OpenGL" in panel.notice.text()
    assert panel.exit_step("main") is not None
    # the path that flies off is drawn up to the region's edge, and no further
    x, y = panel.map_paths["main"].getData()
    (a0, a1), (b0, b1) = panel.ranges
    tol = 1e-9 * (a1 - a0 + b1 - b0)
    assert (
        x.min() >= a0 - tol and x.max() <= a1 + tol and y.min() >= b0 - tol and y.max() <= b1 + tol
    )
    on_edge = np.isclose(x, a0) | np.isclose(x, a1) | np.isclose(y, b0) | np.isclose(y, b1)
    assert on_edge.any()
    assert panel.colour_bar.labels and not panel.colour_bar.isHidden()
    shot = panel.grab().toImage()
    save(shot, "loss_surface_fallback.png")
    assert not_blank(shot)


@pytest.mark.parametrize("plane", ["random", "pca"])
def test_other_planes_compute_and_draw_the_path(qtbot, plane):
    trainer = trained(load_preset("lecture_lstm_learn"), 8)
    panel = make_panel(qtbot, trainer, use_gl=False, resolution=21)
    panel.plane_box.setCurrentIndex(panel.plane_box.findData(plane))
    levels = []
    panel.worker.level_ready.connect(lambda grid, job: levels.append(grid.loss.shape[0]))
    compute(qtbot, panel)
    assert levels == [11, 21]
    panel.show_record(trainer.history.last, trainer.history)
    x, y = panel.map_paths["main"].getData()
    assert x is not None and np.isfinite(x).sum() >= 2
    assert panel.plane.kind == plane


def test_cancel_stops_and_close_leaves_no_thread(qtbot):
    trainer = Trainer.from_preset(load_preset("lecture_lstm_learn"))
    panel = make_panel(qtbot, trainer, use_gl=False, resolution=301)
    panel.plane_box.setCurrentIndex(panel.plane_box.findData("random"))
    # lists, not waitSignal, for the signals a job emits many times: a blocker's queued call
    # delivered after its wait ended quits a deleted event loop (a segfault)
    levels, jobs = [], []
    panel.worker.level_ready.connect(lambda grid, job: levels.append(grid))
    panel.worker.progress.connect(lambda done, total, job: jobs.append(job))
    panel.recompute()
    qtbot.waitUntil(lambda: len(levels) > 0, timeout=TIMEOUT)  # the coarse level
    with qtbot.waitSignal(panel.worker.finished, timeout=3000) as blocker:
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0] == "cancelled"
    assert panel.grid is not None  # the coarse surface stays drawn
    panel.recompute()
    qtbot.waitUntil(lambda: panel.worker.job in jobs, timeout=TIMEOUT)
    panel.close()
    assert not panel.worker.running


def test_eta_shown_while_refining_and_the_path_named(qtbot):
    trainer = trained(load_preset("lecture_lstm_learn"), 3)
    panel = make_panel(qtbot, trainer, use_gl=False, resolution=51)
    panel.plane_box.setCurrentIndex(panel.plane_box.findData("random"))
    seen = []  # the progress bar's text after each report of points left, a coarser level drawn

    def after_progress(done, total, job):  # connected after the panel's own slot: runs after it
        if done < total and panel.grid is not None and not panel.grid.final:
            seen.append(panel.controls.progress.format())

    panel.worker.progress.connect(after_progress)
    compute(qtbot, panel)
    assert seen and all(re.fullmatch(ETA, text) for text in seen), seen
    assert "left" not in panel.controls.progress.format()  # finished: no time left shown
    how = panel.summary.text().splitlines()[0]
    assert how.startswith("computed at step 3 · 51×51 in ")
    assert how.endswith(("batched", "fused per point"))


ETA = r"%p% · \d+ (s|min) left"


def test_eta_text_is_the_time_per_point_times_the_points_left():
    assert eta_text(0, 100, 1.0) == "%p%"  # nothing measured yet
    assert eta_text(100, 100, 9.0) == "%p%"  # done
    assert eta_text(25, 100, 1.0) == "%p% · 3 s left"  # 0.04 s x 75
    assert eta_text(50, 100, 31.0) == "%p% · 30 s left"  # 31 s, shown to 5 s
    assert eta_text(10, 100, 100.0) == "%p% · 15 min left"  # 900 s
