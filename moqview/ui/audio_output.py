"""AudioOutput: the default audio device pulling PCM from a player's ring."""

import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices, QtAudio

from moqview.media import audio
from moqview.media.feed import AudioFeed

log = logging.getLogger(__name__)


def output_format() -> QAudioFormat:
    audio_format = QAudioFormat()
    audio_format.setSampleRate(audio.OUTPUT_RATE)
    audio_format.setChannelCount(audio.OUTPUT_CHANNELS)
    audio_format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    return audio_format


class AudioOutput(QObject):
    """Plays a PcmRing through QAudioSink in pull mode, with volume and mute.

    ``available`` is False when there is no audio device (or it refuses the
    format); the picture then plays on the wall clock and ``unavailable``
    carries a sentence for the window.
    """

    unavailable = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._sink: QAudioSink | None = None
        self._feed: AudioFeed | None = None
        self._volume = 1.0
        self._muted = False
        self.reason = ""
        self._latency_timer = QTimer(self)
        self._latency_timer.setInterval(100)
        self._latency_timer.timeout.connect(self._measure_latency)

    @property
    def available(self) -> bool:
        return self._sink is not None

    def start(self, ring: audio.PcmRing) -> bool:
        """Pull from ``ring``; returns False (and says why) without a device."""
        self.stop()
        device = QMediaDevices.defaultAudioOutput()
        if device.isNull():
            self._fail("sound is unavailable: no audio output device")
            return False
        audio_format = output_format()
        if not device.isFormatSupported(audio_format):
            self._fail(f"sound is unavailable: {device.description()} refuses 48 kHz")
            return False

        self._feed = AudioFeed(ring, self)
        self._feed.start()
        self._sink = QAudioSink(device, audio_format, self)
        # Known shortcoming: with 60 ms queued, Qt's PulseAudio output on a busy
        # machine leaves a gap of 5-27 ms of silence every 8-20 s (measured with
        # the sound tests' null sink; the ring had no underrun). 250 ms nearly
        # removes the gaps but delays sound and picture by as much. What is
        # missing is a buffer that follows the latency target.
        self._sink.setBufferSize(audio.us_to_bytes(60_000))
        self._apply_volume()
        self._sink.stateChanged.connect(self._on_state)
        self._sink.start(self._feed)
        # QtAudio's enums, not the older QAudio's: error() returns a QtAudio
        # one, which never equals a QAudio one, even NoError.
        if self._sink.error() != QtAudio.Error.NoError:
            self._fail(f"sound is unavailable: {self._sink.error().name}")
            self.stop()
            return False
        self._latency_timer.start()
        log.info("audio output on %s", device.description())
        return True

    def _fail(self, reason: str) -> None:
        self.reason = reason
        log.warning("%s", reason)
        self.unavailable.emit(reason)

    def stop(self) -> None:
        self._latency_timer.stop()
        if self._sink is not None:
            self._sink.stop()
            self._sink.deleteLater()
        if self._feed is not None:
            self._feed.ring.output_latency_us = 0
            self._feed.close()
            self._feed.deleteLater()
        self._sink = self._feed = None

    @Slot(QtAudio.State)
    def _on_state(self, state) -> None:
        if self._sink is not None and self._sink.error() != QtAudio.Error.NoError:
            log.warning("audio output: %s", self._sink.error().name)

    @Slot()
    def _measure_latency(self) -> None:
        if self._sink is None or self._feed is None:
            return
        queued = self._sink.bufferSize() - self._sink.bytesFree()
        self._feed.ring.output_latency_us = audio.bytes_to_us(max(0, queued))

    def set_volume(self, volume: float) -> None:
        self._volume = max(0.0, min(1.0, volume))
        self._apply_volume()

    def set_muted(self, muted: bool) -> None:
        self._muted = muted
        self._apply_volume()

    @property
    def volume(self) -> float:
        return self._volume

    @property
    def muted(self) -> bool:
        return self._muted

    def _apply_volume(self) -> None:
        if self._sink is not None:
            self._sink.setVolume(0.0 if self._muted else self._volume)
