"""Decoded pictures become YUV420P QVideoFrames (GPU path) or RGB images at the
view's size (CPU path) with the right colours, and the view keeps the display
aspect on both paths."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest_viewer import encoded_video
from PySide6.QtGui import QColor
from PySide6.QtMultimedia import QtVideo, QVideoFrameFormat

from moqview.media.video import VideoConfig, VideoDecoder
from moqview.ui.frames import scaled_picture, video_frame
from moqview.ui.video_view import VideoView

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bars(tmp_path_factory):
    encoded = encoded_video(tmp_path_factory.mktemp("frames"), "h264")
    decoder = VideoDecoder(VideoConfig(encoded.codec, encoded.description))
    frame = encoded.frames[0]
    return decoder.decode(frame.payload, frame.timestamp_us, frame.keyframe)[0]


def test_a_picture_becomes_a_yuv420p_frame_showing_the_bars(qapp, bars):
    frame = video_frame(bars)

    assert frame.pixelFormat() == QVideoFrameFormat.PixelFormat.Format_YUV420P
    assert (frame.width(), frame.height()) == (320, 240)
    image = frame.toImage()
    yellow, cyan, blue = (QColor(image.pixel(x, 40)) for x in (90, 120, 260))
    assert yellow.red() > 150 and yellow.green() > 150 and yellow.blue() < 60
    assert cyan.red() < 60 and cyan.green() > 150 and cyan.blue() > 150
    assert blue.red() < 60 and blue.green() < 60 and blue.blue() > 150


def test_catalog_rotation_and_flip_travel_with_the_frame(qapp, bars):
    frame = video_frame(bars, rotation=90, mirrored=True)

    # QVideoWidget draws the turn and the flip of the frame's format.
    assert frame.surfaceFormat().rotation() == QtVideo.Rotation.Clockwise90
    assert frame.surfaceFormat().isMirrored()


def test_the_cpu_path_scales_a_picture_to_the_view_with_the_bars(qapp, bars):
    scaled = scaled_picture(bars, (640, 360))

    image = scaled.image
    assert (image.width(), image.height()) == (640, 360)
    yellow, cyan, blue = (QColor(image.pixel(x, 60)) for x in (180, 240, 520))
    assert yellow.red() > 150 and yellow.green() > 150 and yellow.blue() < 60
    assert cyan.red() < 60 and cyan.green() > 150 and cyan.blue() > 150
    assert blue.red() < 60 and blue.green() < 60 and blue.blue() > 150
    full = scaled.full_image()
    assert (full.width(), full.height()) == (320, 240)  # what a screenshot saves


def test_the_cpu_path_rotates_the_picture_it_scales(qapp, bars):
    scaled = scaled_picture(bars, (240, 320), rotation=90)

    image = scaled.image
    assert (image.width(), image.height()) == (240, 320)
    # The bars run top to bottom once turned clockwise: yellow near the top.
    top = QColor(image.pixel(200, 90))
    assert top.red() > 150 and top.green() > 150 and top.blue() < 60


@pytest.mark.parametrize("renderer", ["gpu", "cpu"])
def test_the_view_fits_the_display_aspect_and_rotation(qtbot, bars, renderer):
    view = VideoView(renderer=renderer)
    qtbot.addWidget(view)
    view.resize(800, 400)
    view.show()
    qtbot.waitExposed(view)
    if renderer == "gpu":
        view.show_frame(video_frame(bars))
    else:
        view.show_scaled(scaled_picture(bars, view.picture_size()))
    video = view._box._video

    assert view.shown == 1
    assert view.shown_us == bars.timestamp_us
    assert (video.width(), video.height()) == (533, 400)  # 4:3 picture
    view.set_display(1920, 1080, 0)
    assert (video.width(), video.height()) == (711, 400)  # 16:9 display size
    view.set_display(None, None, 90)
    assert (video.width(), video.height()) == (300, 400)  # 3:4 once rotated


def test_hd_bars_keep_their_colours_on_the_cpu_path(qapp, tmp_path):
    import subprocess

    import av

    from moqview.media.video import picture_from

    path = tmp_path / "hd-bars.h264"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "smptehdbars=size=1280x720",
         "-frames:v", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    with av.open(str(path)) as container:
        frame = next(container.decode(video=0))

    image = scaled_picture(picture_from(frame, 0), (1280, 720)).image

    # 75% bars, BT.709 (the stream leaves its matrix unspecified, as most do):
    # yellow is (191, 191, 0) and cyan (0, 191, 191); BT.601 would tint them.
    yellow = QColor(image.pixel(300, 200))
    cyan = QColor(image.pixel(520, 200))
    assert abs(yellow.red() - 191) < 10 and abs(yellow.green() - 191) < 10
    assert yellow.blue() < 20
    assert cyan.red() < 20 and abs(cyan.green() - 191) < 10
    assert abs(cyan.blue() - 191) < 10


@pytest.fixture(scope="module")
def turns_on_screen(tmp_path_factory):
    """Where each picture path puts a marked corner, and the colours it draws
    SD bars tagged BT.709 with, read off a real window."""
    environment = dict(os.environ, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(REPO))
    assert environment.get("DISPLAY"), "needs an X display (the suite runs in Xvfb)"
    bars = tmp_path_factory.mktemp("bars") / "sd-bars-bt709.h264"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "smptehdbars=size=1280x720",
         "-vf", "scale=640:360", "-frames:v", "1", "-c:v", "libx264",
         "-pix_fmt", "yuv420p", "-colorspace", "bt709", "-color_primaries", "bt709",
         "-color_trc", "bt709", str(bars)],
        check=True,
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, str(REPO / "tests" / "turns_on_screen.py"), str(bars)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _catalog_place(x: float, y: float, rotation: int, flip: bool):
    """Where a point lands by the catalog's rule: turn clockwise, then flip."""
    for _ in range(rotation // 90):
        x, y = 1 - y, x
    return (1 - x, y) if flip else (x, y)


@pytest.mark.parametrize("renderer", ["gpu", "cpu"])
@pytest.mark.parametrize("flip", [False, True])
@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_both_picture_paths_turn_then_flip_as_the_catalog_says(
    turns_on_screen, renderer, rotation, flip
):
    shown = turns_on_screen[f"{renderer} {rotation} {flip}"]

    width, height = shown["size"]
    assert width / height == pytest.approx(3 / 4 if rotation % 180 else 4 / 3, 0.02)
    # The red block's centre sits at (40, 30) of the 320x240 picture.
    expected = _catalog_place(40 / 320, 30 / 240, rotation, flip)
    assert shown["centre"] == pytest.approx(expected, abs=0.04)


@pytest.mark.parametrize("renderer", ["gpu", "cpu"])
def test_sd_bars_tagged_bt709_keep_their_colours_on_both_paths(
    turns_on_screen, renderer
):
    colours = turns_on_screen[f"{renderer} bars"]

    # The stream says BT.709, so the SD convention (BT.601) must not apply:
    # yellow stays (191, 191, 0) and green (0, 191, 0); BT.601 would make
    # them about (191, 203, 9) and (16, 223, 6).
    assert colours["yellow"] == pytest.approx([191, 191, 0], abs=8)
    assert colours["green"] == pytest.approx([0, 191, 0], abs=8)
