"""The Clockwork RNN and the SCRN in the panels (records from the real engine) and in the
sidebar of the real window."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from rnnviz.engine.spec import ModelSpec
from rnnviz.engine.tasks import make_task
from rnnviz.engine.tasks._common import rounded as fmt
from rnnviz.engine.trainer import TrainConfig, Trainer
from rnnviz.session.cursor import Cursor
from rnnviz.ui.panels import unrolled_colours as colours
from rnnviz.ui.panels.base import RunContext
from rnnviz.ui.panels.cell_diagram import CellDiagramPanel
from rnnviz.ui.panels.gates import GatesPanel
from rnnviz.ui.panels.memory import MemoryPanel
from rnnviz.ui.panels.unrolled import UnrolledPanel
from rnnviz.ui.panels.unrolled_modules import build_clockwork_layout, build_scrn_layout

PERIODS = (1, 2, 3)


@pytest.fixture(scope="module")
def runs():
    """kind -> (context, record, history, the weights the record was made with)."""
    out = {}
    for kind, options in {
        "clockwork": dict(hidden_size=6, clock_periods=PERIODS),
        "scrn": dict(hidden_size=4, context_size=3, context_alpha=0.9),
    }.items():
        trainer = Trainer(
            ModelSpec(kind=kind, **options), make_task("adding", seq_len=10), TrainConfig()
        )
        weights = trainer.model.get_weights()
        record = trainer.step(record=True)
        context = RunContext(
            spec=trainer.spec, task=trainer.task, chains=trainer.chains, config=trainer.config
        )
        out[kind] = (context, record, trainer.history, weights)
    return out


def shown(qtbot, panel_class, run):
    context, record, history, _ = run
    panel = panel_class(Cursor())
    qtbot.addWidget(panel)
    panel.resize(900, 640)
    panel.reset(context)
    panel.show_record(record, history)
    panel.grab()  # paints without error
    return panel, panel.cursor


def test_gates_panel_shows_the_clock(qtbot, runs):
    panel, _ = shown(qtbot, GatesPanel, runs["clockwork"])
    active = runs["clockwork"][1].sample.trace["L0.fwd"]["active"]
    assert list(panel.stack.images) == ["active"] and panel.note.isHidden()
    np.testing.assert_array_equal(panel.stack.images["active"].image, active)
    assert active[:, 2].tolist() == [1, 0] * 5  # units 2-3 tick every 2 steps
    text = panel.summary.text()
    assert "units 0-1 every 1" in text and "units 4-5 every 3" in text


def test_gates_panel_explains_that_an_scrn_has_none(qtbot, runs):
    panel, _ = shown(qtbot, GatesPanel, runs["scrn"])
    assert panel.stack.isHidden() and not panel.note.isHidden()
    assert "SCRN has no gates" in panel.note.text()
    assert "s_t = 0.1 B x_t + 0.9 s_(t-1)" in panel.note.text()


def test_memory_panel_shows_the_slow_context(qtbot, runs):
    panel, _ = shown(qtbot, MemoryPanel, runs["scrn"])
    trace = runs["scrn"][1].sample.trace["L0.fwd"]
    assert list(panel.stack.images) == ["s", "h"]
    s_image = panel.stack.images["s"].image
    np.testing.assert_array_equal(s_image[:, :3], trace["s"])  # S = 3 context units
    assert np.isnan(s_image[:, 3]).all()  # H = 4: the fourth row has no context unit
    np.testing.assert_array_equal(panel.stack.images["h"].image, trace["h"])
    # the heatmap's title names it, the summary's tooltip too (its line keeps the scales only)
    assert panel.stack.plots["s"].titleLabel.text == "slow context s_t"
    assert "slow context s_t" in panel.summary.toolTip()
    panel.cursor.set_unit(3)  # beyond the context units: drawn without error
    panel.grab()


def test_clockwork_cell_shows_a_skipped_and_an_updated_step(qtbot, runs):
    panel, cursor = shown(qtbot, CellDiagramPanel, runs["clockwork"])
    trace = runs["clockwork"][1].sample.trace["L0.fwd"]
    cursor.set_unit(2)  # the module with period 2
    cursor.set_t(3)  # t = 3: 3 mod 2 != 0, the module keeps its value
    assert panel.values["clock"] == "0" and panel.values["T"] == "2"
    assert panel.values["h'"] == panel.values["h"] == fmt(trace["h"][2, 2])
    assert "keeps its value" in panel.equations.text()
    cursor.set_t(4)
    assert panel.values["clock"] == "1"
    assert panel.values["a"] == fmt(trace["a"][4, 2])
    assert panel.values["h'"] == fmt(np.tanh(trace["a"][4, 2]))
    assert "updates" in panel.equations.text()


def test_scrn_cell_reads_the_context_update_off_the_weights(qtbot, runs):
    panel, cursor = shown(qtbot, CellDiagramPanel, runs["scrn"])
    _, record, _, weights = runs["scrn"]
    trace, x = record.sample.trace["L0.fwd"], record.sample.x
    cursor.set_unit(1)
    cursor.set_t(5)
    bx = weights["rnn.weight_is_l0"] @ x[5]  # B x_t, from the weights the step used
    assert panel.values["Bx"] == fmt(bx[1])
    assert panel.values["s"] == fmt(trace["s"][4, 1])
    assert panel.values["s'"] == fmt(trace["s"][5, 1])
    assert panel.values["h'"] == fmt(np.tanh(trace["a"][5, 1]))  # the default activation
    assert "s' = (1 - α) Bx + α s = 0.1 ·" in panel.equations.text()


def test_clockwork_graph_skips_steps():
    layout = build_clockwork_layout(7, 1, False, 6, PERIODS, 40)
    modules = [n for n in layout.nodes if n.kind == "m"]
    assert len(modules) == 7 + 4 + 3  # updates at every t, t = 0, 2, 4, 6 and t = 0, 3, 6
    spans = sorted(
        layout.nodes[e.dst].t - layout.nodes[e.src].t for e in layout.edges if e.kind == "rec_h"
    )
    assert spans == [1] * 6 + [2] * 3 + [3] * 2
    backward = build_clockwork_layout(7, 1, True, 6, PERIODS, 40)
    slow_bwd = [n.t for n in backward.nodes if n.chain == "L0.bwd[4:6]"]
    assert sorted(slow_bwd) == [0, 3, 6]  # read from t = 6 down: steps 0, 3, 6 of its own


def test_scrn_graph_has_a_context_chain():
    layout = build_scrn_layout(5, 40)
    assert [layout.count_nodes(k) for k in ("x", "h", "s", "y")] == [5, 5, 5, 5]
    counts = {k: layout.count(k) for k in ("rec_h", "rec_s", "context", "context_in", "output")}
    assert counts == {"rec_h": 4, "rec_s": 4, "context": 5, "context_in": 5, "output": 10}


@pytest.mark.parametrize("kind", ["clockwork", "scrn"])
def test_unrolled_panel_colours_the_new_nodes(qtbot, runs, kind):
    panel, _ = shown(qtbot, UnrolledPanel, runs[kind])
    values = colours.node_raw_values(panel.graph, runs[kind][1].sample)
    assert np.isfinite(values).all()
    if kind == "clockwork":  # module [2:4] at t = 4 shows unit 2 (the selected unit 0 is not its)
        i = panel.graph.node_index("m", "L0.fwd[2:4]", 4)
        assert values[i] == pytest.approx(runs[kind][1].sample.trace["L0.fwd"]["h"][4, 2])


def test_sidebar_offers_the_options_with_tooltips_and_refuses_bad_ones(qtbot, make_window):
    window = make_window("clockwork_sines")
    sidebar, model = window.sidebar, window.sidebar.model
    form = model._form
    assert form.isRowVisible(model.clock_periods) and not form.isRowVisible(model.context_size)
    assert model.clock_periods.text() == "1, 2, 4, 8, 16, 32"
    for widget in (model.clock_periods, model.context_size, model.context_alpha, model.kind):
        assert len(widget.toolTip()) > 60
    for text, reason in [
        ("4, 2, 1, 1, 1, 1", "must not decrease"),
        ("1, 2, 4, 8, 16", "divisible by 5"),
        ("1, two", "list of whole numbers"),
    ]:
        model.clock_periods.setText(text)
        model.clock_periods.textEdited.emit(text)
        assert sidebar.message.text().startswith("Not applied") and reason in sidebar.message.text()
        assert not sidebar.apply_button.isEnabled()
    model.clock_periods.setText("1, 4")
    model.clock_periods.textEdited.emit("1, 4")
    qtbot.mouseClick(sidebar.apply_button, Qt.MouseButton.LeftButton)
    assert window.trainer.spec.clock_periods == (1, 4)
    model.kind.setCurrentIndex(model.kind.findData("scrn"))
    assert form.isRowVisible(model.context_alpha) and not form.isRowVisible(model.clock_periods)
    model.num_layers.setValue(2)
    assert "one unidirectional layer" in sidebar.message.text()
