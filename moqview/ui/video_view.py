"""VideoView: the picture (at the display aspect) or a message.

The picture is a QVideoWidget on the GPU path, and a widget that copies
ready-scaled images to the screen on the CPU path (see ``renderer``).
"""

import logging

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QImage, QPainter
from PySide6.QtMultimedia import QVideoFrame
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from . import renderer as renderers
from .frames import ScaledPicture

log = logging.getLogger(__name__)


class _AspectBox(QWidget):
    """Places its picture widget at the largest rectangle of the display aspect."""

    def __init__(self, video: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self._video = video
        video.setParent(self)
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


class _ImageCanvas(QWidget):
    """The CPU path's picture: draws an image made at its own pixel size.

    ``resized`` carries the new size in device pixels, for the worker that
    scales the pictures. Until a picture of the new size arrives, the last
    one is stretched to fit.
    """

    resized = Signal(int, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.image = QImage()
        self._owner: ScaledPicture | None = None  # owns the memory ``image`` reads
        # Every pixel is painted each time: Qt need not clear what lies below.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def set_picture(self, scaled: ScaledPicture | None) -> None:
        self.image = scaled.image if scaled is not None else QImage()
        self._owner = scaled
        self.update()

    def pixel_size(self) -> tuple[int, int]:
        ratio = self.devicePixelRatioF()
        return round(self.width() * ratio), round(self.height() * ratio)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.resized.emit(*self.pixel_size())

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        image = self.image
        if image.isNull():
            painter.fillRect(self.rect(), Qt.GlobalColor.black)
        elif (image.width(), image.height()) == (self.width(), self.height()):
            painter.drawImage(QPoint(0, 0), image)  # a plain copy, no scaling
        else:
            # A resize in flight, or a high-DPI screen (the image has device
            # pixels; the painter maps them back one to one).
            painter.drawImage(self.rect(), image)
        painter.end()


class VideoView(QStackedWidget):
    """Shows frames posted from a decoder worker, or a line of text instead.

    ``renderer`` is the picture path ("gpu" or "cpu", see ``renderer.choose``).
    ``shown`` counts the pictures taken, ``shown_us`` is the timestamp of the
    one on screen. The display size, rotation and flip of the catalog decide
    the aspect; the frame carries the rotation and flip itself.
    ``pictureSizeChanged(width, height)`` gives the CPU path's pixel size.
    """

    frameShown = Signal()
    pictureSizeChanged = Signal(int, int)

    def __init__(self, parent: QWidget | None = None, renderer: str | None = None):
        super().__init__(parent)
        self.renderer = renderers.choose(renderer)
        if self.renderer == "cpu":
            self._video = _ImageCanvas()
            self._video.resized.connect(self.pictureSizeChanged)
        else:
            self._video = QVideoWidget()
            self._video.setAspectRatioMode(Qt.AspectRatioMode.IgnoreAspectRatio)
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
        self.shown_us: int | None = None
        self._scaled: ScaledPicture | None = None
        self._frame_size: QSize | None = None
        self._display: tuple[int, int] | None = None
        self._rotation = 0
        self.show_message("")

    @property
    def sink(self):
        """The QVideoWidget's sink (GPU path only)."""
        return self._video.videoSink()

    def picture_size(self) -> tuple[int, int]:
        """The picture's size on screen in device pixels."""
        ratio = self._video.devicePixelRatioF()
        return round(self._video.width() * ratio), round(self._video.height() * ratio)

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
        """Show a frame of the GPU path."""
        self.sink.setVideoFrame(frame)
        self._took(frame.size(), frame.startTime())

    @Slot(object)
    def show_scaled(self, scaled: ScaledPicture) -> None:
        """Show a picture of the CPU path."""
        self._scaled = scaled
        self._video.set_picture(scaled)
        picture = scaled.picture
        self._took(QSize(picture.width, picture.height), picture.timestamp_us)

    def _took(self, size: QSize, timestamp_us: int) -> None:
        if size != self._frame_size:
            log.info("video size %dx%d", size.width(), size.height())
            self._frame_size = size
            self._update_aspect()
        self.shown += 1
        self.shown_us = timestamp_us
        if self.currentWidget() is not self._box:
            self.setCurrentWidget(self._box)
        self.frameShown.emit()

    def current_image(self) -> QImage:
        """The frame on screen at its own size (converted now, for a screenshot)."""
        if self.renderer == "cpu":
            return self._scaled.full_image() if self._scaled else QImage()
        frame = self.sink.videoFrame()
        return frame.toImage() if frame.isValid() else QImage()

    def clear(self) -> None:
        if self.renderer == "cpu":
            self._scaled = None
            self._video.set_picture(None)
        else:
            self.sink.setVideoFrame(QVideoFrame())
        self._frame_size = None
