"""Compare mode (issue 16, defect 11): the second run's answers on the same sample beside the
first's in Predictions (token table, series plot, CSV), and its metrics in Loss & metrics."""

from __future__ import annotations

import numpy as np

TIMEOUT = 60_000  # a hang guard: two runs' CRF steps take over 5 s on a loaded machine


def trained(qtbot, make_window, preset: str, steps: int = 2):
    window = make_window(preset)
    assert window.compare_trainer is not None
    window.run_steps(steps)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == steps, timeout=TIMEOUT)
    window.show_panel("predictions")
    return window, window.panels["predictions"]


def test_the_compared_run_s_tags_are_a_row_of_the_table(qtbot, make_window):
    window, panel = trained(qtbot, make_window, "slot_filling_crf")
    step = window.trainer.step_count
    mine = window.trainer.history.record_at(step).sample
    other = window.compare_trainer.history.record_at(step).sample
    assert panel.table.rowCount() == 4
    assert panel.table.verticalHeaderItem(3).text() == "predicted (softmax)"
    for t in range(panel.table.columnCount()):
        assert panel.table.item(2, t).text() == mine.predicted_tokens[t]
        assert panel.table.item(3, t).text() == other.predicted_tokens[t]
    tokens = panel.export_tables()["tokens"]
    assert "predicted (softmax)" in [str(h) for h in tokens.header]


def test_the_compared_run_s_prediction_is_a_curve(qtbot, make_window):
    window, panel = trained(qtbot, make_window, "clockwork_sines")
    step = window.trainer.step_count
    other = window.compare_trainer.history.record_at(step).sample
    names = [n for n in panel._curves if n.startswith("prediction (")]
    assert len(names) == 1, panel._curves.keys()
    _, y = panel._curves[names[0]].getData()
    np.testing.assert_array_equal(y, np.asarray(other.series["prediction"], dtype=float))
    assert names[0] in [str(h) for h in panel.export_tables()["series"].header]
    window.new_from_preset("sine_gru")  # no compared run: its row and curve go
    assert panel.table.rowCount() == 3
    assert not [n for n in panel._curves if n.startswith("prediction (")]


def test_the_compared_run_s_metrics_are_dashed_curves_and_in_the_summary(qtbot, make_window):
    window, _ = trained(qtbot, make_window, "slot_filling_crf", steps=3)
    window.show_panel("loss")
    panel = window.panels["loss"]
    history = window.compare_trainer.history
    assert history.metric_names()
    for name in history.metric_names():
        curve = panel._compare_metric_curves[name]
        assert curve.name() == f"{name} (softmax)"
        _, y = curve.getData()
        np.testing.assert_array_equal(y, history.series(f"metric:{name}"))
    record = history.record_at(window.compare_trainer.step_count)
    assert f"softmax {record.loss:.4g}" in panel.summary.text()
    assert f"softmax: loss {record.loss:.4g}" in panel.summary.toolTip()
    columns = [str(h) for h in panel.export_tables()["compare"].header]
    assert f"softmax: {history.metric_names()[0]}" in columns
