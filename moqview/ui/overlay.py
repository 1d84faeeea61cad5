"""StatsOverlay: a small panel of numbers floating over the video.

The video widget draws through its own native window, which an ordinary
child widget cannot cover, so the panel is a frameless tool window that
follows the video view's top-left corner.
"""

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QLabel, QWidget


class StatsOverlay(QLabel):
    """Shows ``lines`` as a two-column table over ``anchor``."""

    def __init__(self, anchor: QWidget):
        super().__init__(
            anchor.window(),
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowDoesNotAcceptFocus,
        )
        self._anchor = anchor
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setObjectName("statsOverlay")
        self.setStyleSheet(
            "#statsOverlay { background: #1c1c22; color: #e8e8f0;"
            " border: 1px solid #3a3a48; padding: 8px; font-family: monospace;"
            " font-size: 12px; }"
        )
        self.setTextFormat(Qt.TextFormat.RichText)
        self.wanted = False
        anchor.window().installEventFilter(self)
        anchor.installEventFilter(self)

    def set_lines(self, lines: list[tuple[str, str]]) -> None:
        rows = "".join(
            f"<tr><td style='color:#9a9ab0; padding-right:10px'>{name}</td>"
            f"<td>{value}</td></tr>"
            for name, value in lines
        )
        self.setText(f"<table>{rows}</table>")
        self.adjustSize()
        self._follow()

    def text_lines(self) -> str:
        return self.text()

    def set_wanted(self, wanted: bool) -> None:
        self.wanted = wanted
        self._follow()

    def _follow(self) -> None:
        window = self._anchor.window()
        visible = self.wanted and window.isVisible() and not window.isMinimized()
        if visible:
            self.move(self._anchor.mapToGlobal(QPoint(12, 12)))
            if not self.isVisible():
                # Raised once, when it appears: raising it on every refresh put
                # it over the toolbar's open drop-down lists.
                self.show()
                self.raise_()
        else:
            self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (
            QEvent.Type.Move,
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.Hide,
            QEvent.Type.WindowStateChange,
        ):
            self._follow()
        return False
