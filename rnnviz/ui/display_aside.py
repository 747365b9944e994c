"""The docks set aside: hidden while their panels have nothing to show for the run (a CTC
lattice for a run without CTC), shown again when a run needs them; a dock the user closed
stays closed. A mixin of ``Display`` (display.py), which holds ``panels``, ``docks``,
``run`` and the set ``_set_aside``."""

from __future__ import annotations


class SetAsideDocks:
    """Which docks are set aside for the current run, and hiding / showing them."""

    def applicable_keys(self) -> list[str]:
        """The keys of the panels that apply to the current run (in dock order)."""
        return [key for key in self.docks if key not in self._set_aside]

    def _set_aside_docks(self, context) -> None:
        """Hide the docks of panels with nothing to show for this run; show again those set
        aside for an earlier run that apply now (a dock the user closed stays closed)."""
        for key, panel in self.panels.items():
            dock = self.docks.get(key)
            if dock is None:
                continue
            if panel.applies(context):
                if key in self._set_aside:
                    self._set_aside.discard(key)
                    dock.show()
            elif key not in self._set_aside and not dock.isHidden():
                self._set_aside.add(key)
                dock.hide()

    def keep_shown(self, key: str) -> None:
        """The user asked for this panel: it is no longer set aside."""
        self._set_aside.discard(key)

    @property
    def set_aside(self) -> frozenset[str]:
        """The keys of the docks hidden because their panels do not apply to the run."""
        return frozenset(self._set_aside)

    def set_aside_again(self, aside: frozenset[str]) -> None:
        """A layout from when the docks of ``aside`` were set aside was restored (leaving
        presentation mode, where another preset may have been opened): hide and show the
        docks for the current run."""
        self._set_aside = set(aside)
        if self.run.trainer is not None:
            self._set_aside_docks(self.run.context())

    def bring_back_set_aside(self) -> None:
        """Show the docks set aside (before the layout is saved: another run may need them,
        and a saved hidden dock would stay hidden)."""
        for key in self._set_aside:
            self.docks[key].show()
        self._set_aside.clear()
