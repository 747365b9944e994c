"""A panel dock's title bar: the title, a "?" that says how to read the panel, float, close.

Qt draws no title bar once a dock has its own title widget, but still moves the dock when
the title is dragged and floats it on a double click: the mouse presses the label ignores
reach the dock (QDockWidget.setTitleBarWidget).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QStyle,
    QToolButton,
    QWhatsThis,
    QWidget,
)


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
        self.label = QLabel(dock.windowTitle().replace("&&", "&"))
        self.label.setObjectName("dockTitleText")
        dock.windowTitleChanged.connect(lambda text: self.label.setText(text.replace("&&", "&")))
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
