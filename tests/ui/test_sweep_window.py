"""The Sweep window: a small sweep started from it with real clicks, results plotted as they
arrive, and clicking a point (success curve) or a cell (heatmap) opens that run."""

import csv
import multiprocessing
from pathlib import Path

from PySide6.QtCore import QPointF, Qt

from rnnviz.session.sweep_stats import wilson_interval
from rnnviz.ui.export import export_csv


def open_sweep(window, qtbot, out: Path):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Training")
    next(a for a in menu.actions() if a.text() == "S&weep…").trigger()
    sweep = window.sweep_window
    qtbot.addWidget(sweep)
    qtbot.waitExposed(sweep)
    sweep.out = out
    return sweep


def fill(qtbot, sweep, axes: list[tuple[str, str]], steps: int = 4) -> None:
    for keys, line, (key, values) in zip(sweep.axis_keys, sweep.axis_values, axes, strict=False):
        keys.setCurrentText(key)
        line.clear()
        qtbot.keyClicks(line, values)
    sweep.seeds.setValue(1)
    sweep.steps.setValue(steps)
    sweep.workers.setValue(2)


def run(qtbot, sweep) -> None:
    qtbot.mouseClick(sweep.start_button, Qt.MouseButton.LeftButton)
    assert sweep.running and sweep.stop_button.isEnabled()
    qtbot.waitUntil(lambda: not sweep.running and sweep.start_button.isEnabled(), timeout=240_000)


def click_at(qtbot, sweep, x: float, y: float) -> None:
    """A real click on the plot where the view shows (x, y)."""
    view_box = sweep.plot.getPlotItem().vb
    scene = view_box.mapViewToScene(QPointF(x, y))
    pos = sweep.plot.mapFromScene(scene)
    qtbot.mouseClick(sweep.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_wilson_interval_matches_the_textbook_values():
    # Wilson (1927) score interval, 95 %: 3 of 10 -> [0.1078, 0.6032]; 0 of 5 -> [0, 0.4345]
    low, high = wilson_interval(3, 10)
    assert (round(low, 4), round(high, 4)) == (0.1078, 0.6032)
    low, high = wilson_interval(0, 5)
    assert low == 0.0 and round(high, 4) == 0.4345


def test_a_sweep_from_the_window_plots_success_and_opens_a_run(make_window, qtbot, tmp_path):
    window = make_window("adding_lstm")
    sweep = open_sweep(window, qtbot, tmp_path / "sweep")
    fill(qtbot, sweep, [("task.seq_len", "10, 12")])
    sweep.threshold.setValue(1.0)  # a loss every run reaches: success rate 1 at both T
    run(qtbot, sweep)
    assert "Finished: 2 trained, 0 failed" in sweep.status.text()
    assert sorted(sweep.plot.points) == [("lstm", 10.0), ("lstm", 12.0)]
    curves = [i for i in sweep.plot.getPlotItem().listDataItems() if i.name() == "lstm"]
    xs, ys = curves[0].getData()
    assert list(xs) == [10.0, 12.0] and list(ys) == [1.0, 1.0]
    (written,) = export_csv(sweep.plot, tmp_path / "success.csv")  # as every panel exports
    with written.open(newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["model_kind", "task.seq_len", "successes", "complete", "failed",
                        "rate", "low", "high"]  # fmt: skip
    low, high = wilson_interval(1, 1)
    assert table[1] == ["lstm", "10.0", "1", "1", "0", "1.0", repr(low), repr(high)]
    click_at(qtbot, sweep, 12.0, 1.0)
    run_id = sweep.plot.points[("lstm", 12.0)][0]
    expected = tmp_path / "sweep" / "runs" / f"{run_id}.rnnviz"
    qtbot.waitUntil(lambda: window.run_control.session.path == expected, timeout=10_000)
    assert window.run_control.session.trainer.step_count == 4
    assert window.run_control.session.trainer.task.seq_len == 12


def test_two_numeric_axes_make_a_heatmap_whose_cells_open_runs(make_window, qtbot, tmp_path):
    window = make_window("adding_lstm")
    sweep = open_sweep(window, qtbot, tmp_path / "grid")
    fill(qtbot, sweep, [("task.seq_len", "10, 12"), ("model.hidden_size", "3, 5")], steps=3)
    run(qtbot, sweep)
    xs, ys, ids = sweep.plot.heat
    assert (xs, ys) == ([10.0, 12.0], [3.0, 5.0]) and len(ids) == 4
    click_at(qtbot, sweep, 1.5, 0.5)  # the cell of T = 12, 3 units
    expected = tmp_path / "grid" / "runs" / f"{ids[(1, 0)][0]}.rnnviz"
    qtbot.waitUntil(lambda: window.run_control.session.path == expected, timeout=10_000)
    trainer = window.run_control.session.trainer
    assert (trainer.task.seq_len, trainer.spec.hidden_size) == (12, 3)


def test_stop_ends_the_sweep_and_its_workers(make_window, qtbot, tmp_path):
    window = make_window("adding_lstm")
    sweep = open_sweep(window, qtbot, tmp_path / "long")
    fill(qtbot, sweep, [("task.seq_len", "10, 12, 14")], steps=1_000_000)
    qtbot.mouseClick(sweep.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2 running" in sweep.status.text(), timeout=60_000)
    qtbot.mouseClick(sweep.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sweep.start_button.isEnabled(), timeout=60_000)
    assert sweep.status.text().startswith("Stopped: 0 trained, 0 failed")
    assert not sweep.running and multiprocessing.active_children() == []
    with (tmp_path / "long" / "summary.csv").open(newline="") as handle:
        assert [row["status"] for row in csv.DictReader(handle)] == ["cancelled"] * 3
