"""The main window's pass-throughs to its run: one place to drive the app from (the CLI,
tests, benchmarks) without knowing that the run is the ``RunController``'s and the drawing
the ``Display``'s. ``RunPassThroughs`` is a mixin of ``MainWindow``, which sets
``run_control`` and ``display``.
"""

from __future__ import annotations

from rnnviz.session.settings import RunSettings
from rnnviz.ui.workers import WorkerError


class RunPassThroughs:
    """Run control and run state, passed through to ``run_control`` / ``display``."""

    def load_preset(self, name: str | None) -> None:
        """Open a preset (None: the default demo) and get ready to train from step 0, with
        the panels its description points to in front."""
        self.run_control.load_preset(name)
        self.show_preset_panels()

    def show_preset_panels(self) -> None:
        """The panels the run's description points to, in front."""
        for key in self.run_settings.show:
            if key in self.docks:  # a panel this window lacks is simply not shown
                self.show_panel(key)

    def apply_settings(self, settings: RunSettings) -> bool:
        """Build a trainer for ``settings`` (stopping the current run). False if refused."""
        return self.run_control.apply_settings(settings)

    def run(self) -> None:
        self.run_control.run()

    def pause(self) -> None:
        self.run_control.pause()

    def step_once(self) -> None:
        self.run_control.step_once()

    def run_steps(self, n: int) -> None:
        """Train ``n`` more steps at the current speed, then pause (screenshots, tests)."""
        self.run_control.run_steps(n)

    def reset(self) -> None:
        """Back to step 0 with the seed's initial weights."""
        self.run_control.reset()

    @property
    def running(self) -> bool:
        """Training, or finished but not yet drawn (False: everything trained is shown)."""
        return self.run_control.running

    @property
    def trainer(self):
        return self.run_control.trainer

    @property
    def compare_trainer(self):
        return self.run_control.compare_trainer

    @property
    def worker(self):
        return self.run_control.worker

    @property
    def run_settings(self):
        return self.run_control.run_settings

    @property
    def last_error(self) -> WorkerError | None:
        return self.run_control.last_error

    @property
    def display_timer(self):
        return self.display.timer

    @property
    def steps_per_second(self) -> float:
        return self.display.steps_per_second

    @property
    def shown_step(self) -> int:
        """The newest training step taken for display (0 before any)."""
        return self.display.shown_step
