"""BroadcastList: the announced broadcasts, each marked live or ended."""

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListView, QStyledItemDelegate, QWidget

from moqview.moq import AnnouncementModel

# The broadcast the relay URL's own path names (announced under it as "").
URL_BROADCAST = "(the URL's broadcast)"


def label(path: str) -> str:
    """How a broadcast path reads in the list and the window title."""
    return path or URL_BROADCAST


class _LiveDelegate(QStyledItemDelegate):
    """Adds "live" or "ended" after the path, and greys ended broadcasts."""

    def initStyleOption(self, option, index: QModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        live = bool(index.data(AnnouncementModel.LiveRole))
        option.text = f"{label(index.data())}    {'● live' if live else 'ended'}"
        if not live:
            option.palette.setColor(option.palette.ColorRole.Text, QColor("#808088"))


class BroadcastList(QListView):
    """Emits ``chosen(path)`` when the user picks a broadcast."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setItemDelegate(_LiveDelegate(self))
        self.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.activated.connect(self._on_activated)
        self.clicked.connect(self._on_activated)

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.chosen.emit(index.data(Qt.ItemDataRole.DisplayRole))

    def select_path(self, path: str) -> None:
        model = self.model()
        if model is None:
            return
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data() == path:
                self.setCurrentIndex(index)
                return
