"""MainWindow: URL bar, broadcast list, video, status, and the playback wiring."""

import logging
import time
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtMultimedia import QVideoFrame
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMainWindow,
    QSlider,
    QSplitter,
    QToolBar,
    QToolButton,
)

from moqview.media.clock import LATENCIES_US, latency_label
from moqview.media.player import Player

from .audio_output import AudioOutput
from .broadcasts import BroadcastList
from .broadcasts import label as broadcast_label
from .connection import Connection
from .frames import FramePoster, ScaledPicture
from .overlay import StatsOverlay
from .settings import Settings
from .stats import StatsMeter
from .video_view import VideoView

log = logging.getLogger(__name__)

_PLAYER_MESSAGES = {
    "waiting": "Waiting for {path} to be announced…",
    "loading": "Loading {path}…",
    "playing": "Starting {path}…",
    "offline": "{path} is offline.\nIt plays again as soon as it returns.",
}


class MainWindow(QMainWindow):
    """The viewer. ``connect_to(url)`` dials a relay, ``play(path)`` a broadcast."""

    def __init__(
        self,
        latency_us: int = 250_000,
        settings: Settings | None = None,
        renderer: str | None = None,
    ):
        """``renderer``: "gpu", "cpu" or "auto" (see ``renderer.choose``)."""
        super().__init__()
        self.settings = settings or Settings()
        self.latency_us = latency_us
        self.connection: Connection | None = None
        self.player: Player | None = None
        self._wanted_path: str | None = None
        self._shut_down = False

        self.view = VideoView(renderer=renderer)
        self.broadcasts = BroadcastList()
        self.broadcasts.chosen.connect(self.play)
        splitter = QSplitter()
        splitter.addWidget(self.broadcasts)
        splitter.addWidget(self.view)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 1060])
        self.setCentralWidget(splitter)
        self._splitter = splitter

        self.poster = FramePoster(self, self.view.renderer)
        self.poster.ready.connect(self._frame_ready)
        self.poster.scaled.connect(self._scaled_ready)
        self.view.pictureSizeChanged.connect(self.poster.scale_to)
        self.poster.scale_to(*self.view.picture_size())
        self.audio_output = AudioOutput(self)
        self.audio_output.set_volume(self.settings.volume())
        self.audio_output.set_muted(self.settings.muted())
        self.overlay = StatsOverlay(self.view)
        self._meter = StatsMeter()

        self._build_toolbar()
        self._build_actions()
        self._connection_label = QLabel()
        self._sound_label = QLabel()
        self.statusBar().addWidget(self._connection_label, 1)
        self.statusBar().addPermanentWidget(self._sound_label)

        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(1000)
        self._stats_timer.timeout.connect(self._refresh_stats)
        self._stats_timer.start()
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(300)
        self._resize_timer.timeout.connect(self._report_view_size)

        self.setWindowTitle("moqview")
        self.resize(1280, 800)
        self.view.show_message("Enter a relay URL to start.")

    # -- building ---------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar("Connection")
        bar.setMovable(False)
        self.addToolBar(bar)
        self._toolbar = bar

        self.url_box = QComboBox()
        self.url_box.setEditable(True)
        # Only URLs that connected join the list (see connect_to), and typing is
        # never completed into a different relay behind the user's back.
        self.url_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.url_box.setCompleter(None)
        self.url_box.setMinimumWidth(360)
        self.url_box.addItems(self.settings.recent_urls())
        self.url_box.setCurrentText("")
        self.url_box.lineEdit().setPlaceholderText("https://relay.example")
        self.url_box.lineEdit().returnPressed.connect(self._connect_from_box)
        bar.addWidget(QLabel(" Relay "))
        bar.addWidget(self.url_box)
        bar.addAction("Connect", self._connect_from_box)
        bar.addSeparator()

        bar.addWidget(QLabel(" Latency "))
        self.latency_box = QComboBox()
        for label, value in LATENCIES_US.items():
            self.latency_box.addItem(label, value)
        index = self.latency_box.findData(self.latency_us)
        if index < 0:
            self.latency_box.addItem(latency_label(self.latency_us), self.latency_us)
            index = self.latency_box.count() - 1
        self.latency_box.setCurrentIndex(index)
        self.latency_box.currentIndexChanged.connect(self._latency_chosen)
        bar.addWidget(self.latency_box)

        bar.addWidget(QLabel(" Rendition "))
        self.rendition_box = QComboBox()
        self.rendition_box.addItem("automatic", None)
        self.rendition_box.setMinimumWidth(180)
        self.rendition_box.activated.connect(self._rendition_chosen)
        bar.addWidget(self.rendition_box)
        bar.addSeparator()

        self.mute_button = QToolButton()
        self.mute_button.setCheckable(True)
        self.mute_button.setChecked(self.audio_output.muted)
        self.mute_button.setText("Mute")
        self.mute_button.toggled.connect(self.set_muted)
        bar.addWidget(self.mute_button)
        self.volume_slider = QSlider(Qt.Orientation.Horizontal)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(round(self.audio_output.volume * 100))
        self.volume_slider.setMaximumWidth(110)
        self.volume_slider.valueChanged.connect(self._volume_chosen)
        bar.addWidget(self.volume_slider)

    def _build_actions(self) -> None:
        def action(text, keys, slot, checkable=False):
            item = QAction(text, self)
            item.setShortcuts([QKeySequence(k) for k in keys])
            item.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            item.setCheckable(checkable)
            item.triggered.connect(slot)
            self.addAction(item)
            self._toolbar.addAction(item)
            return item

        self._toolbar.addSeparator()
        self.stats_action = action("Stats", ["S"], self._stats_toggled, True)
        self.fullscreen_action = action(
            "Fullscreen", ["F"], self._fullscreen_toggled, True
        )
        self.screenshot_action = action(
            "Screenshot", ["Ctrl+S"], self._screenshot_chosen
        )
        self.mute_action = QAction("Mute", self)
        self.mute_action.setShortcut(QKeySequence("M"))
        self.mute_action.triggered.connect(self.mute_button.toggle)
        self.addAction(self.mute_action)
        self.leave_fullscreen_action = QAction("Leave fullscreen", self)
        self.leave_fullscreen_action.setShortcut(QKeySequence("Esc"))
        self.leave_fullscreen_action.triggered.connect(self._leave_fullscreen)
        self.addAction(self.leave_fullscreen_action)
        self.quit_action = QAction("Quit", self)
        self.quit_action.setShortcuts([QKeySequence("Q"), QKeySequence("Ctrl+Q")])
        self.quit_action.triggered.connect(self.close)
        self.addAction(self.quit_action)

    # -- connection -------------------------------------------------------

    @Slot()
    def _connect_from_box(self) -> None:
        self.connect_to(self.url_box.currentText())

    def connect_to(
        self, url: str, path: str | None = None, remember: bool = True
    ) -> None:
        """Dial ``url``; play ``path`` when given, else the first live broadcast.

        ``remember`` puts the URL among the recent ones (not for the local
        demo, whose relay has a new port every run).
        """
        self._stop_player()
        if self.connection is not None:
            self.connection.stop()
        self._wanted_path = path
        self.url_box.setCurrentText(url)
        self.connection = Connection(url, self)
        self.connection.stateChanged.connect(self._connection_changed)
        self.broadcasts.setModel(self.connection.model)
        self.connection.model.liveChanged.connect(self._live_changed)
        if self.connection.start():
            # The single-letter shortcuts work again once the URL is entered.
            self.broadcasts.setFocus()
            urls = (
                self.settings.remember_url(self.connection.url)
                if remember
                else self.settings.recent_urls()
            )
            self.url_box.blockSignals(True)
            self.url_box.clear()
            self.url_box.addItems(urls)
            self.url_box.setCurrentText(self.connection.url)
            self.url_box.blockSignals(False)
            self.view.show_message(f"Connecting to {self.connection.url}…")
            if path:
                self.play(path)

    @Slot(str, str)
    def _connection_changed(self, state: str, text: str) -> None:
        self._connection_label.setText(text[:1].upper() + text[1:])
        colour = {"failed": "#c03030", "reconnecting": "#b07000"}.get(state, "")
        self._connection_label.setStyleSheet(f"color: {colour}" if colour else "")
        if state == "failed":
            self._stop_player()
            self.view.show_message(f"Connection failed.\n{text}")
        elif state == "connected" and self.player is None:
            announced = self.connection.model.rowCount() > 0
            self.view.show_message(
                "Connected. Choose a broadcast."
                if announced
                else "Connected. No broadcast is announced yet."
            )
        elif self.player is not None and self.player.state == "waiting":
            self._player_changed("waiting", "")

    @Slot(str, bool)
    def _live_changed(self, path: str, live: bool) -> None:
        if self.player is not None and self.player.path == path:
            if not live:
                self.player.went_offline()
            return
        if live and self.player is None and self._wanted_path in (None, path):
            self.play(path)
        elif self.player is not None and self.player.state == "waiting":
            self._player_changed("waiting", "")  # now with the list's hint

    # -- playback ---------------------------------------------------------

    @Slot(str)
    def play(self, path: str) -> None:
        if self._shut_down or self.connection is None:
            return
        if self.connection.origin is None:
            return
        if self.player is not None and self.player.path == path:
            return
        self._stop_player()
        self._wanted_path = path
        self.broadcasts.select_path(path)
        self.setWindowTitle(f"{broadcast_label(path)} — moqview")
        self.player = Player(
            self.connection.origin, path, self.poster.post, self.latency_us, self
        )
        self.player.stateChanged.connect(self._player_changed)
        self.player.catalogChanged.connect(self._catalog_changed)
        self.player.renditionChanged.connect(self._rendition_changed)
        self.player.notice.connect(self._notice)
        self._player_changed(self.player.state, "")
        self._report_view_size()

        if self.audio_output.start(self.player.ring):
            self.player.clock.audio = self.player.ring
            self._sound_label.setText("")
        else:
            self._sound_label.setText(self.audio_output.reason.capitalize())

    @Slot(QVideoFrame)
    def _frame_ready(self, frame: QVideoFrame) -> None:
        # A frame posted just before the broadcast ended must not hide "offline".
        if self.player is not None and self.player.state == "playing":
            self.view.show_frame(frame)

    @Slot(object)
    def _scaled_ready(self, scaled: ScaledPicture) -> None:
        if self.player is not None and self.player.state == "playing":
            self.view.show_scaled(scaled)

    def _stop_player(self) -> None:
        if self.player is not None:
            self.audio_output.stop()
            self.player.stop()
            self.player.deleteLater()
            self.player = None
            self.setWindowTitle("moqview")

    @Slot(str, str)
    def _player_changed(self, state: str, text: str) -> None:
        path = broadcast_label(self.player.path) if self.player else ""
        connection = self.connection
        if state == "waiting" and connection and connection.state != "connected":
            self.view.show_message(
                f"{connection.text[:1].upper()}{connection.text[1:]}…"
            )
        elif state == "waiting" and connection and connection.model.rowCount():
            # Others are announced: the name asked for may be mistyped.
            self.view.show_message(
                _PLAYER_MESSAGES[state].format(path=path)
                + "\nThe broadcasts this relay announces are listed on the left."
            )
        elif state in _PLAYER_MESSAGES:
            self.view.show_message(_PLAYER_MESSAGES[state].format(path=path))
        elif state == "unsupported":
            self.view.show_message(f"Cannot play {path}:\n{text}")

    @Slot(str)
    def _notice(self, text: str) -> None:
        self.statusBar().showMessage(text[:1].upper() + text[1:], 10_000)

    @Slot(object)
    def _catalog_changed(self, snapshot) -> None:
        properties = snapshot.properties
        rotation = round(properties.rotation) % 360
        self.poster.rotation = rotation
        self.poster.mirrored = properties.flip
        self.view.set_display(
            properties.display_width, properties.display_height, rotation
        )
        current = self.rendition_box.currentData()
        self.rendition_box.blockSignals(True)
        self.rendition_box.clear()
        self.rendition_box.addItem("automatic", None)
        for rendition in snapshot.video:
            stalled = " (stalled)" if rendition.stalled else ""
            self.rendition_box.addItem(
                f"{rendition.coded_width}x{rendition.coded_height} "
                f"{rendition.codec}{stalled}",
                rendition.index,
            )
        self.rendition_box.setCurrentIndex(max(0, self.rendition_box.findData(current)))
        self.rendition_box.blockSignals(False)

    @Slot(object, object)
    def _rendition_changed(self, video, audio) -> None:
        if audio is None and self.player is not None:
            self._sound_label.setText(
                self.audio_output.reason.capitalize()
                if self.audio_output.reason
                else "No sound in this broadcast"
            )

    @Slot(int)
    def _rendition_chosen(self, _row: int) -> None:
        if self.player is not None:
            self.player.set_manual_rendition(self.rendition_box.currentData())

    @Slot(int)
    def _latency_chosen(self, _row: int) -> None:
        self.latency_us = self.latency_box.currentData()
        if self.player is not None:
            self.player.set_latency(self.latency_us)

    def set_latency(self, latency_us: int) -> None:
        index = self.latency_box.findData(latency_us)
        if index >= 0:
            self.latency_box.setCurrentIndex(index)

    # -- sound ------------------------------------------------------------

    @Slot(bool)
    def set_muted(self, muted: bool) -> None:
        self.audio_output.set_muted(muted)
        self.settings.set_muted(muted)
        self.mute_button.setText("Unmute" if muted else "Mute")
        if self.mute_button.isChecked() != muted:
            self.mute_button.setChecked(muted)

    @Slot(int)
    def _volume_chosen(self, value: int) -> None:
        self.audio_output.set_volume(value / 100)
        self.settings.set_volume(value / 100)

    # -- view -------------------------------------------------------------

    @Slot(bool)
    def _stats_toggled(self, on: bool) -> None:
        self.overlay.set_wanted(on)
        self._refresh_stats()

    def show_stats(self, on: bool) -> None:
        self.stats_action.setChecked(on)
        self._stats_toggled(on)

    @Slot()
    def _leave_fullscreen(self) -> None:
        if self.fullscreen_action.isChecked():
            self.fullscreen_action.trigger()

    @Slot(bool)
    def _fullscreen_toggled(self, on: bool) -> None:
        for widget in (self._toolbar, self.broadcasts, self.statusBar()):
            widget.setVisible(not on)
        # The toolbar is hidden in fullscreen, so the shortcut must stay alive.
        self.fullscreen_action.setChecked(on)
        self.showFullScreen() if on else self.showNormal()

    @Slot()
    def _refresh_stats(self) -> None:
        if self.player is None or not self.overlay.wanted:
            return
        stats = self.connection.stats() if self.connection else None
        stats = stats if hasattr(stats, "rtt_us") else None
        self.overlay.set_lines(self._meter.lines(self.player, self.view.shown, stats))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._resize_timer.start()

    @Slot()
    def _report_view_size(self) -> None:
        if self.player is not None:
            ratio = self.devicePixelRatioF()
            self.player.set_view_size(
                round(self.view.width() * ratio), round(self.view.height() * ratio)
            )

    @Slot()
    def _screenshot_chosen(self) -> None:
        # triggered(bool) must not reach save_screenshot's path argument.
        self.save_screenshot()

    def save_screenshot(self, path: str | None = None) -> str | None:
        """Save the frame on screen as a PNG; returns its path (None: no frame)."""
        image = self.view.current_image()
        if image.isNull():
            self.statusBar().showMessage("No picture to save yet", 5000)
            return None
        if path is None:
            folder = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.PicturesLocation
            ) or str(Path.home())
            name = (self.player.path if self.player else "moqview").replace("/", "-")
            stamp = time.strftime("%Y%m%d-%H%M%S")
            path = str(Path(folder) / f"moqview-{name}-{stamp}.png")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        image.save(path, "PNG")
        self.statusBar().showMessage(f"Saved {path}", 5000)
        log.info("screenshot saved to %s", path)
        return path

    def shutdown(self) -> None:
        """Stop playback and the connection (before libmoq is drained)."""
        self._shut_down = True
        self._stats_timer.stop()
        self.overlay.set_wanted(False)
        self._stop_player()
        if self.connection is not None:
            self.connection.stop()
        self.settings.sync()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.shutdown()
        super().closeEvent(event)
