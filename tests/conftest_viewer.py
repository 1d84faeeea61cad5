"""Real media for the media and viewer tests: ffmpeg encodes, PyAV demuxes.

``encoded_video`` and ``encoded_audio`` return what a MoQ track delivers (a
payload, a timestamp in microseconds and a keyframe flag per frame) plus the
catalog's codec string and description, without any relay in between.
``shows_the_bars`` and ``clock_change`` read the local publisher's picture.
"""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PySide6.QtGui import QColor, QImage


@dataclass(frozen=True)
class Frame:
    """The shape of moqview.moq.Frame, for tests that run without libmoq."""

    payload: bytes
    timestamp_us: int
    keyframe: bool


@dataclass(frozen=True)
class Encoded:
    codec: str
    description: bytes
    frames: list[Frame]
    width: int = 0
    height: int = 0
    sample_rate: int = 0
    channels: int = 0


# name -> (ffmpeg output options, file name, catalog codec, Annex-B payloads)
VIDEO = {
    "h264": (["-c:v", "libx264", "-bf", "0"], "v.mp4", "avc1.64001e", False),
    "h264-bframes": (
        ["-c:v", "libx264", "-bf", "2", "-x264-params", "bframes=2"],
        "b.mp4",
        "avc1.64001e",
        False,
    ),
    "h264-annexb": (
        ["-c:v", "libx264", "-bf", "0", "-bsf:v", "h264_mp4toannexb", "-f", "h264"],
        "v.h264",
        "avc3.64001e",
        True,
    ),
    "hevc": (
        ["-c:v", "libx265", "-x265-params", "log-level=error:bframes=0"],
        "v.mp4",
        "hvc1.1.6.L93.B0",
        False,
    ),
    "vp9": (
        ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"],
        "v.webm",
        "vp09.00.10.08",
        False,
    ),
    "av1": (
        ["-c:v", "libsvtav1", "-preset", "12", "-svtav1-params", "verbosity=0"],
        "v.mp4",
        "av01.0.04M.08",
        False,
    ),
}


def ffmpeg(*args: str) -> None:
    subprocess.run(
        ["ffmpeg", "-y", "-hide_banner", "-loglevel", "error", *args],
        check=True,
        capture_output=True,
    )


def encoded_video(
    directory: Path,
    kind: str,
    size: str = "320x240",
    seconds: float = 2.0,
    fps: int = 30,
    gop: int = 30,
    source: str = "smptehdbars",
) -> Encoded:
    """Encode ``seconds`` of a test pattern as ``kind`` and split it into frames."""
    options, name, codec, annexb = VIDEO[kind]
    path = directory / f"{kind}-{size}-{source}-{seconds}s-{fps}-{gop}-{name}"
    if not path.exists():
        ffmpeg(
            "-f", "lavfi", "-i", f"{source}=size={size}:rate={fps}",
            "-t", str(seconds), "-pix_fmt", "yuv420p", "-g", str(gop),
            *options, str(path),
        )  # fmt: skip
    return _demux(path, codec, annexb, "video")


def encoded_audio(
    directory: Path, kind: str, seconds: float = 1.0, frequency: int = 440
) -> Encoded:
    """Encode a sine as ``aac`` (in MP4) or ``opus`` (in Ogg) and split it."""
    name, codec, options = {
        "aac": ("a.mp4", "mp4a.40.2", ["-c:a", "aac", "-b:a", "128k"]),
        "opus": ("a.ogg", "opus", ["-c:a", "libopus", "-b:a", "96k"]),
    }[kind]
    path = directory / f"{kind}-{frequency}-{seconds}s-{name}"
    if not path.exists():
        ffmpeg(
            "-f", "lavfi", "-i", f"sine=frequency={frequency}:sample_rate=48000",
            "-t", str(seconds), "-ac", "2", *options, str(path),
        )  # fmt: skip
    return _demux(path, codec, False, "audio")


def _demux(path: Path, codec: str, annexb: bool, kind: str) -> Encoded:
    with av.open(str(path)) as container:
        stream = container.streams.video[0] if kind == "video" else None
        stream = stream or container.streams.audio[0]
        context = stream.codec_context
        description = b"" if annexb else bytes(context.extradata or b"")
        frames = []
        position = 0
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            if packet.pts is not None:
                timestamp = round(packet.pts * packet.time_base * 1_000_000)
            else:  # a raw elementary stream has no timestamps: count frames
                timestamp = position * 1_000_000 // 30
            position += 1
            frames.append(Frame(bytes(packet), timestamp, packet.is_keyframe))
        return Encoded(
            codec,
            description,
            frames,
            width=getattr(context, "width", 0),
            height=getattr(context, "height", 0),
            sample_rate=getattr(context, "sample_rate", 0),
            channels=getattr(context, "channels", 0),
        )


# Where the SMPTE HD bars have these colours: across the width, a quarter down.
BARS = {"yellow": 0.29, "cyan": 0.39, "blue": 0.82}


def bar_colours(image: QImage) -> dict[str, tuple[int, int, int]]:
    """The red, green and blue values in the middle of three of the bars."""
    colours = {}
    for name, fx in BARS.items():
        colour = QColor(image.pixel(int(image.width() * fx), image.height() // 4))
        colours[name] = (colour.red(), colour.green(), colour.blue())
    return colours


def shows_the_bars(image: QImage) -> bool:
    """Whether yellow, cyan and blue are where the bars put them (each primary
    above 150 where the colour has it, below 60 where it has not)."""
    expected = {"yellow": (1, 1, 0), "cyan": (0, 1, 1), "blue": (0, 0, 1)}
    for name, values in bar_colours(image).items():
        for value, lit in zip(values, expected[name], strict=True):
            if (value <= 150) if lit else (value >= 60):
                return False
    return True


def clock_change(first: QImage, second: QImage) -> float:
    """The mean change of the lower-right quarter, where the counting clock is."""

    def quarter(image: QImage) -> np.ndarray:
        image = image.convertToFormat(QImage.Format.Format_RGB888)
        width, height = image.width(), image.height()
        rows = np.frombuffer(image.constBits(), np.uint8).reshape(
            height, image.bytesPerLine()
        )
        return rows[
            height * 3 // 4 : height - 16, (width * 3 // 4) * 3 : (width - 16) * 3
        ].astype(int)

    return float(np.abs(quarter(first) - quarter(second)).mean())
