"""The ``clockwork_sines`` and ``scrn_memory`` presets in the real window: they train (in
compare mode), and the panels show the new traces of the shown sample -- the Clockwork clock
against t mod T_i computed here, the SCRN context against the paper's recursion in numpy."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTabBar

from rnnviz.ui.dock_title import tab_title
from tests.ui.test_export import trained_window

TIMEOUT = 20_000


def shown_panel(qtbot, window, key: str, row: str):
    window.show_panel(key)
    QApplication.processEvents()
    panel = window.panels[key]
    qtbot.waitUntil(lambda: row in panel.stack.images, timeout=TIMEOUT)
    return panel


def test_clockwork_sines_shows_its_modules_skipping_steps(qtbot, make_window):
    window = trained_window(qtbot, make_window, "clockwork_sines", steps=2)
    assert window.compare_trainer is not None and window.compare_trainer.spec.kind == "elman"
    spec = window.trainer.spec
    panel = shown_panel(qtbot, window, "gates", "active")
    active = panel.stack.images["active"].image  # [T, H]
    T, H = active.shape
    k = H // len(spec.clock_periods)
    expected = np.array(
        [[t % spec.clock_periods[j // k] == 0 for j in range(H)] for t in range(T)], dtype=float
    )
    np.testing.assert_array_equal(active, expected)
    # the shown h: a module keeps its value exactly between its updates
    record = window.trainer.history.record_at(panel.step_tag.step)
    h = record.sample.trace["L0.fwd"]["h"]
    kept = np.all(h[1:] == h[:-1], axis=0)  # [H]: never changed within the sample?
    assert not kept.any()  # every module does update (T = 320 > 32)
    np.testing.assert_array_equal(h[1:][expected[1:] == 0], h[:-1][expected[1:] == 0])
    window.show_panel("unrolled")
    QApplication.processEvents()
    graph = window.panels["unrolled"].graph
    slowest = "L0.fwd[40:48]"  # the period-32 module: drawn at t = 0, skipped at t = 1
    assert graph.node_index("m", slowest, 0) is not None
    assert graph.node_index("m", slowest, 1) is None
    assert graph.node_index("m", "L0.fwd[0:8]", 1) is not None


def test_scrn_memory_shows_the_context_drifting_while_h_flickers(qtbot, make_window):
    window = trained_window(qtbot, make_window, "scrn_memory", steps=2)
    assert window.compare_trainer is not None and window.compare_trainer.spec.kind == "elman"
    panel = shown_panel(qtbot, window, "memory", "s")
    record = window.trainer.history.record_at(panel.step_tag.step)
    s_shown = panel.stack.images["s"].image  # [T, max(S, H)]: S = 16 context units, then NaN
    h_shown = panel.stack.images["h"].image  # [T, H]
    spec = window.trainer.spec
    S, alpha = spec.context_size, spec.context_alpha
    # s_t = (1 - alpha) B x_t + alpha s_{t-1}, from the shown s itself: B x_t is recovered from
    # the one-hot input and must be one column of B at every step
    s = s_shown[:, :S].astype(np.float64)
    bx = (s - alpha * np.vstack([np.zeros((1, S)), s[:-1]])) / (1 - alpha)  # [T, S]
    chars = np.asarray(record.sample.x).argmax(1)
    for c in np.unique(chars):
        columns = bx[chars == c]
        np.testing.assert_allclose(columns, np.broadcast_to(columns[0], columns.shape), atol=1e-3)
    assert np.isnan(s_shown[:, S:]).all()
    # what the description promises: s_t changes far less from step to step than h_t
    s_step = np.abs(np.diff(s, axis=0)).mean()
    h_step = np.abs(np.diff(h_shown, axis=0)).mean()
    assert s_step < 0.3 * h_step, (s_step, h_step)
    assert "slow context s_t" in panel.summary.toolTip()  # (the text: the two scales)


def test_the_cell_panel_is_named_after_the_cell_it_draws(qtbot, make_window):
    window = make_window("clockwork_sines")
    dock = window.docks["cell_diagram"]
    tabs = [bar.tabText(i) for bar in window.findChildren(QTabBar) for i in range(bar.count())]
    # the tab: the title, or the terse "Cell" where the tabs are crowded (1200x800)
    tab = tab_title("Clockwork RNN cell", dock.titleBarWidget().terse)
    assert dock.windowTitle() == tab and tab in tabs
    assert dock.titleBarWidget().label.text() == "Clockwork RNN cell"
    model = window.sidebar.model
    for kind, title in (("scrn", "SCRN cell"), ("lstm", "LSTM cell")):
        model.kind.setCurrentIndex(model.kind.findData(kind))
        qtbot.mouseClick(window.sidebar.apply_button, Qt.MouseButton.LeftButton)
        assert window.trainer.spec.kind == kind
        assert dock.titleBarWidget().label.text() == title
        assert dock.windowTitle() == tab_title(title, dock.titleBarWidget().terse)
