"""Origins (moq_origin_create) and the broadcast paths announced on them."""

import logging
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)

from . import errors
from ._libmoq import ffi, lib
from .registration import Registration

log = logging.getLogger(__name__)


class Origin:
    """A set of broadcasts that sessions publish from or consume into.

    Not a callback registration: created by moq_origin_create and ended by
    close() (moq_origin_close). Usable as a context manager.
    """

    def __init__(self):
        self.id = errors.check("moq_origin_create", lib.moq_origin_create())

    def close(self) -> None:
        if self.id:
            errors.check("moq_origin_close", lib.moq_origin_close(self.id))
            self.id = 0

    def __enter__(self) -> "Origin":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass(frozen=True)
class Announcement:
    """One announce (``active``) or unannounce of the broadcast at ``path``."""

    path: str
    active: bool


class Announcements(Registration):
    """Owns moq_origin_announced: every announce and unannounce under a prefix.

    Signals (on the object's thread):
        announced(Announcement): for each announce and each unannounce.
        closed(code, reason): once.

    Each announcement id is read and freed on libmoq's thread; only the
    Announcement value travels on.
    """

    announced = Signal(object)
    _close_call = lib.moq_origin_announced_cancel

    def __init__(self, origin: Origin, prefix: str = "", parent: QObject | None = None):
        super().__init__(parent)
        self._info = ffi.new("moq_announce_update *")
        encoded = prefix.encode()
        self._register(
            "moq_origin_announced", origin.id, encoded, len(encoded), ffi.NULL, 0
        )

    def _deliver(self, announced: int) -> None:
        code = lib.moq_origin_announced_info(announced, self._info)
        if code >= 0:
            path = ffi.unpack(self._info.prefix, self._info.prefix_len)
            value = Announcement(path.decode("utf-8", "replace"), self._info.active)
        else:
            log.warning("unreadable announcement: %s", errors.last_error())
        lib.moq_origin_announced_free(announced)
        if code >= 0:
            self._result.emit(value)

    @Slot(object)
    def _publish(self, announcement: Announcement) -> None:
        self.announced.emit(announcement)


class AnnouncementModel(QAbstractListModel):
    """The broadcasts seen on an Announcements listener, live and ended.

    Rows keep their order of first appearance; a broadcast that ends stays in
    the list with ``LiveRole`` false and comes back to life when re-announced.
    ``Qt.DisplayRole`` is the path.
    """

    LiveRole = Qt.ItemDataRole.UserRole + 1
    liveChanged = Signal(str, bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._paths: list[str] = []
        self._live: dict[str, bool] = {}

    def watch(self, announcements: Announcements) -> None:
        announcements.announced.connect(self.apply)

    @Slot(object)
    def apply(self, announcement: Announcement) -> None:
        path = announcement.path
        if path not in self._live:
            row = len(self._paths)
            self.beginInsertRows(QModelIndex(), row, row)
            self._paths.append(path)
            self._live[path] = announcement.active
            self.endInsertRows()
        elif self._live[path] != announcement.active:
            self._live[path] = announcement.active
            index = self.index(self._paths.index(path))
            self.dataChanged.emit(index, index, [self.LiveRole])
        else:
            return
        self.liveChanged.emit(path, announcement.active)

    def is_live(self, path: str) -> bool:
        return self._live.get(path, False)

    def paths(self) -> list[str]:
        return list(self._paths)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._paths)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0):
        if not index.isValid() or index.row() >= len(self._paths):
            return None
        path = self._paths[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return path
        if role == self.LiveRole:
            return self._live[path]
        return None
