"""Real media for the media and viewer tests: ffmpeg encodes, PyAV demuxes.

``encoded_video`` and ``encoded_audio`` return what a MoQ track delivers (a
payload, a timestamp in microseconds and a keyframe flag per frame) plus the
catalog's codec string and description, without any relay in between.
"""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import av


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
