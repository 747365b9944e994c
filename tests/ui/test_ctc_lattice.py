"""The CTC lattice panel in the real window: it draws the lattice of the shown sample (checked
against torch's CTC loss), follows the cursor, exports its numbers, and says what it is for
on tasks without CTC."""

from __future__ import annotations

import re

import numpy as np
import torch
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from rnnviz.engine.ctc import beam_decode, best_path_decode
from tests.ui.test_export import check_png, trained_window

TIMEOUT = 20_000


def shown_lattice(qtbot, window):
    window.show_panel("ctc_lattice")
    QApplication.processEvents()
    panel = window.panels["ctc_lattice"]
    qtbot.waitUntil(lambda: panel.view is not None, timeout=TIMEOUT)
    return panel


def test_ctc_repeats_preset_draws_the_lattice_of_the_shown_sample(qtbot, make_window, tmp_path):
    window = trained_window(qtbot, make_window, "ctc_repeats", steps=5)
    panel = shown_lattice(qtbot, window)
    sample = window.trainer.history.record_at(panel.step_tag.step).sample
    labels = [int(k) for k in sample.y if k > 0]
    T, S = len(sample.y_hat), 2 * len(labels) + 1
    image = panel.lattice_image.image
    assert image.shape == (T, S)
    assert panel.outputs_image.image.shape == (T, window.trainer.task.output_size)
    np.testing.assert_allclose(image.sum(1), 1.0, rtol=1e-9)  # each frame's posteriors
    # the log p(l|x) it names is torch's CTC loss of the displayed sample
    log_probs = torch.log_softmax(torch.from_numpy(sample.y_hat).double(), -1)
    nll = torch.nn.functional.ctc_loss(
        log_probs.unsqueeze(1),
        torch.tensor([labels]),
        torch.tensor([T]),
        torch.tensor([len(labels)]),
        reduction="sum",
    )
    assert f"log p(l∣x) = {-float(nll):.3f}" in panel.summary.text()
    # the path: one state per frame, from the first two states to the last two
    x, y = panel.path.getData()
    assert len(x) == T and y[0] - 0.5 in (0, 1) and y[-1] - 0.5 in (S - 1, S - 2)
    assert np.all(np.diff(y) >= 0) and np.all(np.diff(y) <= 2)
    # a dot on each frame's most likely class in the outputs' heatmap (the decoding's start)
    x, y = panel.graphics.argmax.getData()
    np.testing.assert_array_equal(x, np.arange(T) + 0.5)
    np.testing.assert_array_equal(y, log_probs.argmax(-1).numpy() + 0.5)
    target = "".join(window.trainer.task.output_labels[k] for k in labels)
    assert f"target:&nbsp;<b>{target}</b>" in panel.collapse.text()
    # both decodings are shown: best path and prefix beam search (beam 8)
    names = window.trainer.task.output_labels
    for how, decoded in (
        ("drop blanks", best_path_decode(log_probs)),
        ("beam search", beam_decode(log_probs, beam=8)),
    ):
        spelled = "".join(names[k] for k in decoded) or "(empty)"
        spelled = spelled if len(spelled) <= 10 else spelled[:9] + "…"
        assert re.search(f"{re.escape(how)}:&nbsp;<b[^>]*>{re.escape(spelled)}</b>",
                         panel.collapse.text())  # fmt: skip
    check_png(panel, tmp_path, "ctc_lattice")
    assert set(panel.export_tables()) == {"posterior", "outputs", "alignment"}


def test_lattice_follows_the_cursor_and_a_click_selects_a_frame(qtbot, make_window):
    window = trained_window(qtbot, make_window, "ctc_speech", steps=3)
    panel = shown_lattice(qtbot, window)
    window.cursor.set_t(6)
    assert panel.lines[0].value() == 6.5 and panel.lines[1].value() == 6.5
    assert panel.summary.text().startswith("frame 7: p(φ)")
    assert "text-decoration:underline" in panel.collapse.text()
    plot = panel.outputs_plot
    scene_point = plot.vb.mapViewToScene(QPointF(11.5, 0.5))
    view_point = panel.graphics.mapFromScene(scene_point)
    qtbot.mouseClick(panel.graphics.viewport(), Qt.MouseButton.LeftButton, pos=view_point)
    qtbot.waitUntil(lambda: window.cursor.t == 11, timeout=TIMEOUT)
    assert panel.lines[0].value() == 11.5


def test_other_tasks_get_a_note_instead_of_a_lattice(qtbot, make_window):
    window = make_window("adding_lstm")
    window.show_panel("ctc_lattice")
    panel = window.panels["ctc_lattice"]
    assert panel.note.isVisible() and not panel.graphics.isVisible()
    assert "ctc_speech" in panel.note.text()
