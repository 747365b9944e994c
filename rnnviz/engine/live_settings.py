"""Live settings: what may change between two training steps of a run (``LIVE_FIELDS``: the
learning rate, clipping, and which loss the gradient panels show), each change marked as an
event in the run's history."""

from __future__ import annotations

from dataclasses import replace

from rnnviz.engine.errors import SpecError
from rnnviz.engine.train_config import LIVE_FIELDS


class LiveSettings:
    """Mixed into ``Trainer``: uses its ``config``, ``history``, ``optimizer``, ``step_count``."""

    def set_lr(self, lr: float) -> None:
        """Change the learning rate between steps (marked as a history event)."""
        new = replace(self.config, lr=lr)  # validates
        if lr != self.config.lr:
            self.history.add_event(self.step_count, f"lr {self.config.lr:g} -> {lr:g}", "lr")
        self.config = new
        if self.optimizer_built is not None:  # one built later takes config.lr
            for group in self.optimizer_built.param_groups:
                group["lr"] = lr

    def set_clipping(self, mode: str, threshold: float) -> None:
        """Switch gradient clipping at any step (marked as a history event)."""
        new = replace(self.config, clip_mode=mode, clip_threshold=threshold)  # validates
        if (mode, threshold) != (self.config.clip_mode, self.config.clip_threshold):
            text = "clipping off" if mode == "none" else f"clip {mode} {threshold:g}"
            self.history.add_event(self.step_count, text, "clip")
        self.config = new

    def set_gradients_of(self, of: str) -> None:
        """Which loss the next records' dL/dh_t, dL/dc_t are of: the displayed "sequence"'s
        or the training "batch"'s (marked as a history event; training is unchanged)."""
        new = replace(self.config, gradients_of=of)  # validates
        if of != self.config.gradients_of:
            self.history.add_event(self.step_count, f"dL/dh_t of the {of}", "gradients")
        self.config = new

    def set_live(self, settings: dict) -> None:
        """Change any of ``LIVE_FIELDS`` between two steps, e.g. {"lr": 0.01}."""
        unknown = set(settings) - set(LIVE_FIELDS)
        if unknown:
            raise SpecError(f"not a live setting: {', '.join(sorted(unknown))}")
        c = self.config
        if "lr" in settings:
            self.set_lr(settings["lr"])
        if "clip_mode" in settings or "clip_threshold" in settings:
            self.set_clipping(
                settings.get("clip_mode", c.clip_mode),
                settings.get("clip_threshold", c.clip_threshold),
            )
        if "gradients_of" in settings:
            self.set_gradients_of(settings["gradients_of"])


def apply_live(main: LiveSettings, compare: LiveSettings | None, settings: dict) -> None:
    """Live settings for a run and the run compared with it: the learning rate and clipping
    are the main run's own (a comparison may be about them); what the records show
    (``gradients_of``) is both runs', so their curves mean the same."""
    main.set_live(settings)
    if compare is not None and "gradients_of" in settings:
        compare.set_gradients_of(settings["gradients_of"])
