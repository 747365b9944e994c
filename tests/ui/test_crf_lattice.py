"""The CRF lattice panel in the real window: both BIO presets open and train, the panel draws
the shown sample's CRF (checked against crf.py on the recorded emissions), follows the
cursor, exports its numbers, and says what it is for on models without a CRF."""

from __future__ import annotations

import numpy as np
import torch
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication

from rnnviz.engine.bio import illegal_steps
from rnnviz.engine.crf import crf_marginals, crf_viterbi
from tests.ui.test_export import check_png, trained_window

TIMEOUT = 20_000


def shown_lattice(qtbot, window):
    window.show_panel("crf_lattice")
    QApplication.processEvents()
    panel = window.panels["crf_lattice"]
    qtbot.waitUntil(lambda: panel.view is not None, timeout=TIMEOUT)
    return panel


def test_slot_filling_crf_draws_the_lattice_of_the_shown_sample(qtbot, make_window, tmp_path):
    window = trained_window(qtbot, make_window, "slot_filling_crf", steps=4)
    panel = shown_lattice(qtbot, window)
    assert window.compare_trainer is not None  # the softmax model trains beside it
    trainer = window.trainer
    sample = trainer.history.record_at(panel.step_tag.step).sample
    tags = trainer.task.output_labels
    n, K = int(sample.mask.sum()), len(tags)
    # the marginals and the path it draws are crf.py's, on the recorded emissions
    crf = trainer.model.crf
    emissions = torch.from_numpy(sample.y_hat[:n]).double()
    a = torch.from_numpy(sample.crf["transitions"]) + crf.fixed_transitions.double()
    s = torch.from_numpy(sample.crf["start"]) + crf.fixed_start.double()
    e = torch.from_numpy(sample.crf["end"])
    image = panel.lattice_image.image
    assert image.shape == (n, K)
    np.testing.assert_allclose(image, crf_marginals(emissions, a, s, e).numpy(), atol=1e-9)
    np.testing.assert_allclose(image.sum(1), 1.0, atol=1e-9)
    _, best = crf_viterbi(emissions, a, s, e)
    x, y = panel.viterbi.getData()
    assert list(y - 0.5) == best and illegal_steps([tags[k] for k in best]) == []
    # the argmax beside it, its illegal moves crossed
    argmax = sample.y_hat[:n].argmax(1)
    assert list(panel.argmax.getData()[1] - 0.5) == argmax.tolist()
    crossed = panel.illegal_marks.getData()[0] - 0.5
    assert crossed.tolist() == illegal_steps([tags[k] for k in argmax])
    assert panel.trans_image.image.shape == (K, K)
    assert set(panel.export_tables()) == {"marginals", "softmax", "transitions"}
    check_png(panel, tmp_path, "crf_lattice")


def test_lattice_follows_the_cursor_and_a_click_selects_a_word(qtbot, make_window):
    window = trained_window(qtbot, make_window, "slot_filling_crf", steps=2)
    panel = shown_lattice(qtbot, window)
    window.cursor.set_t(3)
    assert panel.lines[0].value() == 3.5 and panel.lines[1].value() == 3.5
    assert panel.summary.text().startswith("word 4 “on”")
    plot = panel.argmax_plot
    scene_point = plot.vb.mapViewToScene(QPointF(1.5, 0.5))
    view_point = panel.graphics.mapFromScene(scene_point)
    qtbot.mouseClick(panel.graphics.viewport(), Qt.MouseButton.LeftButton, pos=view_point)
    qtbot.waitUntil(lambda: window.cursor.t == 1, timeout=TIMEOUT)
    assert panel.summary.text().startswith("word 2 “New”")


def test_softmax_preset_shows_its_compare_runs_crf(qtbot, make_window):
    window = trained_window(qtbot, make_window, "slot_filling_bilstm_bio", steps=2)
    panel = shown_lattice(qtbot, window)
    assert window.trainer.model.crf is None and window.compare_trainer.model.crf is not None
    assert panel.summary.text().startswith("[CRF] word")


def test_other_models_get_a_note_instead_of_a_lattice(qtbot, make_window):
    window = make_window("slot_filling_bilstm")
    window.show_panel("crf_lattice")
    panel = window.panels["crf_lattice"]
    assert panel.note.isVisible() and not panel.graphics.isVisible()
    assert "slot_filling_crf" in panel.note.text()


def test_ticking_crf_output_layer_makes_a_crf_tagger(qtbot, make_window):
    window = make_window("slot_filling_bilstm")
    sidebar = window.sidebar
    assert sidebar.model.crf.isVisible() and not sidebar.model.crf.isChecked()
    box = sidebar.model.crf  # a click on its tick box (the row is wider than box and text)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked() and sidebar.pending
    qtbot.mouseClick(sidebar.apply_button, Qt.MouseButton.LeftButton)
    assert window.trainer.spec.crf and window.trainer.model.crf is not None
    window.run_steps(2)
    qtbot.waitUntil(lambda: window.shown_step == 2 and not window.running, timeout=TIMEOUT)
    panel = shown_lattice(qtbot, window)
    assert panel.lattice_image.image.shape[1] == 4  # slot_filling's tags
    # a CRF on a regression task is refused with one sentence, not applied
    window.sidebar.task.kind.setCurrentIndex(window.sidebar.task.kind.findData("sine"))
    qtbot.mouseClick(sidebar.apply_button, Qt.MouseButton.LeftButton)
    assert "tags every step of a classification task" in sidebar.message.text()
