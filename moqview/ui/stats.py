"""The numbers of the stats overlay, measured once a second."""

import time
from dataclasses import dataclass

from moqview.media.audio import PcmRing


@dataclass
class _Sample:
    at: float
    received_bytes: int
    shown: int


def _ms(value_us: int | None) -> str:
    return "-" if value_us is None else f"{value_us / 1000:.0f} ms"


class StatsMeter:
    """Turns a player's counters into the overlay's lines, with rates."""

    def __init__(self):
        self._previous: _Sample | None = None

    def lines(self, player, view_shown: int, connection_stats) -> list[tuple[str, str]]:
        video = player.video
        counters = video.counters
        now = time.monotonic()
        sample = _Sample(now, counters.received_bytes, view_shown)
        fps = bitrate = None
        if self._previous is not None and now > self._previous.at:
            elapsed = now - self._previous.at
            fps = (sample.shown - self._previous.shown) / elapsed
            bitrate = (sample.received_bytes - self._previous.received_bytes) * 8
            bitrate /= elapsed
        self._previous = sample

        size = video.size
        rendition = player.video_rendition
        audio = player.audio_rendition
        behind = None
        if counters.newest_us is not None and counters.shown_us is not None:
            behind = counters.newest_us - counters.shown_us
        ring: PcmRing = player.ring
        rows = [
            ("resolution", f"{size[0]}x{size[1]}" if size else "-"),
            ("codec", video.label or (rendition.codec if rendition else "-")),
            ("track", rendition.name if rendition else "-"),
            ("fps", "-" if fps is None else f"{fps:.1f}"),
            ("bitrate", "-" if bitrate is None else f"{bitrate / 1e6:.2f} Mbit/s"),
            ("delay", f"{_ms(behind)} behind live, {_target(player)}"),
            ("buffer", f"audio {_ms(ring.buffered_us)}" if audio else "no audio"),
            ("frames", f"{view_shown} shown, {counters.dropped} dropped"),
            ("decode errors", str(counters.errors + player.audio.counters.errors)),
            ("clock", player.clock.source()),
        ]
        if audio is not None:
            level = player.audio.level_dbfs
            rows.append(("audio", f"{player.audio.label}, {level:.0f} dBFS"))
        rtt = rate = None
        if connection_stats is not None:
            rtt = connection_stats.rtt_us
            rate = connection_stats.receive_rate_bps
        rows.append(("rtt", _ms(rtt)))
        estimate = "-" if rate is None else f"{rate / 1e6:.1f} Mbit/s"
        rows.append(("bandwidth est.", estimate))
        return rows


def _target(player) -> str:
    """The latency target, and the arrival jitter when that sets the delay."""
    wall = player.clock.wall
    text = f"target {_ms(player.latency_us)}"
    if wall.jitter_us > player.latency_us:
        text += f" (held {_ms(wall.jitter_us)} for jitter)"
    return text
