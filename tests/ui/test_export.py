"""Exporting panels: PNG at 1x / 2x (twice the pixels, not blank), SVG with text for the 2-D
panels, and CSV files holding exactly the numbers the panels drew (read back and compared
with the step record and the history). Runs in the real window after a few real steps."""

from __future__ import annotations

import csv
import math
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from rnnviz.ui import export, export_menu
from rnnviz.ui.export import ExportError, Table

TIMEOUT = 20_000
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
FLAT = ("loss", "predictions", "unrolled", "gates", "memory", "cell_diagram")
GRADIENTS = ("gradients_time", "gradient_norm", "recurrent_matrix")
DOUBLED = ("loss", "gradients_time", "cell_diagram")


def trained_window(qtbot, make_window, preset: str = "adding_lstm", steps: int = 3):
    window = make_window(preset)
    window.run_steps(steps)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == steps, timeout=TIMEOUT)
    return window


def shown(qtbot, window, key: str):
    window.show_panel(key)
    panel = window.panels[key]
    qtbot.waitUntil(lambda: bool(panel.export_tables()), timeout=TIMEOUT)
    # raising a tab (and a panel building its plots when first shown) can resize its dock
    # area a few events later (a panel's minimum size): export what is laid out, not a size
    # about to change
    sizes = []
    while len(sizes) < 5 or (len(set(sizes[-5:])) > 1 and len(sizes) < 100):
        QApplication.processEvents()
        sizes.append((panel.width(), panel.height()))
    return panel


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def column(rows: list[list[str]], index: int) -> np.ndarray:
    return np.array([float(r[index]) if r[index] != "" else math.nan for r in rows])


def distinct_colours(image: QImage) -> int:
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    data = np.frombuffer(image.constBits(), dtype=np.uint32).reshape(image.height(), -1)
    return len(np.unique(data[:, : image.width()]))


def check_png(panel, folder: Path, name: str, double: bool = False) -> QImage:
    """The PNG at 1x (the panel's size, not blank) and, with ``double``, at 2x (twice the
    pixels each way, not blank); returns the larger."""
    one = export.export_png(panel, folder / f"{name}.png", scale=1)
    small = QImage(str(one))
    assert not small.isNull() and (small.width(), small.height()) == (
        panel.width(),
        panel.height(),
    )
    assert distinct_colours(small) > 20, f"{name}: the PNG looks blank"
    if not double:
        return small
    two = export.export_png(panel, folder / f"{name}@2x.png", scale=2)
    large = QImage(str(two))
    assert (large.width(), large.height()) == (2 * small.width(), 2 * small.height())
    assert distinct_colours(large) > 20, f"{name}: the 2x PNG looks blank"
    return large


def check_svg(panel, folder: Path, name: str) -> list[str]:
    path = export.export_svg(panel, folder / f"{name}.svg")
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    texts = [
        "".join(el.itertext()).strip() for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "text"
    ]
    texts = [t for t in texts if t]
    assert texts, f"{name}: the SVG has no text"
    return texts


