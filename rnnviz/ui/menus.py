"""The window's menus: File, Training, Presets, View, Help.

The menus hold no state of their own: each action calls the window (or its transport bar's
actions, so that a menu item and a toolbar button are one action with one shortcut).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

if TYPE_CHECKING:
    from rnnviz.ui.window import MainWindow


def build_menus(window: MainWindow) -> tuple[QMenu, QMenu]:
    """Fill the window's menu bar; returns the Presets and the View menus."""
    menu = window.menuBar()
    file_menu = menu.addMenu("&File")
    shot = QAction("Save &screenshot…", window)
    shot.setShortcut(QKeySequence("Ctrl+Shift+S"))
    shot.triggered.connect(lambda: screenshot_dialog(window))
    file_menu.addAction(shot)
    file_menu.addSeparator()
    quit_action = QAction("&Quit", window)
    quit_action.setShortcut(QKeySequence.StandardKey.Quit)
    quit_action.triggered.connect(window.close)
    file_menu.addAction(quit_action)

    train_menu = menu.addMenu("&Training")
    transport = window.transport
    for action in (transport.run_action, transport.step_action, transport.reset_action):
        train_menu.addAction(action)
    sweep = QAction("S&weep…", window)
    sweep.setToolTip("Many runs over settings and seeds, plotted as they finish")
    sweep.triggered.connect(lambda: _open_sweep(window))
    train_menu.addAction(sweep)

    presets_menu = menu.addMenu("&Presets")
    fill_presets_menu(presets_menu, window.new_from_preset)

    view_menu = menu.addMenu("&View")
    view_menu.addAction(transport.toggleViewAction())
    view_menu.addAction(window.sidebar_dock.toggleViewAction())
    for dock in window.docks.values():
        view_menu.addAction(dock.toggleViewAction())
    view_menu.addSeparator()
    for text, keys, step in (("Larger text", "Ctrl++", 1), ("Smaller text", "Ctrl+-", -1)):
        action = QAction(text, window)
        action.setShortcut(QKeySequence(keys))
        action.setToolTip("Scale every font, e.g. for a projector")
        action.triggered.connect(lambda _=False, d=step: window.step_text_size(d))
        view_menu.addAction(action)
    reset_layout = QAction("Reset layout", window)
    reset_layout.triggered.connect(window.reset_layout)
    view_menu.addAction(reset_layout)
    build_help_menu(window)
    return presets_menu, view_menu


def _open_sweep(window: MainWindow) -> None:
    from rnnviz.ui.sweep_window import open_sweep_window

    open_sweep_window(window)


def build_help_menu(window: MainWindow) -> QMenu:
    """Help: the keyboard shortcuts and what rnnviz is."""
    from rnnviz import __version__
    from rnnviz.ui.keys import shortcuts_html

    help_menu = window.menuBar().addMenu("&Help")
    keys = help_menu.addAction("&Keyboard shortcuts")
    keys.setShortcut(QKeySequence("F1"))
    keys.triggered.connect(
        lambda: QMessageBox.information(window, "Keyboard shortcuts", shortcuts_html())
    )
    about = help_menu.addAction("&About rnnviz")
    about.triggered.connect(
        lambda: QMessageBox.about(
            window,
            "About rnnviz",
            f"<b>rnnviz {__version__}</b><p>Watch recurrent neural networks learn: the "
            "unrolled graph, the gates, the memory cells, the gradient through time and the "
            "loss surface, live while a model trains.</p>",
        )
    )
    return help_menu


def add_timeline(window: MainWindow):
    """The training-step timeline in a dock under the panels (View menu can hide it)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from rnnviz.ui.docks import make_dock
    from rnnviz.ui.timeline import Timeline

    timeline = Timeline(window.cursor)
    window.timeline_dock = dock = make_dock(window, "timeline", "Timeline", timeline)
    dock.setTitleBarWidget(QWidget())  # its own label says what it is: rows for the panels
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    window.resizeDocks([dock], [timeline.minimumSizeHint().height()], Qt.Orientation.Vertical)
    window.view_menu.addAction(window.timeline_dock.toggleViewAction())
    return timeline


def fill_presets_menu(presets_menu: QMenu, open_preset) -> None:
    """One action per shipped preset (its title; its description as the tooltip), calling
    ``open_preset(name)``. A broken preset file is listed, disabled, with the reason. The
    user's own presets (``user:NAME``) come last, marked "(yours)"."""
    from rnnviz.engine.presets import is_user_preset, scan_presets

    presets_menu.setToolTipsVisible(True)
    for name, preset, reason in scan_presets():
        yours = " (yours)" if is_user_preset(name) else ""
        if preset is None:  # a broken preset file: say so, keep the others
            action = presets_menu.addAction(f"{name} (broken: {reason}){yours}")
            action.setEnabled(False)
            continue
        action = presets_menu.addAction((preset.title or name) + yours)
        action.setToolTip(preset.description)
        action.setData(name)
        action.triggered.connect(lambda _=False, n=name: open_preset(n))


def screenshot_dialog(window: MainWindow) -> None:
    """Ask where to save a screenshot of the window, save it, and say so."""
    path, _ = QFileDialog.getSaveFileName(
        window, "Save screenshot", "rnnviz.png", "PNG image (*.png)"
    )
    if path:
        ok = window.save_screenshot(path)
        window.statusBar().showMessage(f"Saved {path}" if ok else f"Could not write {path}", 5000)
