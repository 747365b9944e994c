"""The unrolled-graph panel: real widgets, records from the real engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage

from rnnviz.engine.spec import ModelSpec
from rnnviz.engine.tasks import make_task
from rnnviz.engine.trainer import TrainConfig, Trainer
from rnnviz.session.cursor import Cursor
from rnnviz.ui import style
from rnnviz.ui.panels import unrolled_colours as colours
from rnnviz.ui.panels import unrolled_layout as geo
from rnnviz.ui.panels.base import RunContext
from rnnviz.ui.panels.unrolled import UnrolledPanel
from rnnviz.ui.panels.unrolled_style import COLOUR_STEP, DIM_ALPHA

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
T = 5

# kind -> (spec options, nodes, {recurrent edge type: count}) for T = 5, derived by hand:
# x, y: 5 each; h (and LSTM c): 5 per chain. Recurrent edges: T - 1 = 4 per chain and state.
KINDS = {
    "elman": (dict(kind="elman"), 5 + 5 + 5, {"h->h fwd": 4}),
    "irnn": (dict(kind="irnn"), 15, {"h->h fwd": 4}),
    "gru": (dict(kind="gru"), 15, {"h->h fwd": 4}),
    "jordan": (dict(kind="jordan"), 15, {"y->h": 4}),
    "lstm_peephole": (
        dict(kind="lstm", peephole=True),
        5 + 5 + 5 + 5,
        {"h->h fwd": 4, "c->c fwd": 4},
    ),
    "stacked": (dict(kind="elman", num_layers=2), 5 + 10 + 5, {"h->h fwd": 8}),
    "bidirectional": (
        dict(kind="elman", bidirectional=True),
        5 + 10 + 5,
        {"h->h fwd": 4, "h->h bwd": 4},
    ),
    "stacked_bi_lstm": (
        dict(kind="lstm", num_layers=2, bidirectional=True),
        5 + 4 * 10 + 5,
        {"h->h fwd": 8, "h->h bwd": 8, "c->c fwd": 8, "c->c bwd": 8},
    ),
}

_RECORDS: dict = {}


def trained(name: str, task: str = "adding", **task_options):
    """(trainer, record) after one recorded step; cached (no Qt involved)."""
    key = (name, task, tuple(sorted(task_options.items())))
    if key not in _RECORDS:
        options = KINDS[name][0] if name in KINDS else dict(kind=name)
        spec = ModelSpec(hidden_size=3, **options)
        if task == "adding":
            task_options = {"seq_len": T, **task_options}
        trainer = Trainer(spec, make_task(task, **task_options), TrainConfig(batch_size=4))
        _RECORDS[key] = (trainer, trainer.step(record=True))
    return _RECORDS[key]


def context_of(trainer) -> RunContext:
    return RunContext(
        spec=trainer.spec, task=trainer.task, chains=trainer.chains, config=trainer.config
    )


@pytest.fixture
def make_panel(qtbot):
    def make(name: str, task: str = "adding", **task_options):
        trainer, record = trained(name, task, **task_options)
        cursor = Cursor()
        panel = UnrolledPanel(cursor)
        qtbot.addWidget(panel)
        panel.resize(1000, 480)
        panel.show()
        qtbot.waitExposed(panel)
        panel.reset(context_of(trainer))
        panel.show_record(record, trainer.history)
        return panel, record

    return make


def drawn_edges(panel) -> list[tuple]:
    """(kind of src, kind of dst, src chain, dst chain, src t, dst t) per drawn edge."""
    nodes = panel.graph.nodes
    out = []
    for a, b in panel.edges_item.adjacency:
        u, v = nodes[a], nodes[b]
        out.append((u.kind, v.kind, u.chain, v.chain, u.t, v.t))
    return out


def recurrent_counts(panel) -> dict[str, int]:
    """Count the drawn edges that go from one time step to another, by what they join."""
    counts: dict[str, int] = {}
    for sk, dk, sc, dc, st, dt in drawn_edges(panel):
        if st == dt:
            continue
        assert abs(st - dt) == 1, "an edge skips a time step"
        if sk == "y":
            key = "y->h"
        else:
            assert sc == dc, "a recurrent edge joins two chains"
            direction = "fwd" if dt == st + 1 else "bwd"
            assert sc.endswith("." + direction), f"{sc} runs the wrong way in time"
            key = f"{sk}->{dk} {direction}"
        counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.mark.parametrize("name", list(KINDS))
def test_every_kind_draws_its_nodes_and_exactly_its_recurrent_edges(make_panel, name):
    panel, record = make_panel(name)
    _, n_nodes, recurrent = KINDS[name]
    assert len(panel.nodes_item.data) == n_nodes == len(panel.graph.nodes)
    assert recurrent_counts(panel) == recurrent
    spec = context_of(trained(name)[0]).spec
    # within a time step: x -> layer 0 (per chain), layer l-1 -> l (all chain pairs),
    # top layer -> y (per chain), LSTM c_t -> h_t
    D, L = spec.num_directions, spec.num_layers
    same_t = [e for e in drawn_edges(panel) if e[4] == e[5]]
    assert sum(e[0] == "x" for e in same_t) == T * D
    assert sum(e[0] == "h" and e[1] == "h" for e in same_t) == T * D * D * (L - 1)
    assert sum(e[1] == "y" for e in same_t) == T * D
    assert sum(e[0] == "c" for e in same_t) == (T * D * L if spec.kind == "lstm" else 0)
    # every chain of the record is drawn
    assert {n.chain for n in panel.graph.nodes if n.chain} == set(record.sample.trace)


def test_jordan_has_no_hidden_to_hidden_edge(make_panel):
    panel, _ = make_panel("jordan")
    edges = drawn_edges(panel)
    assert not [e for e in edges if e[0] == "h" and e[1] == "h"]
    assert sorted((e[4], e[5]) for e in edges if e[0] == "y" and e[1] == "h") == [
        (t - 1, t) for t in range(1, T)
    ]


def _brush_rgb(panel) -> np.ndarray:
    return np.array([b.color().getRgb()[:3] for b in panel.nodes_item.data["brush"]])


def test_node_colours_follow_the_selected_unit_or_the_norm(make_panel):
    panel, record = make_panel("lstm_peephole")
    panel.cursor.set_unit(2)
    h = record.sample.trace["L0.fwd"]["h"]  # [T, H]
    c = record.sample.trace["L0.fwd"]["c"]
    idx_h = [panel.graph.node_index("h", "L0.fwd", t) for t in range(T)]
    idx_c = [panel.graph.node_index("c", "L0.fwd", t) for t in range(T)]

    def expected(values):  # diverging map of value / max(1, max |value| in the row)
        return colours.diverging_rgba(values / max(1.0, np.abs(values).max()))[:, :3]

    def assert_drawn(drawn, colours):  # brushes are rounded to COLOUR_STEP per channel
        np.testing.assert_allclose(drawn, colours, atol=COLOUR_STEP / 2)

    rgb = _brush_rgb(panel)
    assert_drawn(rgb[idx_h], expected(h[:, 2]))
    assert_drawn(rgb[idx_c], expected(c[:, 2]))
    # a positive value is drawn red-ish, a negative one blue-ish
    for i, v in zip(idx_h, h[:, 2], strict=True):
        if abs(v) > 0.05:
            r, _, b = rgb[i]
            assert (r > b) == (v > 0)

    panel.mode_box.setCurrentIndex(panel.mode_box.findData("norm"))
    rgb = _brush_rgb(panel)
    assert_drawn(rgb[idx_h], expected(np.linalg.norm(h, axis=1)))


def test_edge_widths_show_the_gradient_on_a_log_scale(make_panel):
    panel, record = make_panel("lstm_peephole")
    dh, dc = record.dh_norm["L0.fwd"], record.dc_norm["L0.fwd"]
    g_max = max(dh.max(), dc.max())
    # the gradient each edge carries: dL/dh_t on the edges into h_t (from x_t and c_t at
    # every t, from h_{t-1} but at t = 1), dL/dc_t on c_{t-1} -> c_t; the scale spans them
    # down to their 5th percentile
    carried = np.concatenate([dh, dh, dh[1:], dc[1:]])
    decades = np.clip(np.log10(g_max / np.percentile(carried, 5)), 1.0, 6.0)
    cap = panel._width_cap

    def width(g):
        strength = np.clip(1 + np.log10(g / g_max) / decades, 0, 1)
        return colours.EDGE_MIN_WIDTH + (cap - colours.EDGE_MIN_WIDTH) * strength

    pens = panel.edges_item.pen
    assert len(pens) == len(panel.edges_item.adjacency)
    checked = 0
    for i, (sk, dk, _, _, st, dt) in enumerate(drawn_edges(panel)):
        if st == dt - 1 and sk == dk == "h":  # h_{t-1} -> h_t carries dL/dh_t back
            assert pens["width"][i] == pytest.approx(width(dh[dt]))
            checked += 1
        if st == dt - 1 and sk == dk == "c":
            assert pens["width"][i] == pytest.approx(width(dc[dt]))
            checked += 1
        if dk == "y":  # dL/dy_t is nonzero exactly where the loss counts
            counted = record.sample.mask[dt] > 0
            assert pens["width"][i] == pytest.approx(cap if counted else colours.EDGE_MIN_WIDTH)
    assert checked == 8
    # the largest gradient gets the widest, brightest edge
    assert pens["width"].max() == pytest.approx(cap)


def test_log_strength_fades_over_six_decades():
    s = colours.log_strength(np.array([1.0, 1e-3, 1e-6, 1e-9, 0.0, np.nan]), 1.0)
    np.testing.assert_allclose(s, [1.0, 0.5, 0.0, 0.0, 0.0, 0.0])


def _click_node(qtbot, panel, index: int) -> None:
    node = panel.graph.nodes[index]
    from PySide6.QtCore import QPointF

    scene_pos = panel.vb.mapViewToScene(QPointF(node.x, node.y))
    view_pos = panel.plot.mapFromScene(scene_pos)
    qtbot.mouseClick(
        panel.plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(view_pos.x(), view_pos.y())
    )


def test_clicking_a_node_selects_its_time_step_and_chain(qtbot, make_panel):
    panel, _ = make_panel("bidirectional")
    moved = []
    panel.cursor.t_changed.connect(moved.append)
    _click_node(qtbot, panel, panel.graph.node_index("h", "L0.bwd", 3))
    assert panel.cursor.t == 3 and moved == [3]
    assert panel.cursor.chain == "L0.bwd"
    lo, hi = panel.band.getRegion()
    assert panel.band.isVisible() and lo < panel.graph.col_of(3) < hi
    # the selected column's nodes get the highlight pen
    widths = [p.widthF() for p in panel.nodes_item.data["pen"]]
    for node, w in zip(panel.graph.nodes, widths, strict=True):
        assert (w == 3) == (node.col == 3)
    _click_node(qtbot, panel, panel.graph.node_index("x", None, 1))
    assert panel.cursor.t == 1


def test_animation_plays_forward_then_backward_and_finishes(qtbot, make_panel):
    panel, _ = make_panel("elman")
    panel.animation_interval_ms = 2
    with qtbot.waitSignal(panel.animation_finished, timeout=5000):
        panel.animate_button.click()
        assert panel.animating and panel.animate_button.text() == "Stop"
        # first frame: only the inputs are computed, the rest is dimmed
        alpha = {
            n.kind: b.color().alpha()
            for n, b in zip(panel.graph.nodes, panel.nodes_item.data["brush"], strict=True)
        }
        assert alpha["x"] == 255 and alpha["h"] == DIM_ALPHA and alpha["y"] == DIM_ALPHA
    assert not panel.animating and not panel.timer.isActive()
    assert panel.animate_button.text() == "Animate step"
    assert {b.color().alpha() for b in panel.nodes_item.data["brush"]} == {255}


def test_forward_pass_runs_left_to_right_and_bptt_right_to_left():
    graph = geo.build_layout("elman", 6, bidirectional=True)
    fwd, bwd = colours.forward_depth(graph), colours.backward_depth(graph)
    f = [fwd[graph.node_index("h", "L0.fwd", t)] for t in range(6)]
    b = [fwd[graph.node_index("h", "L0.bwd", t)] for t in range(6)]
    assert f == sorted(f) and b == sorted(b, reverse=True)
    grad_f = [bwd[graph.node_index("h", "L0.fwd", t)] for t in range(6)]
    assert grad_f == sorted(grad_f, reverse=True)  # gradient reaches late steps first


def test_animation_stops_on_request_and_on_close(qtbot, make_panel):
    panel, _ = make_panel("lstm_peephole")
    panel.animation_interval_ms = 50
    with qtbot.waitSignal(panel.animation_finished, timeout=2000):
        panel.animate_button.click()
        panel.animate_button.click()  # "Stop"
    assert not panel.timer.isActive()
    panel.start_animation()
    assert panel.timer.isActive()
    with qtbot.waitSignal(panel.animation_finished, timeout=2000):
        panel.close()
    assert not panel.timer.isActive()


def test_long_sequences_elide_the_middle(qtbot, make_panel):
    panel, _ = make_panel("elman", seq_len=100)
    graph = panel.graph
    assert graph.n_cols == geo.MAX_SHOWN_STEPS + 1 and graph.gap_col is not None
    assert graph.times[:2] == [0, 1] and graph.times[-1] == 99
    assert len(panel.nodes_item.data) == 3 * geo.MAX_SHOWN_STEPS
    assert recurrent_counts(panel) == {"h->h fwd": geo.MAX_SHOWN_STEPS - 2}
    panel.cursor.set_t(50)  # elided: the gap column is highlighted
    lo, hi = panel.band.getRegion()
    assert lo < graph.gap_col < hi
    panel.all_steps.setChecked(True)
    assert len(panel.nodes_item.data) == 300
    assert recurrent_counts(panel) == {"h->h fwd": 99}


def test_scalar_only_records_keep_the_last_drawing(make_panel):
    panel, record = make_panel("elman")
    trainer, _ = trained("elman")
    before = _brush_rgb(panel)
    scalar = trainer.step(record=False)
    panel.show_record(scalar, trainer.history)
    assert panel.record is record
    np.testing.assert_array_equal(_brush_rgb(panel), before)


def _distinct_colours(path: Path) -> int:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), dtype=np.uint32, count=image.width() * image.height())
    return len(np.unique(data))


@pytest.mark.parametrize(
    "name,task,options",
    [
        ("lstm_peephole", "slot_filling", {}),
        ("stacked_bi_lstm", "adding", {"seq_len": 8}),
        ("jordan", "adding", {"seq_len": 8}),
    ],
)
def test_screenshot_is_not_blank(qapp, qtbot, make_panel, name, task, options):
    if not qapp.property("rnnviz_styled"):  # the look the main window gives the app
        style.apply_app_style(qapp)
        qapp.setProperty("rnnviz_styled", True)
    panel, record = make_panel(name, task, **options)
    panel.cursor.set_t(2)
    if task == "slot_filling":  # word tokens label the inputs
        texts = [item.toPlainText() for item in panel._token_items]
        assert (
            texts[:5]
            == record.sample.input_tokens[:5]
            == ["arrive", "Taipei", "on", "November", "2nd"]
        )
    qtbot.wait(30)  # let the layout settle (axis widths), as a shown window would
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"unrolled_{name}_{task}.png"
    assert panel.grab().save(str(path))
    assert _distinct_colours(path) > 50


def test_the_legend_names_only_the_nodes_the_model_has(qtbot, make_window):
    """Issue 16 (found by the issue-18 audit): the legend listed "c ◆" for every model."""
    window = make_window("exploding_linear")
    legend = window.panels["unrolled"].legend
    # the full legend: shown, or the tooltip of its one-line form in a short panel
    assert "h \u25cf" in legend.toolTip() and "c \u25c6" not in legend.toolTip()
    window.new_from_preset("lecture_lstm")
    assert "c \u25c6" in legend.toolTip()
    window.new_from_preset("scrn_memory")
    assert "context s" in legend.toolTip() and "c \u25c6" not in legend.toolTip()


def test_a_padded_sentence_s_padding_is_drawn_faint(qtbot, make_window):
    """Issue 16, defect 9: padded positions were drawn as real steps."""
    window = make_window("slot_filling_bilstm")
    window.step_once()
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 1)
    window.show_panel("unrolled")
    panel = window.panels["unrolled"]
    mask = np.asarray(window.trainer.history.record_at(1).sample.mask)
    real = int(np.flatnonzero(mask)[-1]) + 1
    assert real < len(mask)
    alphas = np.array([brush.color().alpha() for brush in panel.nodes_item.data["brush"]])
    ts = np.array([node.t for node in panel.graph.nodes])
    assert (alphas[ts >= real] == DIM_ALPHA).all()
    assert (alphas[ts < real] > DIM_ALPHA).all()


def test_time_step_labels_never_overlap_in_a_narrow_panel(qtbot, make_window):
    """Issue 16 (seen at 1280x720): the step labels ran into each other ("16 19.31 34")."""
    from PySide6.QtWidgets import QApplication

    from tests.ui.test_log_axes import labels

    window = make_window("char_lstm")
    window.resize(900, 700)
    window.show_panel("unrolled")
    QApplication.processEvents()
    axis = window.panels["unrolled"].plot.getPlotItem().getAxis("bottom")
    drawn = labels(axis)
    assert len(drawn) >= 2
    for i, (rect, text) in enumerate(drawn):
        for other, other_text in drawn[i + 1 :]:
            assert not rect.intersects(other), (text, other_text)


def test_time_step_labels_keep_a_gap_at_projector_text(qtbot, tmp_path):
    """Issue 16 (cliff at 1600x1000, text 1.5): labels that touched read as one number
    ("10131619", 2.5 px apart at ~15 px a digit); neighbours keep a visible gap."""
    from PySide6.QtWidgets import QApplication

    from tests.ui.layout_check import shown_window
    from tests.ui.test_log_axes import labels

    window = shown_window(qtbot, tmp_path / "gap.ini", "cliff", (1600, 1000), 1.5)
    window.show_panel("unrolled")
    window.step_once()
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 1, timeout=30_000)
    QApplication.processEvents()
    drawn = sorted(
        labels(window.panels["unrolled"].plot.getPlotItem().getAxis("bottom")),
        key=lambda item: item[0].left(),
    )
    assert len(drawn) >= 5
    for (left, a), (right, b) in zip(drawn, drawn[1:], strict=False):
        assert right.left() - left.right() >= 4, (a, b, left, right)  # (2.5 px read "1013")