def no_temporary_files(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_two_dimensional_panels_export_png_svg_and_their_numbers(qtbot, make_window, tmp_path):
    window = trained_window(qtbot, make_window)
    trainer = window.trainer
    history = trainer.history
    record = history.record_at(trainer.step_count)
    assert record is not None and record.full
    chain = trainer.chains[0]
    files: dict[str, dict[str, Path]] = {}  # panel -> table -> the CSV file written
    for key in FLAT + GRADIENTS:
        panel = shown(qtbot, window, key)
        # 2x is the same drawing at a scale: checked on a line plot, a heatmap and a drawing
        large = check_png(panel, tmp_path, key, double=key in DOUBLED)
        check_svg(panel, tmp_path, key)
        if key in ("loss", "gradients_time"):
            ARTIFACTS.mkdir(exist_ok=True)
            assert large.save(str(ARTIFACTS / f"export_{key}@2x.png"))
        written = export.export_csv(panel, tmp_path / f"{key}.csv")
        tables = panel.export_tables()
        if len(tables) == 1:
            assert written == [tmp_path / f"{key}.csv"]
        else:
            assert written == [tmp_path / f"{key}_{name}.csv" for name in tables]
        for path, table in zip(written, tables.values(), strict=True):
            header, rows = read_csv(path)
            assert header == [str(h) for h in table.header]
            assert len(rows) == len(table)
        files[key] = dict(zip(tables, written, strict=True))
    no_temporary_files(tmp_path)

    # the loss panel: step, loss, moving average, metrics = the history's series
    header, rows = read_csv(files["loss"]["loss"])
    assert header[:3] == ["step", "loss", "loss (moving average)"]
    np.testing.assert_array_equal(column(rows, 0), history.series("step"))
    np.testing.assert_array_equal(column(rows, 1), history.series("loss"))
    for name in history.metric_names():
        np.testing.assert_array_equal(
            column(rows, header.index(name)), history.series(f"metric:{name}")
        )

    # ||dL/dh_t|| per t: the record's own numbers, every digit
    header, rows = read_csv(files["gradients_time"]["norms"])
    assert header[0] == "t"
    assert [int(r[0]) for r in rows] == list(range(1, len(record.dh_norm[chain]) + 1))
    np.testing.assert_array_equal(column(rows, 1), record.dh_norm[chain])
    if record.dc_norm:
        np.testing.assert_array_equal(
            column(rows, header.index(next(h for h in header if "dc_t" in h))),
            record.dc_norm[chain],
        )
    header, rows = read_csv(files["gradients_time"]["map"])
    steps, values = history.dh_map(chain)
    assert header[0] == "step" and header[1] == "t=1"
    np.testing.assert_array_equal(column(rows, 0), steps)
    np.testing.assert_array_equal(np.array([[float(v) for v in r[1:]] for r in rows]), values)

    # gate and cell heatmaps: t down, units across, the record's trace
    trace = record.sample.trace[chain]
    for key, quantity in (("gates", "i"), ("gates", "f"), ("memory", "c"), ("memory", "h")):
        header, rows = read_csv(files[key][quantity])
        units = trace[quantity].shape[1]
        assert header[0] == "t" and header[-units:] == [f"unit {u}" for u in range(units)]
        assert [int(r[0]) for r in rows] == list(range(1, trace[quantity].shape[0] + 1))
        grid = np.array([[float(v) for v in r[-units:]] for r in rows])
        np.testing.assert_array_equal(grid, trace[quantity])

    # the cell diagram's values at the cursor's t and unit
    header, rows = read_csv(files["cell_diagram"]["values"])
    assert header == ["t", "unit", "chain", "quantity", "value"]
    values = {r[3]: r[4] for r in rows}
    t, unit = window.cursor.t, window.cursor.unit
    assert float(values["c'"]) == float(trace["c"][t, unit])
    assert float(values["f(z_i)"]) == float(trace["i"][t, unit])
    assert float(values["a"]) == float(trace["h"][t, unit])

    # the gradient norm: before / after clipping per step
    header, rows = read_csv(files["gradient_norm"]["norm"])
    assert header[0] == "step"
    np.testing.assert_array_equal(column(rows, 1), history.series("grad_norm"))
    np.testing.assert_array_equal(column(rows, 2), history.series("grad_norm_clipped"))

    # the recurrent matrix: rho per recorded step, eigenvalues of the selected matrix
    header, rows = read_csv(files["recurrent_matrix"]["radius"])
    name = window.panels["recurrent_matrix"].selected_matrix()
    steps, radius = history.sparse(f"radius:{name}")
    np.testing.assert_array_equal(column(rows, 0), steps)
    np.testing.assert_array_equal(column(rows, header.index(f"ρ {name}")), radius)
    header, rows = read_csv(files["recurrent_matrix"]["eigenvalues"])
    eig = np.linalg.eigvals(np.asarray(record.recurrent[name], dtype=np.float64))
    got = column(rows, 1) + 1j * column(rows, 2)
    # the window's spectra are float32 like the weights (engine/spectra.py)
    np.testing.assert_allclose(np.sort_complex(got), np.sort_complex(eig), rtol=1e-5, atol=1e-6)

    # predictions: target and prediction series per t
    header, rows = read_csv(files["predictions"]["series"])
    assert header[0] == "t"
    for name, series in record.sample.series.items():
        np.testing.assert_array_equal(column(rows, header.index(name)), np.asarray(series))

    # unrolled graph: h nodes of the selected unit are the trace's values
    header, rows = read_csv(files["unrolled"]["nodes"])
    assert header[:3] == ["t", "kind", "chain"]
    h_nodes = {int(r[0]): float(r[3]) for r in rows if r[1] == "h" and r[2] == chain}
    for t1, value in h_nodes.items():
        assert value == float(trace["h"][t1 - 1, window.cursor.unit])


def test_text_task_tables_carry_the_tokens(qtbot, make_window, tmp_path):
    window = trained_window(qtbot, make_window, "slot_filling_bilstm", steps=2)
    record = window.trainer.history.record_at(window.trainer.step_count)
    tokens = list(record.sample.input_tokens)
    chains = window.trainer.chains
    assert len(chains) == 2  # forward and backward
    panel = shown(qtbot, window, "memory")
    written = export.export_csv(panel, tmp_path / "memory.csv")
    assert [p.name for p in written] == ["memory_c.csv", "memory_h.csv"]
    header, rows = read_csv(written[1])
    assert header[:3] == ["t", "token", "unit 0"]
    real = int(np.count_nonzero(record.sample.mask))  # the padding is not exported (#16)
    assert [r[1] for r in rows] == tokens[:real]
    trace = record.sample.trace[panel.chain]["h"][:real]
    np.testing.assert_array_equal(np.array([[float(v) for v in r[2:]] for r in rows]), trace)
    panel = shown(qtbot, window, "predictions")
    header, rows = read_csv(export.export_csv(panel, tmp_path / "p.csv")[0])
    assert header == ["t", "input", "target", "predicted"]
    assert [r[1] for r in rows] == tokens
    assert [r[3] for r in rows] == list(record.sample.predicted_tokens)[: len(rows)]
    panel = shown(qtbot, window, "gradients_time")
    header, rows = read_csv(export.export_csv(panel, tmp_path / "g.csv")[0])
    real = int(np.flatnonzero(record.sample.mask)[-1]) + 1  # the padding is not drawn
    for chain in chains:  # one column per direction
        name = next(h for h in header if h.endswith(f"||dL/dh_t|| {chain}"))
        drawn = record.dh_norm[chain][:real]
        np.testing.assert_array_equal(column(rows, header.index(name)), drawn)


def test_nothing_drawn_and_bad_paths_are_one_sentence(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window("adding_rnn")
    panel = window.panels["recurrent_matrix"]  # behind a tab: not drawn (step 0 is, on screen)
    assert panel.export_tables() == {}
    with pytest.raises(ExportError, match="drawn nothing yet"):
        export.export_csv(panel, tmp_path / "empty.csv")
    window.run_steps(2)
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 2, timeout=TIMEOUT)
    panel = shown(qtbot, window, "loss")
    with pytest.raises(ExportError, match="does not exist"):
        export.export_png(panel, tmp_path / "missing" / "loss.png")
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o500)
    try:
        if not os.access(locked, os.W_OK):  # (root may write anyway)
            with pytest.raises(ExportError, match="Could not write"):
                export.export_csv(panel, locked / "loss.csv")
    finally:
        os.chmod(locked, 0o700)
    # through the menu: the error is a message box with one sentence, nothing raised
    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: messages.append(text))
    assert export_menu.run_export(panel, panel, "png", 2, str(tmp_path / "nope" / "x.png")) == []
    assert len(messages) == 1 and messages[0].endswith(".") and "\n" not in messages[0]
    with pytest.raises(ExportError, match="1, 2 or 4"):
        export.export_png(panel, tmp_path / "x.png", scale=3)


