"""Audio decoding with PyAV, and the PCM ring the audio device pulls from.

Every codec is decoded and resampled to one output format (interleaved signed
16-bit stereo at 48 kHz) on the track's decoder worker. The ring keeps each
block's media timestamp, so the sample being read is also the audio clock.
"""

import logging
import math
import threading
from collections import deque
from dataclasses import dataclass

import av
import numpy as np

from . import codecs

log = logging.getLogger(__name__)

OUTPUT_RATE = 48_000
OUTPUT_CHANNELS = 2
BYTES_PER_FRAME = 2 * OUTPUT_CHANNELS  # one s16 sample per channel


def bytes_to_us(count: int) -> int:
    return count * 1_000_000 // (OUTPUT_RATE * BYTES_PER_FRAME)


def us_to_bytes(duration_us: int) -> int:
    return duration_us * OUTPUT_RATE // 1_000_000 * BYTES_PER_FRAME


@dataclass(frozen=True)
class AudioConfig:
    """What the decoder needs from a catalog rendition."""

    codec: str
    sample_rate: int = OUTPUT_RATE
    channels: int = OUTPUT_CHANNELS
    description: bytes = b""


class AudioDecoder:
    """One PyAV decoder for one audio rendition, resampling to the output format
    (one thread).

    ``resamplers`` may be shared by the decoders one after another of a track:
    PyAV's resampler keeps its filter graph, and that graph's threads, in a
    reference cycle that only the cycle collector frees, so one per input
    format is kept and reused instead of one per decoder.
    """

    def __init__(self, config: AudioConfig, resamplers: dict | None = None):
        self.info = codecs.resolve(config.codec)
        self.config = config
        self.errors = 0
        self._context = self._open()
        self._resamplers = {} if resamplers is None else resamplers

    @property
    def label(self) -> str:
        return self.info.label

    def _open(self):
        config = self.config
        context = av.CodecContext.create(self.info.decoder, "r")
        context.sample_rate = config.sample_rate or OUTPUT_RATE
        context.layout = "mono" if config.channels == 1 else "stereo"
        if config.description:
            context.extradata = config.description
        elif self.info.family == "aac":
            context.extradata = codecs.aac_config(context.sample_rate, config.channels)
        context.open()
        log.info("audio decoder %s opened", self.info.decoder)
        return context

    def decode(self, payload: bytes, timestamp_us: int) -> bytes:
        """Decode one frame to output PCM (possibly empty while priming)."""
        packet = av.Packet(payload)
        try:
            frames = self._context.decode(packet)
        except av.FFmpegError as error:
            self.errors += 1
            log.warning("audio decoding failed (%s); reopening the decoder", error)
            self._context = self._open()
            return b""
        pcm = bytearray()
        for frame in frames:
            for out in self._resampler(frame).resample(frame):
                pcm += out.to_ndarray().tobytes()
        return bytes(pcm)

    def _resampler(self, frame) -> av.AudioResampler:
        key = (frame.format.name, frame.layout.name, frame.sample_rate)
        resampler = self._resamplers.get(key)
        if resampler is None:
            resampler = av.AudioResampler(
                format="s16", layout="stereo", rate=OUTPUT_RATE
            )
            self._resamplers[key] = resampler
        return resampler


def level_dbfs(pcm: bytes) -> float:
    """The RMS level of s16 PCM in dB relative to full scale (-inf for silence)."""
    samples = np.frombuffer(pcm, np.int16).astype(np.float32)
    if not samples.size:
        return -math.inf
    rms = float(np.sqrt(np.mean(samples * samples))) / 32768.0
    return 20 * math.log10(rms) if rms > 0 else -math.inf


class PcmRing:
    """A bounded queue of timestamped PCM blocks, written by the audio decoder
    worker and read by the audio device's thread.

    Reading starts once ``prebuffer_us`` is queued (the jitter buffer) and
    starts again after running dry; until then reads return silence and the
    clock stands still. When more than ``capacity_us`` is queued, the oldest
    audio is dropped, which is how playback catches up to the live edge.
    """

    def __init__(self, prebuffer_us: int = 250_000, capacity_us: int = 2_000_000):
        self._lock = threading.Lock()
        self._blocks: deque[tuple[int, bytes]] = deque()
        self._offset = 0  # bytes of the first block already read
        self._queued = 0  # bytes queued, minus _offset
        self._playing = False
        self._position_us: int | None = None  # media time of the next byte read
        self.prebuffer_us = prebuffer_us
        self.capacity_us = capacity_us
        self.dropped_us = 0
        self.underruns = 0
        # Set by the audio output: how long a sample waits in the device after
        # it was read, so the clock names the sample being heard.
        self.output_latency_us = 0

    def configure(self, prebuffer_us: int, capacity_us: int) -> None:
        with self._lock:
            self.prebuffer_us = prebuffer_us
            self.capacity_us = capacity_us
            self._trim()

    def write(self, pcm: bytes, timestamp_us: int) -> None:
        if not pcm:
            return
        with self._lock:
            self._blocks.append((timestamp_us, pcm))
            self._queued += len(pcm)
            self._trim()

    def _trim(self) -> None:
        limit = us_to_bytes(max(self.capacity_us, self.prebuffer_us + 200_000))
        while self._queued > limit and len(self._blocks) > 1:
            _, block = self._blocks.popleft()
            dropped = len(block) - self._offset
            self._queued -= dropped
            self.dropped_us += bytes_to_us(dropped)
            self._offset = 0

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes of PCM; silence while (re)buffering."""
        size -= size % BYTES_PER_FRAME
        with self._lock:
            if not self._playing:
                if self._queued < us_to_bytes(self.prebuffer_us) or not self._queued:
                    return bytes(min(size, us_to_bytes(20_000)))
                self._playing = True
            out = bytearray()
            while len(out) < size and self._blocks:
                timestamp, block = self._blocks[0]
                piece = block[self._offset : self._offset + size - len(out)]
                out += piece
                self._offset += len(piece)
                self._queued -= len(piece)
                self._position_us = timestamp + bytes_to_us(self._offset)
                if self._offset >= len(block):
                    self._blocks.popleft()
                    self._offset = 0
            if not self._blocks:
                self._playing = False
                self.underruns += 1
            return bytes(out) if out else bytes(min(size, us_to_bytes(20_000)))

    def clear(self) -> None:
        with self._lock:
            self._blocks.clear()
            self._offset = self._queued = 0
            self._playing = False
            self._position_us = None

    @property
    def position_us(self) -> int | None:
        """Media time of the next sample to be read; None before playing."""
        with self._lock:
            return self._position_us if self._playing else None

    @property
    def buffered_us(self) -> int:
        with self._lock:
            return bytes_to_us(self._queued)
