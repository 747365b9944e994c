"""Dockable panels. The main window builds one dock per registered Panel class.

To add a panel, write a Panel subclass in this package (unique ``key``, a ``title``) and add
one line to ``default_panel_classes`` below -- or call ``register_panel(MyPanel)`` before the
window is built (e.g. from a plugin). Order = default dock order.
"""

from __future__ import annotations

from rnnviz.ui.panels.base import Panel, RunContext

_EXTRA: list[type[Panel]] = []


def register_panel(panel_class: type[Panel]) -> type[Panel]:
    """Add a panel class to every main window built after this call (usable as a decorator)."""
    if not (isinstance(panel_class, type) and issubclass(panel_class, Panel)):
        raise TypeError(f"{panel_class!r} is not a Panel subclass")
    if panel_class not in _EXTRA:
        _EXTRA.append(panel_class)
    return panel_class


def default_panel_classes() -> list[type[Panel]]:
    """The panels a main window shows, in default order. Add new panels here (one line)."""
    from rnnviz.ui.panels.attention import AttentionPanel
    from rnnviz.ui.panels.cell_diagram import CellDiagramPanel
    from rnnviz.ui.panels.crf_lattice import CRFLatticePanel
    from rnnviz.ui.panels.ctc_lattice import CTCLatticePanel
    from rnnviz.ui.panels.gates import GatesPanel
    from rnnviz.ui.panels.gradient_norm import GradientNormPanel
    from rnnviz.ui.panels.gradients_time import GradientsTimePanel
    from rnnviz.ui.panels.loss import LossPanel
    from rnnviz.ui.panels.loss_surface import LossSurfacePanel
    from rnnviz.ui.panels.memory import MemoryPanel
    from rnnviz.ui.panels.ntm_memory import NTMMemoryPanel
    from rnnviz.ui.panels.parse_tree import ParseTreePanel
    from rnnviz.ui.panels.predictions import PredictionsPanel
    from rnnviz.ui.panels.recurrent_matrix import RecurrentMatrixPanel
    from rnnviz.ui.panels.seq2seq_graph import Seq2SeqGraphPanel
    from rnnviz.ui.panels.sequence_codes import SequenceCodesPanel
    from rnnviz.ui.panels.unrolled import UnrolledPanel

    classes: list[type[Panel]] = [
        LossPanel,
        PredictionsPanel,
        UnrolledPanel,
        GatesPanel,
        MemoryPanel,
        CellDiagramPanel,
        GradientsTimePanel,
        GradientNormPanel,
        RecurrentMatrixPanel,
        LossSurfacePanel,
        CTCLatticePanel,
        AttentionPanel,
        SequenceCodesPanel,
        Seq2SeqGraphPanel,
        CRFLatticePanel,
        ParseTreePanel,
        NTMMemoryPanel,
    ]
    for extra in _EXTRA:
        if extra not in classes:
            classes.append(extra)
    keys = [c.key for c in classes]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise ValueError(f"panel keys must be unique; repeated: {sorted(duplicates)}")
    return classes


__all__ = ["Panel", "RunContext", "register_panel", "default_panel_classes"]
