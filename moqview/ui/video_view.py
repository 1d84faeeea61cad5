"""VideoView: the picture (a QVideoWidget at the display aspect) or a message."""

import logging

from PySide6.QtCore import QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

log = logging.getLogger(__name__)


class _AspectBox(QWidget):
    """Places its video widget at the largest rectangle of the display aspect."""

    def __init__(self, video: QVideoWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self._video = video
        video.setParent(self)
        video.setAspectRatioMode(Qt.AspectRatioMode.IgnoreAspectRatio)
        self.aspect = 16 / 9
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), Qt.GlobalColor.black)
        self.setPalette(palette)

    def set_aspect(self, aspect: float) -> None:
        if aspect > 0 and abs(aspect - self.aspect) > 1e-3:
            self.aspect = aspect
            self._place()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        width, height = self.width(), self.height()
        if width / max(height, 1) > self.aspect:
            fitted = QSize(round(height * self.aspect), height)
        else:
            fitted = QSize(width, round(width / self.aspect))
        left = (width - fitted.width()) // 2
        top = (height - fitted.height()) // 2
        self._video.setGeometry(QRect(left, top, fitted.width(), fitted.height()))


class VideoView(QStackedWidget):
    """Shows frames posted from a decoder worker, or a line of text instead.

    ``shown`` counts the frames handed to the video sink. The display size,
    rotation and flip of the catalog decide the aspect; the frame carries the
    rotation and flip itself.
    """

    frameShown = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._video = QVideoWidget()
        self._box = _AspectBox(self._video)
        self._message = QLabel()
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setWordWrap(True)
        self._message.setObjectName("videoMessage")
        self._message.setStyleSheet(
            "#videoMessage { background: #101014; color: #d8d8e0; font-size: 18px; }"
        )
        self.addWidget(self._box)
        self.addWidget(self._message)
        self.shown = 0
        self._frame_size: QSize | None = None
        self._display: tuple[int, int] | None = None
        self._rotation = 0
        self.show_message("")

    @property
    def sink(self):
        return self._video.videoSink()

    def show_message(self, text: str) -> None:
        """Replace the picture with ``text`` (the last frame is kept for later)."""
        self._message.setText(text)
        self.setCurrentWidget(self._message)

    def message(self) -> str:
        return self._message.text() if self.currentWidget() is self._message else ""

    def set_display(self, width: int | None, height: int | None, rotation: int) -> None:
        """The catalog's display size (None: the frame's) and rotation."""
        self._display = (width, height) if width and height else None
        self._rotation = rotation % 360
        self._update_aspect()

    def _update_aspect(self) -> None:
        if self._display is not None:
            width, height = self._display
        elif self._frame_size is not None:
            width, height = self._frame_size.width(), self._frame_size.height()
        else:
            return
        if self._rotation in (90, 270):
            width, height = height, width
        self._box.set_aspect(width / max(height, 1))

    @Slot(QVideoFrame)
    def show_frame(self, frame: QVideoFrame) -> None:
        size = frame.size()
        if size != self._frame_size:
            log.info("video size %dx%d", size.width(), size.height())
            self._frame_size = size
            self._update_aspect()
        self.sink.setVideoFrame(frame)
        self.shown += 1
        if self.currentWidget() is not self._box:
            self.setCurrentWidget(self._box)
        self.frameShown.emit()

    def current_image(self) -> QImage:
        """The frame on screen as an image (converted now, for a screenshot)."""
        frame = self.sink.videoFrame()
        return frame.toImage() if frame.isValid() else QImage()

    def clear(self) -> None:
        self.sink.setVideoFrame(QVideoFrame())
        self._frame_size = None
