"""Player: plays one broadcast path of an origin, from announce to pictures.

Lives on the GUI thread. It waits for the path to be announced, follows its
catalog, opens the chosen video and audio renditions with a decoder worker
each, and starts again from waiting when the broadcast ends.
"""

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from moqview import moq

from . import select
from .audio import AudioConfig, PcmRing
from .clock import SyncClock, catch_up_threshold_us
from .video import Picture, VideoConfig
from .worker import AudioWorker, VideoWorker

log = logging.getLogger(__name__)

# Waiting again right after a broadcast ended would find the stale announce.
REWAIT_DELAY_MS = 500


class Player(QObject):
    """Signals (GUI thread):
    stateChanged(state, text): ``waiting``, ``loading``, ``playing``, ``offline``
        or ``unsupported``, with a sentence for the user.
    catalogChanged(CatalogSnapshot): each catalog update.
    renditionChanged(VideoRendition or None, AudioRendition or None).
    notice(text): something the user should know that does not stop playback.
    """

    stateChanged = Signal(str, str)
    catalogChanged = Signal(object)
    renditionChanged = Signal(object, object)
    notice = Signal(str)

    def __init__(
        self,
        origin: moq.Origin,
        path: str,
        present: Callable[[Picture], None],
        latency_us: int = 250_000,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.origin = origin
        self.path = path
        self.state = "waiting"
        self.clock = SyncClock(latency_us)
        self.ring = PcmRing(latency_us, catch_up_threshold_us(latency_us))
        self.video = VideoWorker(self.clock, present)
        self.audio = AudioWorker(self.ring)
        self.video.start()
        self.audio.start()
        self.snapshot: moq.CatalogSnapshot | None = None
        self.video_rendition = None
        self.audio_rendition = None
        self.manual_index: int | None = None
        self.view_size = (1280, 720)
        self._generation = 0
        self._wait = self._broadcast = self._catalog = None
        self._video_track = self._audio_track = None
        self._retiring_video = None  # plays on until its successor's keyframe
        self._stopped = False
        self._wait_for_broadcast()

    @property
    def latency_us(self) -> int:
        return self.clock.latency_us

    def _set_state(self, state: str, text: str) -> None:
        self.state = state
        log.info("%s: %s", self.path, text)
        self.stateChanged.emit(state, text)

    # Registrations are never Qt children of the player: deleting a parent
    # would delete them before libmoq's terminal callback, which the binding
    # relies on reaching a live object. libmoq's reference keeps them alive.

    def _wait_for_broadcast(self) -> None:
        if self._stopped:
            return
        if self.state != "offline":  # offline stays the word until it returns
            self._set_state("waiting", f"waiting for {self.path}")
        self._wait = moq.BroadcastWait(self.origin, self.path)
        self._wait.available.connect(self._on_broadcast)

    @Slot(object)
    def _on_broadcast(self, broadcast: moq.Broadcast) -> None:
        if self._stopped or self.sender() is not self._wait:
            broadcast.close()  # a wait cancelled while its answer was queued
            return
        self._wait.close()
        self._wait = None
        self._broadcast = broadcast
        self._set_state("loading", f"loading {self.path}")
        self._catalog = moq.Catalog(broadcast)
        self._catalog.updated.connect(self._on_catalog)
        self._catalog.closed.connect(self._on_catalog_closed)

    @Slot(object)
    def _on_catalog(self, snapshot: moq.CatalogSnapshot) -> None:
        self.snapshot = snapshot
        self.catalogChanged.emit(snapshot)
        self._choose()

    @Slot(int, str)
    def _on_catalog_closed(self, code: int, reason: str) -> None:
        if self.sender() is self._catalog:
            self.went_offline(f"the catalog ended ({reason})")

    def _choose(self) -> None:
        """Open the renditions that should play now, keeping those that do."""
        snapshot = self.snapshot
        if snapshot is None or self._catalog is None:
            return
        width, height = self.view_size
        video = select.choose_video(snapshot.video, width, height, self.manual_index)
        audio = select.choose_audio(snapshot.audio)

        if snapshot.video and video is None:
            codecs = ", ".join(sorted({r.codec for r in snapshot.video}))
            self._close_tracks()
            self._set_state(
                "unsupported",
                f"this broadcast's video codec ({codecs}) is not supported",
            )
            return
        if snapshot.audio and audio is None:
            self.notice.emit(
                f"the audio codec {snapshot.audio[0].codec} is not supported"
            )

        if video != self.video_rendition:
            self._open_video(video)
        if audio != self.audio_rendition:
            self._open_audio(audio)
        self.renditionChanged.emit(video, audio)
        if self.state != "playing":
            self._set_state("playing", f"playing {self.path}")

    def _open_video(self, rendition) -> None:
        previous = self.video_rendition
        self.video_rendition = rendition
        same_track = (
            previous is not None
            and rendition is not None
            and previous.index == rendition.index
            and self._video_track is not None
        )
        if same_track:
            if self._video_config(previous) != self._video_config(rendition):
                # Same track, new codec setup (e.g. a new resolution).
                self.video.configure(self._video_config(rendition), self._generation)
            return
        previous_track, self._video_track = self._video_track, None
        if rendition is None:
            if previous_track is not None:
                previous_track.close()
            return
        # The old track plays on until the new one's first keyframe; then the
        # decoder worker closes it (close() is safe from any thread).
        if self._retiring_video is not None:
            self._retiring_video.close()  # a switch overtaken by another
        self._retiring_video = previous_track
        self._generation += 1
        self.video.configure(
            self._video_config(rendition),
            self._generation,
            retire=previous_track.close if previous_track is not None else None,
        )
        try:
            self._video_track = moq.VideoTrack(
                self._catalog,
                rendition.index,
                catch_up_threshold_us(self.latency_us),
                sink=self.video.sink(self._generation),
            )
        except moq.MoqError as error:
            # The snapshot can be gone (the broadcast just ended); the next
            # catalog update, or the broadcast's return, opens the track.
            self.video_rendition = None
            log.warning("cannot open video rendition %d: %s", rendition.index, error)
            return
        log.info(
            "video rendition %d: %s %dx%d",
            rendition.index,
            rendition.codec,
            rendition.coded_width,
            rendition.coded_height,
        )

    @staticmethod
    def _video_config(rendition) -> VideoConfig:
        return VideoConfig(rendition.codec, rendition.description)

    def _open_audio(self, rendition) -> None:
        self.audio_rendition = rendition
        if self._audio_track is not None:
            self._audio_track.close()
            self._audio_track = None
        if rendition is None:
            return
        self._generation += 1
        config = AudioConfig(
            rendition.codec,
            rendition.sample_rate,
            rendition.channels,
            rendition.description,
        )
        self.audio.configure(config, self._generation)
        try:
            self._audio_track = moq.AudioTrack(
                self._catalog,
                rendition.index,
                catch_up_threshold_us(self.latency_us),
                sink=self.audio.sink(self._generation),
            )
        except moq.MoqError as error:
            self.audio_rendition = None
            log.warning("cannot open audio rendition %d: %s", rendition.index, error)
            return
        log.info("audio rendition %d: %s", rendition.index, rendition.codec)

    def _close_tracks(self) -> None:
        for track in (self._video_track, self._audio_track, self._retiring_video):
            if track is not None:
                track.close()
        self._video_track = self._audio_track = self._retiring_video = None
        self.video_rendition = self.audio_rendition = None
        # Whatever the closed tracks still queued must not reach the screen.
        self._generation += 1
        self.video.configure(None, self._generation)
        self.audio.configure(None, self._generation)

    def set_latency(self, latency_us: int) -> None:
        """A new latency target: the jitter buffers follow and tracks reopen."""
        self.clock.latency_us = latency_us
        self.ring.configure(latency_us, catch_up_threshold_us(latency_us))
        log.info("latency target %d ms", latency_us // 1000)
        video, audio = self.video_rendition, self.audio_rendition
        self._close_tracks()
        if self._catalog is not None and self.snapshot is not None:
            self._open_video(video)
            self._open_audio(audio)

    def set_manual_rendition(self, index: int | None) -> None:
        """Play video rendition ``index``, or choose by view size when None."""
        self.manual_index = index
        self._choose()

    def set_view_size(self, width: int, height: int) -> None:
        self.view_size = (width, height)
        if self.manual_index is None:
            self._choose()

    def went_offline(self, why: str = "the broadcast ended") -> None:
        """Release the broadcast, say ``offline`` and wait for it to return."""
        if self._broadcast is None:
            return
        log.info("%s is offline: %s", self.path, why)
        self._close_tracks()
        if self._catalog is not None:
            self._catalog.close()
        self._catalog = None
        self._broadcast.close()
        self._broadcast = None
        self.snapshot = None
        self._set_state("offline", f"{self.path} is offline")
        QTimer.singleShot(REWAIT_DELAY_MS, self, self._wait_for_broadcast)

    def stop(self) -> None:
        """End playback: close every registration and stop both workers."""
        self._stopped = True
        self._close_tracks()
        for registration in (self._wait, self._catalog):
            if registration is not None:
                registration.close()
        if self._broadcast is not None:
            self._broadcast.close()
        self._wait = self._catalog = self._broadcast = None
        self.video.stop()
        self.audio.stop()
