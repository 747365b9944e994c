"""The global text size: every font scales, plots included, and it is remembered."""

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

from rnnviz.ui import style


def test_text_size_scales_app_and_plot_fonts(qtbot, make_window):
    window = make_window("lecture_lstm")
    window.step_once()
    qtbot.waitUntil(lambda: not window.running and window.shown_step == 1, timeout=10_000)
    window.set_text_size(1.5)
    app = QApplication.instance()
    assert app.font().pointSize() == round(style._BASE_APP_PT * 1.5)
    assert "18pt" in app.styleSheet() or "21pt" in app.styleSheet()
    axis = window.panels["loss"].loss_plot.getAxis("left")
    assert axis.style["tickFont"].pointSize() == round(style._BASE_PLOT_PT * 1.5)
    assert float(window.settings.value("view/text_scale")) == 1.5
    larger = next(a for a in window.view_menu.actions() if a.text() == "Larger text")
    larger.trigger()
    assert style.SCALE == 1.75
    views = window.findChildren(pg.GraphicsView)
    assert views  # the panels are still drawn after the rebuild
    assert window.panels["loss"].raw_curve.getData()[0] is not None


def test_an_unchecked_box_is_visible_on_the_dark_theme(qtbot, make_window):
    """Fusion's unchecked box was dark grey on the dark background, all but invisible on a
    projector (issue 16): its indicator has a light border, at every text size."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionButton

    window = make_window("lecture_lstm")
    for scale in (1.0, 1.5):
        window.set_text_size(scale)
        box = next(b for b in window.sidebar.findChildren(QCheckBox) if not b.isChecked())
        option = QStyleOptionButton()
        box.initStyleOption(option)
        area = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
        assert area.width() >= round(12 * scale), area
        image = box.grab().toImage()
        light = sum(
            QColor(image.pixel(x, y)).lightness() > 130
            for x in range(area.left(), area.right() + 1)
            for y in range(area.top(), area.bottom() + 1)
        )
        assert light >= 2 * area.width(), (scale, light, area)  # its border, at least


def test_panel_widgets_with_their_own_font_follow_a_text_size_change(qtbot, make_window):
    """A font set on a widget does not follow the application's: the LSTM cell's t ± 1
    buttons and equations and Predictions' monospace text stayed at text size 1.0 after
    View > Larger text (issue 16, defect 3)."""
    window = make_window("lecture_lstm")
    cell, predictions = window.panels["cell_diagram"], window.panels["predictions"]
    family = predictions.text.font().family()
    before = cell.next_button.font().pointSize()
    window.set_text_size(1.5)
    assert style.PLOT_FONT_PT == round(style._BASE_PLOT_PT * 1.5)
    for widget in (cell.next_button, cell.prev_button, cell.equations, predictions.text):
        assert widget.font().pointSize() == style.PLOT_FONT_PT + 1, widget
    assert cell.next_button.font().pointSize() > before
    assert predictions.text.font().family() == family  # still monospace