def test_menus_and_the_window_dialog_export(qtbot, make_window, tmp_path, monkeypatch):
    window = trained_window(qtbot, make_window, "adding_rnn", steps=2)
    panel = shown(qtbot, window, "loss")
    menu = export_menu.install_export_menu(
        panel
    )  # the window installed it, reporting to the status bar
    assert export_menu.install_export_menu(panel) is menu
    texts = [a.text() for a in menu.actions()]
    assert texts == [
        "Export PNG 1x…",
        "Export PNG 2x…",
        "Export PNG 4x…",
        "Export SVG…",
        "Export data as CSV…",
    ]
    # the plots' own right-click menus offer the same
    boxes = list(export_menu._view_boxes(panel))
    assert boxes and all(
        any(a.text() == "Export panel" for a in box.menu.actions()) for box in boxes
    )
    target = tmp_path / "from_menu"
    monkeypatch.setattr(
        export_menu.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "")
    )
    menu.actions()[1].trigger()
    png = tmp_path / "from_menu.png"
    assert png.exists() and QImage(str(png)).width() == 2 * panel.width()
    assert "from_menu.png" in window.statusBar().currentMessage()
    menu.actions()[4].trigger()
    tables = panel.export_tables()
    names = ["from_menu.csv"] if len(tables) == 1 else [f"from_menu_{k}.csv" for k in tables]
    assert all((tmp_path / name).exists() for name in names), os.listdir(tmp_path)

    dialog = export_menu.ExportDialog(window, window.panels, "gradient_norm")
    qtbot.addWidget(dialog)
    assert dialog.panel() is window.panels["gradient_norm"]
    assert Path(dialog.path_edit.text()).name == "rnnviz_gradient_norm@2x.png"
    labels = [f[0] for f in export_menu.FORMATS]
    dialog.format_box.setCurrentIndex(labels.index("data as CSV"))
    assert Path(dialog.path_edit.text()).name == "rnnviz_gradient_norm.csv"
    dialog.path_edit.setText(str(tmp_path / "norm.csv"))  # typed: its name is kept
    dialog.format_box.setCurrentIndex(labels.index("SVG (2D panels)"))
    assert dialog.path_edit.text() == str(tmp_path / "norm.svg")
    dialog._save()
    assert dialog.written == [tmp_path / "norm.svg"]
    ET.parse(tmp_path / "norm.svg")


