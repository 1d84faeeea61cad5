"""Decoder workers: one thread per playing track, fed from libmoq's thread.

libmoq calls a worker's sink with each encoded frame on its own thread; the
sink only puts the frame on a queue. The worker thread decodes, drops what
arrives too late, and (for video) waits for the presentation clock before
handing each picture to ``present``, which runs on the worker thread too.
"""

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import clock
from .audio import AudioConfig, AudioDecoder, PcmRing, level_dbfs
from .video import Picture, VideoConfig, VideoDecoder

log = logging.getLogger(__name__)

# A decoded picture later than this is not shown (unless nothing was shown for
# MAX_FREEZE_US), so a slow moment costs a few frames rather than a lag.
LATE_US = 50_000
MAX_FREEZE_US = 250_000
_STOP = object()


@dataclass(frozen=True)
class _Configure:
    config: object
    generation: int
    retire: Callable[[], None] | None = None


class Counters:
    """Frame counts for the stats overlay and tests.

    Each field has one writer: ``received*`` libmoq's thread, ``decoded``,
    ``dropped`` and ``errors`` the worker, ``shown`` whoever displays frames.
    """

    def __init__(self):
        self.received = 0
        self.received_bytes = 0
        self.decoded = 0
        self.dropped = 0
        self.shown = 0
        self.errors = 0
        self.newest_us: int | None = None  # newest timestamp received
        self.shown_us: int | None = None  # timestamp last handed to present


class _Worker(threading.Thread):
    """The queue, the generation check and the thread life shared by both kinds."""

    def __init__(self, name: str):
        super().__init__(name=name, daemon=True)
        self.counters = Counters()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._generation = 0
        # Keyframes put by the sink and taken by the worker: one writer each.
        self._keyframes_in = 0
        self._keyframes_out = 0

    def sink(self, generation: int) -> Callable[[object], None]:
        """The callable a track delivers frames to, on libmoq's thread.

        Frames of an older generation (a track since replaced) are ignored.
        """
        counters = self.counters
        put = self._queue.put

        def deliver(frame) -> None:
            counters.received += 1
            counters.received_bytes += len(frame.payload)
            counters.newest_us = frame.timestamp_us
            if frame.keyframe:
                self._keyframes_in += 1
            put((generation, frame, clock.monotonic_us()))

        return deliver

    @property
    def keyframes_queued(self) -> int:
        return self._keyframes_in - self._keyframes_out

    def configure(
        self, config, generation: int, retire: Callable[[], None] | None = None
    ) -> None:
        """Decode ``config`` from now on; frames of other generations are dropped.

        A ``config`` of None drops every frame until the next configure. With
        ``retire``, the switch waits for the new generation's first keyframe:
        until then the current generation goes on playing, so a rendition
        switch shows no freeze; at the keyframe ``retire()`` is called (on this
        thread; closing the old track is safe from any thread) and the new
        generation takes over.
        """
        self._queue.put(_Configure(config, generation, retire))

    def stop(self) -> None:
        self._stopping.set()
        self._queue.put(_STOP)

    def run(self) -> None:
        decoder = None
        pending: _Configure | None = None  # a switch waiting for its keyframe
        while not self._stopping.is_set():
            item = self._queue.get()
            if item is _STOP:
                break
            if isinstance(item, _Configure):
                if item.retire is not None and decoder is not None:
                    pending = item
                    continue
                pending = None
                self._generation = item.generation
                decoder = self._open(item.config) if item.config else None
                continue
            generation, frame, arrival_us = item
            if frame.keyframe:
                self._keyframes_out += 1
            if pending is not None and generation == pending.generation:
                if not frame.keyframe:
                    continue
                log.info("%s switched at a keyframe", self.name)
                self._generation = pending.generation
                decoder = self._open(pending.config, same_timeline=True)
                try:
                    pending.retire()
                except Exception:
                    log.exception("%s could not retire the previous track", self.name)
                pending = None
            if generation != self._generation or decoder is None:
                continue
            try:
                self._take_frame(decoder, frame, arrival_us)
            except Exception:
                # A bug must not silently end playback: log it and go on.
                log.exception("%s failed on a frame", self.name)
        log.debug("%s stopped", self.name)

    def _open(self, config, same_timeline: bool = False):
        """A decoder for ``config``; ``same_timeline`` when it continues the
        previous track's timeline (a rendition switch), so clocks carry on."""
        raise NotImplementedError

    def _take_frame(self, decoder, frame, arrival_us: int) -> None:
        raise NotImplementedError


