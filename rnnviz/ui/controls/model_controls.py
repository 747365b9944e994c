"""Model settings: which recurrent network, how wide and deep, which activations."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLineEdit

from rnnviz.engine.spec import (
    ACTIVATIONS,
    ATTENTIONS,
    COMBINES,
    HEADS,
    KINDS,
    MODEL_FIELDS,
    ModelSpec,
)
from rnnviz.ui.controls.ntm_controls import NTMRows
from rnnviz.ui.controls.widgets import combo, int_box, set_combo

KIND_LABELS = {
    "elman": "Simple RNN (Elman)",
    "irnn": "IRNN (ReLU, identity init)",
    "jordan": "Jordan network",
    "lstm": "LSTM",
    "gru": "GRU",
    "clockwork": "Clockwork RNN",
    "scrn": "SCRN (slow context)",
    "ntm": "Neural Turing Machine",
}

TIPS = {
    "kind": "The recurrent cell: a simple RNN feeds h(t-1) back, Jordan feeds the previous "
    "output back, LSTM and GRU add gates that decide what to remember and forget, the Clockwork "
    "RNN updates groups of units at different clock rates, the SCRN adds a slowly decaying "
    "context layer, the Neural Turing Machine adds heads that write to and read from a memory "
    "matrix.",
    "hidden_size": "Number of hidden units per layer: more units can remember more, but are "
    "slower to train and harder to look at.",
    "num_layers": "Stacked recurrent layers: each layer reads the hidden states of the one "
    "below (a deep RNN).",
    "bidirectional": "Adds a second chain that reads the sequence backwards, so every output "
    "sees both past and future inputs.",
    "combine": "How the forward and backward hidden states are merged before the output: "
    "side by side (concat) or added (sum).",
    "activation": "The squashing function f in h(t) = f(W x(t) + U h(t-1) + b) of a simple "
    "RNN; tanh keeps values in (-1, 1), ReLU does not saturate but can explode.",
    "peephole": "Lets the LSTM gates look at the memory cell c directly (peephole "
    "connections, Gers & Schmidhuber 2000).",
    "forget_gate": "Without a forget gate (the original 1997 LSTM) the memory cell can only "
    "accumulate; the forget gate lets it erase.",
    "cell_input_activation": "g, applied to the LSTM's candidate cell input z; the lecture's "
    "worked example uses a linear g.",
    "cell_output_activation": "h, applied to the memory cell before the output gate; the "
    "lecture's worked example uses a linear h.",
    "clock_periods": "Clockwork RNN: the update period of each module, fastest first, e.g. "
    "1, 2, 4, 8. Module i updates only at steps t with t mod T_i = 0 and keeps its value "
    "otherwise; it reads only itself and slower modules. The hidden units are split equally "
    "between the modules, so their number must divide the hidden units.",
    "context_size": "SCRN: the slow context units s(t) = (1 - a) B x(t) + a s(t-1) beside the "
    "hidden units; the hidden units and the output read them.",
    "context_alpha": "SCRN: how slowly the context changes, a in [0, 1), fixed (not trained). "
    "Near 1 the context averages the input over about 1 / (1 - a) steps; 0 makes it B x(t).",
    "seq2seq": "An encoder-decoder: the encoder reads the input, the decoder writes the "
    "output and <eos> (sequence-to-sequence tasks: reverse, dates, seq2seq_autoencoder).",
    "attention": "What the decoder reads of the encoder: nothing but its last state (none), "
    "or at each output step a softmax-weighted sum of all encoder states, scored additively "
    "(Bahdanau) or by a dot product (Luong).",
    "crf": "A CRF output layer (BiLSTM-CRF): learned scores for every tag following every "
    "other tag; trained on whole tag paths and decoded by Viterbi, so the tags it predicts "
    "fit together (tagging tasks only).",
    "head": "The output layer: a learned linear map from the hidden state, or the hidden "
    "state itself (identity) as in the one-neuron toy examples.",
}


class ModelControls(QGroupBox):
    """Edits a ModelSpec (input and output sizes come from the task)."""

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__("Model", parent)
        form = QFormLayout(self)
        self.kind = combo(KINDS, TIPS["kind"], KIND_LABELS)
        # the declared ranges (a session trained with 512 units must show 512, not 256)
        self.hidden_size = int_box(1, MODEL_FIELDS["hidden_size"].high, TIPS["hidden_size"])
        self.num_layers = int_box(1, MODEL_FIELDS["num_layers"].high, TIPS["num_layers"])
        self.bidirectional = QCheckBox("bidirectional")
        self.bidirectional.setToolTip(TIPS["bidirectional"])
        self.combine = combo(COMBINES, TIPS["combine"])
        self.activation = combo(ACTIVATIONS, TIPS["activation"])
        self.peephole = QCheckBox("peephole connections")
        self.peephole.setToolTip(TIPS["peephole"])
        self.forget_gate = QCheckBox("forget gate")
        self.forget_gate.setToolTip(TIPS["forget_gate"])
        self.cell_input_activation = combo(ACTIVATIONS, TIPS["cell_input_activation"])
        self.cell_output_activation = combo(ACTIVATIONS, TIPS["cell_output_activation"])
        self.head = combo(HEADS, TIPS["head"])
        self.clock_periods = QLineEdit()
        self.clock_periods.setToolTip(TIPS["clock_periods"])
        self.context_size = int_box(1, MODEL_FIELDS["context_size"].high, TIPS["context_size"])
        self.context_alpha = QDoubleSpinBox()
        self.context_alpha.setRange(0.0, 0.999)
        self.context_alpha.setDecimals(3)
        self.context_alpha.setSingleStep(0.01)
        self.context_alpha.setKeyboardTracking(False)
        self.context_alpha.setToolTip(TIPS["context_alpha"])
        self.seq2seq = QCheckBox("encoder-decoder")
        self.seq2seq.setToolTip(TIPS["seq2seq"])
        self.attention = combo(ATTENTIONS, TIPS["attention"])
        self.crf = QCheckBox("CRF output layer")
        self.crf.setToolTip(TIPS["crf"])
        form.addRow("cell", self.kind)
        form.addRow("hidden units", self.hidden_size)
        form.addRow("layers", self.num_layers)
        form.addRow(self.bidirectional)
        form.addRow("combine", self.combine)
        form.addRow("activation", self.activation)
        form.addRow(self.peephole)
        form.addRow(self.forget_gate)
        form.addRow("cell input g", self.cell_input_activation)
        form.addRow("cell output h", self.cell_output_activation)
        form.addRow("clock periods", self.clock_periods)
        form.addRow("context units", self.context_size)
        form.addRow("context decay", self.context_alpha)
        form.addRow("output", self.head)
        form.addRow(self.seq2seq)
        form.addRow("attention", self.attention)
        form.addRow(self.crf)
        self.ntm = NTMRows(form, self._edited)
        self._form = form
        self._base = ModelSpec()
        for box in (self.kind, self.combine, self.activation, self.head, self.attention):
            box.currentIndexChanged.connect(self._edited)
        for box in (self.cell_input_activation, self.cell_output_activation):
            box.currentIndexChanged.connect(self._edited)
        for box in (self.hidden_size, self.num_layers, self.context_size, self.context_alpha):
            box.valueChanged.connect(self._edited)
        self.clock_periods.textEdited.connect(self._edited)
        for box in (self.bidirectional, self.peephole, self.forget_gate, self.seq2seq):
            box.toggled.connect(self._edited)
        self.crf.toggled.connect(self._edited)

    def load(self, spec: ModelSpec) -> None:
        self._base = spec
        widgets = (
            self.kind,
            self.hidden_size,
            self.num_layers,
            self.bidirectional,
            self.combine,
            self.activation,
            self.peephole,
            self.forget_gate,
            self.cell_input_activation,
            self.cell_output_activation,
            self.head,
            self.clock_periods,
            self.context_size,
            self.context_alpha,
            self.seq2seq,
            self.attention,
            self.crf,
        )
        for w in widgets:
            w.blockSignals(True)
        try:
            set_combo(self.kind, spec.kind)
            self.hidden_size.setValue(spec.hidden_size)
            self.num_layers.setValue(spec.num_layers)
            self.bidirectional.setChecked(spec.bidirectional)
            set_combo(self.combine, spec.combine)
            set_combo(self.activation, spec.activation)
            self.peephole.setChecked(spec.peephole)
            self.forget_gate.setChecked(spec.forget_gate)
            set_combo(self.cell_input_activation, spec.cell_input_activation)
            set_combo(self.cell_output_activation, spec.cell_output_activation)
            set_combo(self.head, spec.head)
            self.clock_periods.setText(", ".join(map(str, spec.clock_periods)))
            self.context_size.setValue(spec.context_size)
            self.context_alpha.setValue(spec.context_alpha)
            self.seq2seq.setChecked(spec.seq2seq)
            set_combo(self.attention, spec.attention)
            self.crf.setChecked(spec.crf)
            self.ntm.load(spec)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._update_visibility()

    def values(self) -> dict:
        """The edited settings (not validated; ModelSpec(**...) validates)."""
        data = self._base.to_dict()
        data.update(
            kind=self.kind.currentData(),
            hidden_size=self.hidden_size.value(),
            num_layers=self.num_layers.value(),
            bidirectional=self.bidirectional.isChecked(),
            combine=self.combine.currentData(),
            activation=self.activation.currentData(),
            peephole=self.peephole.isChecked(),
            forget_gate=self.forget_gate.isChecked(),
            cell_input_activation=self.cell_input_activation.currentData(),
            cell_output_activation=self.cell_output_activation.currentData(),
            head=self.head.currentData(),
            clock_periods=self.clock_periods.text(),  # parsed (and checked) by spec_for
            context_size=self.context_size.value(),
            context_alpha=self.context_alpha.value(),
            seq2seq=self.seq2seq.isChecked(),
            attention=self.attention.currentData() if self.seq2seq.isChecked() else "none",
            crf=self.crf.isChecked(),
        )
        data.update(self.ntm.values())
        return data

    def spec_for(self, input_size: int, output_size: int) -> ModelSpec:
        """Build the spec for a task's sizes; raises SpecError with the reason."""
        data = self.values()
        data.update(input_size=input_size, output_size=output_size)
        data["clock_periods"] = MODEL_FIELDS["clock_periods"].parse(data["clock_periods"], "model")
        return ModelSpec(**data)

    def _edited(self) -> None:
        self._update_visibility()
        self.changed.emit()

    def _update_visibility(self) -> None:
        kind = self.kind.currentData()
        lstm = kind == "lstm"
        simple = kind in ("elman", "jordan", "clockwork", "scrn")
        self._set_row_visible(self.activation, simple)
        self._set_row_visible(self.clock_periods, kind == "clockwork")
        self._set_row_visible(self.context_size, kind == "scrn")
        self._set_row_visible(self.context_alpha, kind == "scrn")
        for w in (
            self.peephole,
            self.forget_gate,
            self.cell_input_activation,
            self.cell_output_activation,
        ):
            self._set_row_visible(w, lstm)
        self._set_row_visible(self.combine, self.bidirectional.isChecked())
        self._set_row_visible(self.attention, self.seq2seq.isChecked())
        self.ntm.set_visible(kind == "ntm")

    def _set_row_visible(self, widget, visible: bool) -> None:
        self._form.setRowVisible(widget, visible)
