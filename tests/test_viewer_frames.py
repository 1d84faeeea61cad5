"""Decoded pictures become YUV420P QVideoFrames with the right colours, and the
view keeps the display aspect."""

import pytest
from conftest_viewer import encoded_video
from PySide6.QtGui import QColor
from PySide6.QtMultimedia import QtVideo, QVideoFrameFormat

from moqview.media.video import VideoConfig, VideoDecoder
from moqview.ui.frames import video_frame
from moqview.ui.video_view import VideoView


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

    assert frame.rotation() == QtVideo.Rotation.Clockwise90
    assert frame.mirrored()


def test_the_view_fits_the_display_aspect_and_rotation(qtbot, bars):
    view = VideoView()
    qtbot.addWidget(view)
    view.resize(800, 400)
    view.show()
    qtbot.waitExposed(view)
    view.show_frame(video_frame(bars))
    video = view._box._video

    assert view.shown == 1
    assert (video.width(), video.height()) == (533, 400)  # 4:3 picture
    view.set_display(1920, 1080, 0)
    assert (video.width(), video.height()) == (711, 400)  # 16:9 display size
    view.set_display(None, None, 90)
    assert (video.width(), video.height()) == (300, 400)  # 3:4 once rotated
