"""``rnnviz --screenshot`` writes an image of exactly the asked ``--size``.

A window cannot be narrower than its layout's minimum: at 1280x720 with text size 1.5 the
sidebar and two panel columns needed ~1316 pixels (until the sidebar and the dock titles
were narrowed: now ~690, issue 16), and the screenshot came out that wide although the
lecture slides were made for the asked size. So, when the window
grew: first the sidebar is hidden (what a lecturer does on a small projector, and what
presentation mode does); if the panels alone still need more, the window is held to the
asked size anyway (its widgets squeezed below their minimum). Either is said on stderr,
since the picture is then not the window a user would see at that size.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication


def _settle(window, size: tuple[int, int]) -> bool:
    """Let the layout take its size; True when the window is ``size``."""
    for _ in range(3):
        QApplication.processEvents()
    return (window.width(), window.height()) == tuple(size)


def fit_screenshot_window(window, size: tuple[int, int]) -> str:
    """Make the shown ``window`` exactly ``size`` (width, height). Returns what was done:
    "" (it fitted), "sidebar" (hidden) or "squeezed" (held below its minimum size)."""
    width, height = int(size[0]), int(size[1])
    if _settle(window, size):
        return ""
    needed = f"{window.width()}x{window.height()}"
    sidebar = window.sidebar_dock
    if sidebar.isVisible() and not sidebar.isFloating():
        sidebar.hide()
        window.resize(width, height)
        if _settle(window, size):
            print(
                f"rnnviz: the window cannot be {width}x{height} with the sidebar at this text "
                f"size (it needs {needed}); the screenshot is taken with the sidebar hidden",
                file=sys.stderr,
            )
            return "sidebar"
        needed = f"{window.width()}x{window.height()}"
    window.setMinimumSize(1, 1)  # an explicit minimum: the layout's no longer applies
    window.resize(width, height)
    _settle(window, size)
    print(
        f"rnnviz: the panels need {needed} at this text size, more than {width}x{height}; "
        f"the screenshot is {width}x{height} with the panels squeezed (some may be cut)",
        file=sys.stderr,
    )
    return "squeezed"