def test_table_cells_keep_every_digit():
    table = Table(["t", "x", "label", "flag"], [[1, 0.1 + 0.2, "a,b", True], [2, None, "", False]])
    assert export.table_text(table).splitlines() == [
        "t,x,label,flag",
        '1,0.30000000000000004,"a,b",1',
        "2,,,0",
    ]
    merged = export.merged_table("step", {"a": ([1, 3], [1.5, 2.5]), "b": ([2, 3], [7.0, 8.0])})
    assert merged.rows == [[1, 1.5, None], [2, None, 7.0], [3, 2.5, 8.0]]


def surface_in_3d(qtbot, window, timeout: int = TIMEOUT):
    """Show ``window``'s loss surface, compute a 21x21 grid and wait until its 3D view is
    drawn; returns the panel."""
    window.show_panel("loss_surface")
    panel = window.panels["loss_surface"]
    panel.resolution.setValue(21)
    qtbot.waitUntil(lambda: panel.gl_view is not None, timeout=timeout)
    qtbot.waitUntil(lambda: panel.grid is not None and panel.grid.final, timeout=timeout)
    qtbot.waitUntil(lambda: not panel.worker.running, timeout=timeout)
    qtbot.waitUntil(lambda: panel.gl_view.widget.isValid(), timeout=timeout)
    return panel