class VideoWorker(_Worker):
    """Decodes one video track and presents pictures on time.

    ``present(picture)`` is called on this thread when a picture is due; it
    builds whatever the view needs and posts it to the GUI thread.
    """

    def __init__(self, sync: clock.SyncClock, present: Callable[[Picture], None]):
        super().__init__("video decoder")
        self.clock = sync
        self._present = present
        self._skipping = False
        self._last_present_us = 0
        self.label = ""
        self.size: tuple[int, int] | None = None

    def _open(self, config: VideoConfig, same_timeline: bool = False) -> VideoDecoder:
        decoder = VideoDecoder(config)
        self.label = decoder.label
        self._skipping = False
        if not same_timeline:
            self.clock.wall.reset()
        return decoder

    def _take_frame(self, decoder: VideoDecoder, frame, arrival_us: int) -> None:
        counters = self.counters
        self.clock.wall.observe(frame.timestamp_us, arrival_us)

        # Behind the live edge with a later keyframe already queued: skip to it.
        behind = (counters.newest_us or frame.timestamp_us) - frame.timestamp_us
        threshold = clock.catch_up_threshold_us(self.clock.latency_us)
        far_behind = behind > threshold and self.keyframes_queued > 0
        if not self._skipping and far_behind:
            self._skipping = True
            log.info(
                "%d ms behind the live edge; skipping to a keyframe", behind // 1000
            )
        if self._skipping and frame.keyframe and not far_behind:
            self._skipping = False
            self.clock.wall.reanchor(frame.timestamp_us, arrival_us)
            log.info("caught up to the live edge at %d us", frame.timestamp_us)
        if self._skipping:
            counters.dropped += 1
            return

        errors_before = decoder.errors
        pictures = decoder.decode(frame.payload, frame.timestamp_us, frame.keyframe)
        counters.errors += decoder.errors - errors_before
        for index, picture in enumerate(pictures):
            counters.decoded += 1
            newer_waiting = index < len(pictures) - 1 or not self._queue.empty()
            self._show_when_due(picture, newer_waiting)

    def _show_when_due(self, picture: Picture, newer_waiting: bool) -> None:
        counters = self.counters
        due_us = self.clock.due_in_us(picture.timestamp_us)
        now = clock.monotonic_us()
        # A late picture is dropped only to catch up, when a newer one is
        # already waiting; the newest there is beats the older one on screen.
        if (
            due_us < -LATE_US
            and newer_waiting
            and now - self._last_present_us < MAX_FREEZE_US
        ):
            counters.dropped += 1
            log.debug("dropped a picture %d ms late", -due_us // 1000)
            return

        # Wait for the clock, re-reading it since the audio clock moves on its own.
        limit = now + self.clock.latency_us + 2_000_000
        while due_us > 1000 and not self._stopping.is_set():
            if clock.monotonic_us() > limit:
                log.info("the clock is far behind this picture; re-anchoring")
                self.clock.wall.reset()
                break
            time.sleep(min(due_us, 20_000) / 1_000_000)
            due_us = self.clock.due_in_us(picture.timestamp_us)
        if self._stopping.is_set():
            return

        self.size = (picture.width, picture.height)
        counters.shown_us = picture.timestamp_us
        self._last_present_us = clock.monotonic_us()
        self._present(picture)


class AudioWorker(_Worker):
    """Decodes one audio track into a PcmRing, and measures its level."""

    def __init__(self, ring: PcmRing):
        super().__init__("audio decoder")
        self.ring = ring
        self.label = ""
        self.level_dbfs = float("-inf")  # of the latest decoded block
        self.peak_dbfs = float("-inf")  # loudest block since the track started
        self._resamplers: dict = {}  # shared by this track's decoders in turn

    def _open(self, config: AudioConfig, same_timeline: bool = False) -> AudioDecoder:
        decoder = AudioDecoder(config, self._resamplers)
        self.label = decoder.label
        self.ring.clear()
        return decoder

    def _take_frame(self, decoder: AudioDecoder, frame, arrival_us: int) -> None:
        errors_before = decoder.errors
        pcm = decoder.decode(frame.payload, frame.timestamp_us)
        self.counters.errors += decoder.errors - errors_before
        if not pcm:
            return
        self.counters.decoded += 1
        self.level_dbfs = level_dbfs(pcm)
        self.peak_dbfs = max(self.peak_dbfs, self.level_dbfs)
        self.ring.write(pcm, frame.timestamp_us)
