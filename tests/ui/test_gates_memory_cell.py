"""Gates, memory-cell and LSTM-cell panels on records from the real engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from rnnviz.engine.presets import load_preset
from rnnviz.engine.spec import ModelSpec
from rnnviz.engine.tasks import make_task
from rnnviz.engine.tasks._common import rounded as fmt
from rnnviz.engine.trainer import TrainConfig, Trainer
from rnnviz.session.cursor import Cursor
from rnnviz.ui.panels.base import RunContext
from rnnviz.ui.panels.cell_diagram import CellDiagramPanel
from rnnviz.ui.panels.gates import GatesPanel
from rnnviz.ui.panels.memory import MemoryPanel

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
KINDS = {
    "elman": dict(kind="elman"),
    "jordan": dict(kind="jordan"),
    "lstm": dict(kind="lstm"),
    "lstm_peephole": dict(kind="lstm", peephole=True),
    "lstm_1997": dict(kind="lstm", forget_gate=False),
    "gru": dict(kind="gru"),
    "irnn": dict(kind="irnn"),
    "stacked": dict(kind="lstm", num_layers=2),
    "bidirectional": dict(kind="gru", bidirectional=True),
}
PANELS = (GatesPanel, MemoryPanel, CellDiagramPanel)


def run_of(trainer: Trainer):
    record = trainer.step(record=True)
    context = RunContext(
        spec=trainer.spec, task=trainer.task, chains=trainer.chains, config=trainer.config
    )
    return context, record, trainer.history


@pytest.fixture(scope="module")
def runs():
    out = {}
    for name, options in KINDS.items():
        spec = ModelSpec(hidden_size=5, **options)
        task = make_task("adding", seq_len=10)
        out[name] = run_of(Trainer(spec, task, TrainConfig(batch_size=4)))
    out["lecture"] = run_of(Trainer.from_preset(load_preset("lecture_lstm")))
    text_task = make_task("char_lm", seq_len=40)
    out["char_lm"] = run_of(Trainer(ModelSpec(hidden_size=6), text_task, TrainConfig(batch_size=4)))
    return out


def shown(qtbot, panel_class, run, size=(900, 640), show=True):
    context, record, history = run
    cursor = Cursor()
    panel = panel_class(cursor)
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.reset(context)
    panel.show_record(record, history)
    if show:
        panel.show()
        qtbot.waitExposed(panel)
    return panel, cursor


def save_and_check(panel, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    image = panel.grab().toImage()
    image.save(str(ARTIFACTS / f"{name}.png"))
    width, height = image.width(), image.height()
    colours = {image.pixel(x, y) for x in range(0, width, 7) for y in range(0, height, 7)}
    assert len(colours) > 20, f"{name} looks blank"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_panel_renders_for_every_kind(qtbot, runs, kind):
    context, record, _ = runs[kind]
    trace = record.sample.trace[context.chains[0]]
    gated = context.spec.kind in ("lstm", "gru")
    for panel_class in PANELS:
        panel, cursor = shown(qtbot, panel_class, runs[kind], size=(640, 480), show=False)
        panel.grab()  # paints without error
        if panel_class is GatesPanel:
            assert panel.stack.isHidden() != gated
            assert panel.note.isHidden() == gated
            if gated:
                assert "saturated" in panel.summary.text()
        elif panel_class is MemoryPanel:
            keys = ["c", "h"] if context.spec.kind == "lstm" else ["h"]
            assert list(panel.stack.images) == keys
        else:
            assert panel.view.isHidden() != gated
            if gated:
                assert panel.values
        if len(context.chains) > 1:
            assert not panel.chain_box.isHidden()
        assert trace["h"].shape == (10, 5)


@pytest.mark.parametrize("kind", ["lstm", "lstm_1997", "gru"])
def test_gate_heatmaps_show_the_trace(qtbot, runs, kind):
    context, record, _ = runs[kind]
    panel, _ = shown(qtbot, GatesPanel, runs[kind])
    trace = record.sample.trace["L0.fwd"]
    expected = {"lstm": "ifo", "lstm_1997": "io", "gru": "ur"}[kind]
    assert "".join(panel.stack.images) == expected
    for key, image in panel.stack.images.items():
        np.testing.assert_array_equal(image.image, trace[key])
        assert tuple(image.getLevels()) == (0, 1)


def test_memory_heatmaps_show_the_trace_centred_on_zero(qtbot, runs):
    context, record, _ = runs["lstm"]
    panel, _ = shown(qtbot, MemoryPanel, runs["lstm"])
    trace = record.sample.trace["L0.fwd"]
    for key in ("c", "h"):
        image = panel.stack.images[key]
        np.testing.assert_array_equal(image.image, trace[key])
        low, high = image.getLevels()
        assert low == pytest.approx(-high) and high == pytest.approx(np.abs(trace[key]).max())


def test_chain_selector_switches_the_shown_chain(qtbot, runs):
    context, record, _ = runs["bidirectional"]
    panel, cursor = shown(qtbot, GatesPanel, runs["bidirectional"])
    assert [panel.chain_box.itemData(i) for i in range(panel.chain_box.count())] == list(
        context.chains
    )
    panel.chain_box.setCurrentIndex(1)
    assert cursor.chain == "L0.bwd"
    np.testing.assert_array_equal(panel.stack.images["u"].image, record.sample.trace["L0.bwd"]["u"])


def test_cursor_moves_traces_and_clicks_move_cursor(qtbot, runs):
    context, record, _ = runs["lstm"]
    panel, cursor = shown(qtbot, GatesPanel, runs["lstm"])
    trace = record.sample.trace["L0.fwd"]
    cursor.set_unit(3)
    cursor.set_t(6)
    x, y = panel.stack.curves["f"].getData()
    np.testing.assert_allclose(y, trace["f"][:, 3])
    assert panel.stack.t_line.value() == pytest.approx(6.5)
    assert "unit 3" in panel.readout.text()
    # click cell (t=2, unit=1) of the forget-gate heatmap
    plot = panel.stack.plots["f"]
    scene_point = plot.vb.mapViewToScene(QPointF(2.5, 1.5))
    widget_point = panel.stack.mapFromScene(scene_point)
    qtbot.mouseClick(panel.stack.viewport(), Qt.MouseButton.LeftButton, pos=widget_point)
    assert (cursor.t, cursor.unit) == (2, 1)
    rect = panel.stack.marks[0].rect()
    assert (rect.x(), rect.y()) == (2, 1)


def test_memory_colours_text_by_the_selected_unit(qtbot, runs):
    context, record, _ = runs["char_lm"]
    panel, cursor = shown(qtbot, MemoryPanel, runs["char_lm"])
    tokens = record.sample.input_tokens
    assert panel.stack.trace_plot.getAxis("bottom").labels[0] == tokens[0].replace(" ", "␣")
    assert panel.text_scroll.isVisible()
    assert panel.text_html.count("<a href=") == sum(1 for tok in tokens if tok)
    before = panel.text_html
    cursor.set_unit(2)
    assert panel.text_html != before
    panel._token_clicked("t:7")
    assert cursor.t == 7
    save_and_check(panel, "memory_char_lm")


def test_lecture_cell_diagram_steps_through_the_worked_example(qtbot, runs):
    panel, cursor = shown(qtbot, CellDiagramPanel, runs["lecture"], size=(760, 760))
    memory, outputs = [], []
    panel.setFocus()
    for t in range(9):
        if t:
            qtbot.keyClick(panel, Qt.Key.Key_Right)
        assert cursor.t == t
        memory.append(panel.values["c'"])
        outputs.append(panel.values["a"])
        assert panel._value_items["a"].text() == panel.values["a"]
        if t == 0:
            assert panel.values["c"] == "0"
        else:
            assert panel.values["c"] == memory[t - 1]
    assert memory == ["0", "3", "3", "7", "7", "7", "0", "6", "6"]
    assert outputs == ["0", "0", "0", "0", "0", "7", "0", "0", "6"]
    cursor.set_t(3)  # x = (4, 1, 0): add 4 to the memory 3
    assert panel.values["z"] == "4" and panel.values["f(z_i)"] == "1"
    assert panel.values["f(z_f)"] == "1" and panel.values["f(z_o)"] == "0"
    assert "= <b>7</b>" in panel.equations.text()
    panel.next_button.click()
    assert cursor.t == 4
    save_and_check(panel, "cell_diagram_lecture")


def test_gru_cell_diagram_and_formatting(qtbot, runs):
    context, record, _ = runs["gru"]
    panel, cursor = shown(qtbot, CellDiagramPanel, runs["gru"], size=(760, 700))
    trace = record.sample.trace["L0.fwd"]
    cursor.set_t(4)
    cursor.set_unit(2)
    assert panel.values["h'"] == fmt(trace["h"][4, 2])
    assert panel.values["h"] == fmt(trace["h"][3, 2])
    assert fmt(4.5e-05) == "0" and fmt(6.9993) == "7" and fmt(-0.126) == "-0.13"
    save_and_check(panel, "cell_diagram_gru")


def test_backward_chain_takes_its_state_from_t_plus_1(qtbot, runs):
    context, record, _ = runs["bidirectional"]
    panel, cursor = shown(qtbot, CellDiagramPanel, runs["bidirectional"], show=False)
    cursor.set_t(4)
    cursor.set_chain("L0.bwd")
    backward = record.sample.trace["L0.bwd"]["h"]
    assert panel.values["h"] == fmt(backward[5, 0])
    assert panel.values["h'"] == fmt(backward[4, 0])
    cursor.set_t(9)  # the last step is the backward chain's first: initial state 0
    assert panel.values["h"] == "0"


@pytest.mark.parametrize("kind", ["lecture", "lstm", "gru", "elman"])
def test_screenshots(qtbot, runs, kind):
    for panel_class in (GatesPanel, MemoryPanel):
        panel, cursor = shown(qtbot, panel_class, runs[kind])
        cursor.set_unit(1 if kind != "lecture" else 0)
        cursor.set_t(5)
        save_and_check(panel, f"{panel_class.key}_{kind}")
        for image in panel.stack.images.values():
            image.render()
            assert image.qimage is not None and not image.qimage.isNull()


def test_clicking_the_trace_plot_selects_t(qtbot, runs):
    panel, cursor = shown(qtbot, MemoryPanel, runs["gru"])
    plot = panel.stack.trace_plot
    point = panel.stack.mapFromScene(plot.vb.mapViewToScene(QPointF(8.5, 0.0)))
    qtbot.mouseClick(panel.stack.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point))
    assert cursor.t == 8


@pytest.mark.parametrize(
    "preset, recurrence",
    [("jordan_sine", "W_y y_(t-1)"), ("exploding_linear", "W_h h_(t-1)")],
)
def test_gates_note_names_what_is_fed_back(make_window, preset, recurrence):
    """A Jordan network feeds back its previous output y, an Elman network its state h."""
    window = make_window(preset)
    window.show_panel("gates")
    note = window.panels["gates"].note
    assert note.isVisible() and recurrence in note.text()


def test_cell_dock_is_named_after_the_cell_drawn(make_window):
    """Issue 16, defect 8: the tab read "LSTM cell" over a GRU, and an Elman network's note
    kept live t ± 1 buttons that stepped through nothing."""
    window = make_window("sine_gru")
    dock, panel = window.docks["cell_diagram"], window.panels["cell_diagram"]
    assert dock.titleBarWidget().label.text() == "GRU cell"
    assert dock.toggleViewAction().text() == "GRU cell"  # the View menu follows
    assert panel.next_button.isEnabled() and panel.unit_box.isEnabled()
    window.new_from_preset("exploding_linear")
    assert dock.titleBarWidget().label.text() == "Elman cell"
    assert not panel.next_button.isEnabled() and not panel.prev_button.isEnabled()
    window.new_from_preset("lecture_lstm")
    assert dock.titleBarWidget().label.text() == "LSTM cell" and panel.next_button.isEnabled()
    # a title with "&" is not a keyboard mnemonic in its title bar ("Loss _metrics"); its
    # tab reads "Loss" (dock_title.TAB_TITLES)
    assert window.docks["loss"].titleBarWidget().label.text() == "Loss & metrics"
    assert window.docks["loss"].windowTitle() == "Loss"
