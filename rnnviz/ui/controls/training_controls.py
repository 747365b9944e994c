"""Training settings. Learning rate, clipping and what the gradient panels show apply
mid-run; the rest need a reset."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox

from rnnviz.engine.train_config import (
    CLIP_MODES,
    GRADIENTS_OF,
    OPTIMIZERS,
    TRAIN_FIELDS,
    TrainConfig,
)
from rnnviz.ui.controls.seed_box import SeedBox
from rnnviz.ui.controls.widgets import FloatBox, combo, int_box, set_combo

OPTIMIZER_LABELS = {
    "sgd": "SGD",
    "momentum": "SGD + momentum",
    "rmsprop": "RMSProp",
    "adam": "Adam",
}
CLIP_LABELS = {"none": "off", "norm": "by norm", "value": "by value"}
GRADIENTS_OF_LABELS = {"sequence": "shown sequence", "batch": "whole batch"}

TIPS = {
    "optimizer": "How a gradient becomes a weight change: SGD steps straight downhill, "
    "momentum keeps a running velocity, RMSProp and Adam scale each weight's step by its "
    "recent gradient size.",
    "lr": "The step size of gradient descent; too large and the loss jumps or explodes, too "
    "small and learning crawls. Applies immediately, marked on the loss curve.",
    "momentum": "Fraction of the previous update kept in the next one (SGD + momentum only).",
    "clip_mode": "Gradient clipping (Pascanu et al. 2013): rescale g <- mu g / ||g|| when "
    "||g|| > mu (by norm), or clamp each component to [-mu, mu] (by value). Applies immediately.",
    "clip_threshold": "The clipping threshold mu: gradients longer than this are cut back. "
    "Applies immediately, marked on the loss curve.",
    "bptt": "Backpropagation through time: 'full' sends the gradient back over the whole "
    "sequence; k > 0 cuts it every k steps (truncated BPTT), cheaper but blind to long "
    "dependencies.",
    "gradients_of": "Which loss the gradient panels' ||dL/dh_t|| and ||dL/dc_t|| are of: the "
    "shown sequence's own loss (the sequence whose gates and cells the other panels show) or "
    "the whole training batch's (what the optimiser follows; recording it costs about one "
    "more training step). Training is the same either way. Applies from the next record.",
    "batch_size": "Sequences per training step: larger batches give smoother, slower "
    "gradient estimates.",
    "seed": "The random seed of the initial weights and the training data: the same seed "
    "gives the same run.",
}


class TrainingControls(QGroupBox):
    """Edits a TrainConfig. ``live_changed`` fires for ``LIVE_FIELDS``, ``changed`` for the
    rest."""

    changed = Signal()
    live_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__("Training", parent)
        form = QFormLayout(self)
        self.optimizer = combo(OPTIMIZERS, TIPS["optimizer"], OPTIMIZER_LABELS)
        f = TRAIN_FIELDS  # the boxes hold exactly the declared ranges: what they show runs
        self.lr = FloatBox(f["lr"].low, f["lr"].high, TIPS["lr"])
        self.momentum = FloatBox(0.0, 0.999, TIPS["momentum"], decimals=3)
        self.clip_mode = combo(CLIP_MODES, TIPS["clip_mode"], CLIP_LABELS)
        self.clip_threshold = FloatBox(
            f["clip_threshold"].low, f["clip_threshold"].high, TIPS["clip_threshold"]
        )
        self.bptt = int_box(f["bptt"].low, f["bptt"].high, TIPS["bptt"], special="full")
        self.gradients_of = combo(GRADIENTS_OF, TIPS["gradients_of"], GRADIENTS_OF_LABELS)
        self.batch_size = int_box(f["batch_size"].low, f["batch_size"].high, TIPS["batch_size"])
        self.seed = SeedBox(TIPS["seed"])
        form.addRow("optimiser", self.optimizer)
        form.addRow("learning rate", self.lr)
        form.addRow("momentum", self.momentum)
        form.addRow("clip gradient", self.clip_mode)
        form.addRow("clip threshold", self.clip_threshold)
        form.addRow("BPTT steps", self.bptt)
        form.addRow("dL/dh_t of", self.gradients_of)
        form.addRow("batch size", self.batch_size)
        form.addRow("seed", self.seed)
        self._form = form
        self._base = TrainConfig()
        self.optimizer.currentIndexChanged.connect(self._structural_edit)
        self.momentum.valueChanged.connect(self.changed)
        self.bptt.valueChanged.connect(self.changed)
        self.batch_size.valueChanged.connect(self.changed)
        self.seed.valueChanged.connect(self.changed)
        self.lr.valueChanged.connect(self.live_changed)
        self.clip_mode.currentIndexChanged.connect(self._clip_edit)
        self.clip_threshold.valueChanged.connect(self.live_changed)
        self.gradients_of.currentIndexChanged.connect(self.live_changed)

    def _widgets(self):
        return (
            self.optimizer,
            self.lr,
            self.momentum,
            self.clip_mode,
            self.clip_threshold,
            self.bptt,
            self.gradients_of,
            self.batch_size,
            self.seed,
        )

    def load(self, config: TrainConfig) -> None:
        self._base = config
        for w in self._widgets():
            w.blockSignals(True)
        try:
            set_combo(self.optimizer, config.optimizer)
            self.lr.setValue(config.lr)
            self.momentum.setValue(config.momentum)
            set_combo(self.clip_mode, config.clip_mode)
            self.clip_threshold.setValue(config.clip_threshold)
            self.bptt.setValue(config.bptt)
            set_combo(self.gradients_of, config.gradients_of)
            self.batch_size.setValue(config.batch_size)
            self.seed.setValue(config.seed)
        finally:
            for w in self._widgets():
                w.blockSignals(False)
        self._update_visibility()

    def values(self) -> dict:
        data = self._base.to_dict()
        data.update(
            optimizer=self.optimizer.currentData(),
            lr=float(self.lr.value()),
            momentum=float(self.momentum.value()),
            clip_mode=self.clip_mode.currentData(),
            clip_threshold=float(self.clip_threshold.value()),
            bptt=int(self.bptt.value()),
            gradients_of=self.gradients_of.currentData(),
            batch_size=int(self.batch_size.value()),
            seed=int(self.seed.value()),
        )
        return data

    def config(self) -> TrainConfig:
        """The edited config; raises SpecError with the reason when invalid."""
        return TrainConfig.from_dict(self.values())

    def _structural_edit(self) -> None:
        self._update_visibility()
        self.changed.emit()

    def _clip_edit(self) -> None:
        self._update_visibility()
        self.live_changed.emit()

    def _update_visibility(self) -> None:
        self._form.setRowVisible(self.momentum, self.optimizer.currentData() == "momentum")
        self._form.setRowVisible(self.clip_threshold, self.clip_mode.currentData() != "none")
