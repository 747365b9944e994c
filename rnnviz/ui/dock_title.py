"""A panel dock's title bar: the title, a "?" that says how to read the panel, float, close.

Qt draws no title bar once a dock has its own title widget, but still moves the dock when
the title is dragged and floats it on a double click: the mouse presses the label ignores
reach the dock (QDockWidget.setTitleBarWidget).

Tabbed docks are named by their ``windowTitle``, which Qt writes into the tab on every
layout pass: long titles ("Gradient norm & clipping") made a group's tabs scroll at text
size 1.5, leaving "Gradient thr", "Grac" and the end of "Unrolled graph" on screen (issue
16). So the dock's title is the short tab title (TAB_TITLES) and this bar shows the full
one, as does the dock's entry in the View menu.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QStyle,
    QToolButton,
    QWhatsThis,
    QWidget,
)

from rnnviz.ui.elided_label import ElidedLabel

#: a short tab title for each long panel title (others are their own tab title)
TAB_TITLES = {
    "Loss & metrics": "Loss",
    "Gradient through time": "Grad. in time",
    "Gradient norm & clipping": "Grad. norm",
    "Recurrent matrix": "Matrix",
    "Loss surface": "Surface",
    "Unrolled graph": "Unrolled",
    "Memory cells": "Memory",
    "Encoder-decoder": "Enc-dec",
    "Sequence codes": "Codes",
}


#: terser tab titles, for a window whose row of tabs does not fit with the short ones (11
#: panels or more at 1280x720 and at 1600x1000 x 1.5: ~1045 px of tabs where ~910 are left,
#: issue 16). The dock's title bar right above the tab still reads the full title.
TERSE_TITLES = {
    "Predictions": "Preds",
    "Gradient through time": "Grad. t",
    "Gradient norm & clipping": "Norm",
    "Memory cells": "Mem.",
    "Attention": "Attn.",
    "Parse tree": "Tree",
    "CTC lattice": "CTC",
    "CRF lattice": "CRF",
    "NTM memory": "NTM",
}


def tab_title(title: str, terse: bool = False) -> str:
    """The tab title of a dock titled ``title`` (unescaped: "&" not "&&"); ``terse``: the
    terser one ("LSTM cell", "Clockwork RNN cell": "Cell")."""
    if terse:
        if title.endswith(" cell"):
            return "Cell"
        if title in TERSE_TITLES:
            return TERSE_TITLES[title]
    return TAB_TITLES.get(title, title)


def terse_tabs(docks, terse: bool = True) -> None:
    """Give ``docks`` (those with a DockTitle) their terse tab titles, or back the short."""
    for dock in docks:
        bar = dock.titleBarWidget()
        if isinstance(bar, DockTitle):
            bar.set_terse(terse)


class DockTitle(QWidget):
    """The title bar of ``dock``; ``help_html`` (may be empty: no "?") explains the panel."""

    def __init__(self, dock: QDockWidget, help_html: str) -> None:
        super().__init__(dock)
        self.setObjectName("dockTitle")
        self.dock = dock
        self.help_html = help_html
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 2, 2)
        layout.setSpacing(2)
        # elided where the dock is narrow: a whole one-line title set the dock's minimum
        # width ("Gradient norm & clipping", 474 px at text size 1.5), and with it the
        # window's: ~1400 px at 1280x720 (issue 16). The tooltip then has the whole title.
        self.label = ElidedLabel()
        self.label.setObjectName("dockTitleText")
        self.full_title = ""
        self.terse = False  # the tab has the terse title (terse_tabs)
        dock.windowTitleChanged.connect(self._title_changed)
        self._title_changed(dock.windowTitle())
        layout.addWidget(self.label, 1)
        self.help_button = self._button("?", "How to read this panel")
        self.help_button.setObjectName("panelHelp")
        self.help_button.clicked.connect(self.show_help)
        self.help_button.setVisible(bool(help_html))
        icon = self.style().standardIcon
        self.float_button = self._button("", "Float the panel in its own window, or dock it")
        self.float_button.setIcon(icon(QStyle.StandardPixmap.SP_TitleBarNormalButton))
        self.float_button.clicked.connect(lambda: dock.setFloating(not dock.isFloating()))
        self.close_button = self._button("", "Hide the panel (View menu shows it again)")
        self.close_button.setIcon(icon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self.close_button.clicked.connect(dock.close)
        for button in (self.help_button, self.float_button, self.close_button):
            layout.addWidget(button)

    def _title_changed(self, text: str) -> None:
        """A full title set on the dock: shown here, and the dock keeps its tab title."""
        full = text.replace("&&", "&")
        if full == tab_title(self.full_title, self.terse) and self.full_title:
            return  # the tab title set below
        self.full_title = full
        self.label.setText(full)
        short = tab_title(full, self.terse)
        if short != full:
            self.dock.setWindowTitle(short.replace("&", "&&"))
        # the View menu keeps the full name (Qt set it to the short one just now)
        self.dock.toggleViewAction().setText(text)

    def set_terse(self, terse: bool) -> None:
        """The tab reads the terse title (or the short one again); the title bar is kept."""
        if terse != self.terse:
            self.terse = terse
            self.dock.setWindowTitle(tab_title(self.full_title, terse).replace("&", "&&"))
            self.dock.toggleViewAction().setText(self.full_title.replace("&", "&&"))

    def _button(self, text: str, tooltip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tooltip)
        button.setAutoRaise(True)
        return button

    def show_help(self) -> None:
        """The panel's explanation in a popup under the "?" (a click anywhere closes it)."""
        below = self.help_button.mapToGlobal(self.help_button.rect().bottomLeft())
        QWhatsThis.showText(below, self.help_html, self.help_button)
