"""Issue 16, defect 9: the memory and gates heatmaps of a padded task (slot filling) drew
the padding after the sentence as real steps. The reference length is counted from the
displayed batch's own one-hot inputs (a padded step's input is all zeros), not from the
panel's code."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.ui import export
from tests.ui.test_export import read_csv, shown, trained_window


def batch_length(window) -> tuple[int, int]:
    """(real words, padded length) of the displayed sentence, from its batch."""
    x = window.trainer.display_batch.x.detach().cpu().numpy()[:, 0]
    return int(x.any(axis=-1).sum()), x.shape[0]


@pytest.mark.parametrize("key", ["memory", "gates"])
def test_padded_steps_are_cut_from_the_heatmaps(qtbot, make_window, tmp_path, key):
    window = trained_window(qtbot, make_window, "slot_filling_bilstm", steps=2)
    real, total = batch_length(window)
    assert 0 < real < total, "the displayed sentence is padded"
    record = window.trainer.history.record_at(window.trainer.step_count)
    words = list(record.sample.input_tokens)[:real]
    panel = shown(qtbot, window, key)
    for chain in window.trainer.chains:
        window.cursor.set_chain(chain)
        qtbot.waitUntil(lambda chain=chain: panel.chain == chain)
        for row in panel.rows:
            image = panel.stack.images[row.key].image
            assert image.shape[0] == real, (chain, row.key)
            full = np.asarray(record.sample.trace[chain][row.key])
            np.testing.assert_array_equal(image, full[:real])
        assert panel.stack.trace_plot.getAxis("bottom").labels == words
        assert panel.stack.steps == real
        x, _ = panel.stack.curves[panel.rows[0].key].getData()
        assert len(x) == real and x.max() < real
        # the cursor past the sentence is clamped to its last word
        window.cursor.set_t(total - 1)
        assert panel.selected()[0] == real - 1
        assert f"'{words[-1]}'" in panel.readout.text()
        window.cursor.set_t(0)
    written = export.export_csv(panel, tmp_path / f"{key}.csv")
    for path in written:
        header, rows = read_csv(path)
        assert header[:2] == ["t", "token"]
        assert [r[0] for r in rows] == [str(t + 1) for t in range(real)]
        assert [r[1] for r in rows] == words


def test_unpadded_tasks_keep_every_step(qtbot, make_window):
    window = trained_window(qtbot, make_window, "lecture_lstm", steps=1)
    panel = shown(qtbot, window, "memory")
    total = window.trainer.display_batch.x.shape[0]
    assert panel.stack.images["c"].image.shape[0] == total
    assert "padding" not in panel.stack.trace_plot.getAxis("bottom").labelText