@pytest.mark.gl
def test_loss_surface_exports_its_3d_view_grid_and_path(qtbot, make_window, tmp_path):
    window = trained_window(qtbot, make_window, "cliff", steps=5)
    panel = surface_in_3d(qtbot, window)
    assert panel.shown_gl_widget() is panel.gl_view.widget
    large = check_png(panel, tmp_path, "surface", double=True)
    ARTIFACTS.mkdir(exist_ok=True)
    assert large.save(str(ARTIFACTS / "export_loss_surface@2x.png"))
    with pytest.raises(ExportError, match="3D view"):
        export.export_svg(panel, tmp_path / "surface.svg")

    written = export.export_csv(panel, tmp_path / "surface.csv")
    assert tmp_path / "surface_surface.csv" in written
    header, rows = read_csv(tmp_path / "surface_surface.csv")
    grid = panel.grid
    assert [float(v) for v in header[1:]] == grid.b.tolist()
    np.testing.assert_array_equal(column(rows, 0), grid.a)
    np.testing.assert_array_equal(np.array([[float(v) for v in r[1:]] for r in rows]), grid.loss)
    header, rows = read_csv(tmp_path / "surface_path.csv")
    assert header[0] == "step" and len(rows) >= 2

    panel.tabs.setCurrentIndex(1)  # the map is 2-D: an SVG
    QApplication.processEvents()
    assert panel.shown_gl_widget() is None
    check_svg(panel, tmp_path, "surface_map")


def test_compare_mode_exports_the_second_run_beside_the_first(qtbot):
    from rnnviz.session.cursor import Cursor
    from rnnviz.ui.panels.base import RunContext
    from rnnviz.ui.panels.gradient_norm import GradientNormPanel
    from rnnviz.ui.panels.gradients_time import GradientsTimePanel
    from rnnviz.ui.panels.loss import LossPanel
    from rnnviz.ui.panels.recurrent_matrix import RecurrentMatrixPanel
    from tests.engine.test_gradient_lessons import adding_pair

    (_, rnn_trainer, rnn), (label, lstm_trainer, lstm) = adding_pair()
    context = RunContext(
        spec=rnn_trainer.spec,
        task=rnn_trainer.task,
        chains=rnn_trainer.chains,
        config=rnn_trainer.config,
    )
    classes = (LossPanel, GradientsTimePanel, GradientNormPanel, RecurrentMatrixPanel)
    panels = {}
    for cls in classes:
        panel = cls(Cursor())
        qtbot.addWidget(panel)
        panel.reset(context)
        panel.show_record(rnn, rnn_trainer.history)
        panel.show_compare(label, lstm, lstm_trainer.history)
        panels[cls.key] = panel
    tables = panels["gradients_time"].export_tables()
    header = tables["norms"].header
    rows = tables["norms"].rows
    for name, expected in (
        ("tanh RNN: ||dL/dh_t||", rnn.dh_norm["L0.fwd"]),
        ("LSTM: ||dL/dh_t||", lstm.dh_norm["L0.fwd"]),
        ("LSTM: ||dL/dc_t||", lstm.dc_norm["L0.fwd"]),
    ):
        got = [row[header.index(name)] for row in rows]
        np.testing.assert_array_equal(got, expected)
    tables = panels["gradient_norm"].export_tables()
    np.testing.assert_array_equal(
        [row[1] for row in tables["compare"].rows], lstm_trainer.history.series("grad_norm")
    )
    assert "compare" in panels["loss"].export_tables()
    tables = panels["recurrent_matrix"].export_tables()
    assert "LSTM: ρ L0.fwd W_hh (f)" in tables["radius"].header
    for panel in panels.values():  # compare mode ends: its tables go
        panel.show_compare(label, None, None)
        assert not any("compare" in k for k in panel.export_tables())
        assert not any("LSTM" in str(h) for t in panel.export_tables().values() for h in t.header)
