"""The status bar's run labels and the banner that explains what went wrong."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QToolBar, QWidget

from rnnviz.engine.record import StepRecord


class RunStatus:
    """Permanent labels at the right of the status bar: state, step, loss, steps/s."""

    def __init__(self, bar: QStatusBar) -> None:
        self.state = QLabel("paused")
        self.step = QLabel("step 0")
        self.loss = QLabel("loss –")
        self.rate = QLabel("0 steps/s")
        for label in (self.state, self.step, self.loss, self.rate):
            bar.addPermanentWidget(label)

    def show_record(self, record: StepRecord | None, steps_per_second: float = 0.0) -> None:
        """The step and loss of ``record`` (None: a run at step 0, paused)."""
        if record is None:
            self.step.setText("step 0")
            self.loss.setText("loss –")
            self.rate.setText("0 steps/s")
            self.state.setText("paused")
            return
        self.step.setText(f"step {record.step}")
        self.loss.setText(f"loss {record.loss:.4g}")
        self.rate.setText(f"{steps_per_second:.0f} steps/s")

    def show_starting(self, worker) -> None:
        """While a run waits for the training process to start (1.5-3 s importing torch),
        say so instead of "0 steps/s"."""
        if getattr(worker, "starting", False):
            self.rate.setText("starting the trainer…")


class Banner(QToolBar):
    """A message bar under the transport (the window hides it while there is nothing to
    say). Messages stay until the run starts over, so a failure is never missed; ``details``
    (e.g. a traceback) is the tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Messages", parent)
        self.setObjectName("messages")
        self.setMovable(False)
        self.label = QLabel()
        self.label.setObjectName("banner")
        self.label.setWordWrap(True)
        self.addWidget(self.label)

    def show_text(self, text: str, details: str = "") -> None:
        self.label.setText(text)
        self.label.setToolTip(details)
        self.setVisible(True)

    def clear(self) -> None:
        self.label.setText("")
        self.setVisible(False)

    @property
    def text(self) -> str:
        """What the banner says ("" while hidden)."""
        return self.label.text() if self.isVisible() else ""
