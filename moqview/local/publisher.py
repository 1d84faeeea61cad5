"""The upstream `moq` publisher fed by ffmpeg with a moving test pattern and a tone.

The picture is SMPTE HD colour bars (known colours at known places) with
ffmpeg's counting test source in the lower right, so a viewer's frames can be
checked for colour and for motion. The sound is a 440 Hz sine. In fMP4 the same
picture can go out at further sizes too, each video stream of the fragmented
MP4 becoming a rendition of its own in the broadcast's catalog.
"""

import logging
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import process
from .tools import tool

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Media:
    """What the test broadcast carries."""

    width: int = 1280
    height: int = 720
    fps: int = 30
    keyframe_interval: int = 30
    audio: bool = True
    # "fmp4": CMAF with avc1 and an avcC description; "avc3": Annex-B, no audio.
    container: str = "fmp4"
    bframes: int = 0
    duration: float | None = None  # seconds; None loops for ever
    # "h264", "h265" (HEVC, tagged hvc1), "vp9" or "av1"; the last three in
    # fmp4 only.
    video_codec: str = "h264"
    # Further video renditions of the same picture as (width, height), scaled
    # from the first; fmp4 only.
    extra_renditions: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        if self.extra_renditions and self.container != "fmp4":
            raise ValueError("extra renditions need the fmp4 container")

    @property
    def renditions(self) -> list[tuple[int, int]]:
        """Every video rendition's size, the first one's first."""
        return [(self.width, self.height), *self.extra_renditions]


def picture_graph(media: Media) -> str:
    """The lavfi graph: the bars with the clock, one output pad per rendition."""
    graph = (
        f"smptehdbars=size={media.width}x{media.height}:rate={media.fps}[bars];"
        f"testsrc=size={media.width // 4}x{media.height // 4}:rate={media.fps}[clock];"
        "[bars][clock]overlay=x=W-w-16:y=H-h-16"
    )
    extra = media.extra_renditions
    if not extra:
        return graph + "[out0]"

    # One picture, split: the first copy goes out as it is, the others scaled.
    pads = "".join(f"[copy{n}]" for n in range(1, len(extra) + 1))
    graph += f",split={len(extra) + 1}[out0]{pads}"
    for n, (width, height) in enumerate(extra, 1):
        graph += f";[copy{n}]scale={width}:{height}[out{n}]"
    return graph


def ffmpeg_command(media: Media) -> list[str]:
    """ffmpeg arguments writing the test broadcast to stdout in real time."""
    command = [tool("ffmpeg"), "-hide_banner", "-loglevel", "error", "-re"]
    command += ["-f", "lavfi", "-i", picture_graph(media)]
    with_audio = media.audio and media.container == "fmp4"
    if with_audio:
        command += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    if media.duration is not None:
        command += ["-t", str(media.duration)]
    for n in range(len(media.renditions)):
        command += ["-map", f"0:v:{n}"]
    if with_audio:
        command += ["-map", "1:a:0"]

    # Every rendition has its keyframes on the same frames, so a viewer can
    # switch between them at any group.
    group = ["-g", str(media.keyframe_interval)]
    if media.video_codec == "vp9":
        command += [
            "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
            "-row-mt", "1", "-b:v", "1M", "-pix_fmt", "yuv420p", *group,
        ]  # fmt: skip
    elif media.video_codec == "av1":
        # SVT-AV1's fastest preset in its low-delay structure (no reordering)
        # encodes 640x360 at a fifth of a core.
        command += [
            "-c:v", "libsvtav1", "-preset", "12", "-svtav1-params", "pred-struct=1",
            "-pix_fmt", "yuv420p", *group,
        ]  # fmt: skip
    else:
        encoder = {"h264": "libx264", "h265": "libx265"}[media.video_codec]
        command += [
            "-c:v", encoder, "-preset", "ultrafast", "-tune", "zerolatency",
            "-pix_fmt", "yuv420p", *group, "-keyint_min", str(media.keyframe_interval),
            "-sc_threshold", "0", "-bf", str(media.bframes),
        ]  # fmt: skip
    if media.video_codec == "h265":
        command += ["-tag:v", "hvc1", "-x265-params", "log-level=error"]
    elif media.bframes:
        # zerolatency turns B-frames off; ask for them explicitly again.
        command += ["-x264-params", f"bframes={media.bframes}"]
    # The bars are BT.709 colours at every size: say so in the stream, or a
    # viewer takes the SD convention (BT.601) for the smaller renditions.
    command += ["-colorspace", "bt709", "-color_primaries", "bt709"]
    command += ["-color_trc", "bt709", "-color_range", "tv"]
    if with_audio:
        command += ["-c:a", "aac", "-b:a", "128k", "-ac", "2"]
    if media.container == "fmp4":
        command += [
            "-f", "mp4",
            "-movflags", "cmaf+frag_keyframe+empty_moov+default_base_moof",
            "-frag_duration", "100000",
        ]  # fmt: skip
    else:
        command += ["-bsf:v", "h264_mp4toannexb", "-f", "h264"]
    return [*command, "-"]


class Publisher:
    """Publishes the test broadcast ``name`` to a relay URL until stop()."""

    def __init__(self, url: str, name: str = "demo", media: Media | None = None):
        self.url = url
        self.name = name
        self.media = media or Media()
        self._directory = tempfile.TemporaryDirectory(prefix="moqview-publisher-")
        self._ffmpeg = None
        self._moq = None

    def start(self) -> "Publisher":
        self._log = open(Path(self._directory.name) / "publisher.log", "wb")
        self._ffmpeg = process.spawn(
            ffmpeg_command(self.media), stdout=subprocess.PIPE, stderr=self._log
        )
        self._moq = process.spawn(
            [
                tool("moq"),
                "--connect", self.url,
                "--broadcast", self.name,
                "import", self.media.container,
            ],
            stdin=self._ffmpeg.stdout,
            stdout=self._log,
            stderr=self._log,
        )  # fmt: skip
        self._ffmpeg.stdout.close()  # the moq process holds the pipe now
        log.info("publishing %r to %s", self.name, self.url)
        return self

    def running(self) -> bool:
        return self._moq is not None and self._moq.poll() is None

    def output(self) -> str:
        return (Path(self._directory.name) / "publisher.log").read_text(
            errors="replace"
        )

    def stop(self) -> None:
        for child in (self._moq, self._ffmpeg):
            if child is not None:
                process.stop(child)
        self._moq = self._ffmpeg = None
        if not self._log.closed:
            self._log.close()

    def __enter__(self) -> "Publisher":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        self._directory.cleanup()
