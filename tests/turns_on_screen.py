"""Shows a marked picture turned and flipped on both picture paths in a real
window (X11) and prints where its red block lands on screen, as JSON; given a
clip of SMPTE HD bars, also the colours each path draws its bars with.

Run by ``test_viewer_frames`` in a process of its own: the suite's own Qt
platform draws offscreen, where the GPU path has no OpenGL to draw with.
"""

import json
import sys
import time

import av
import numpy as np
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QApplication

from moqview.media.video import picture_from
from moqview.ui.frames import scaled_picture, video_frame
from moqview.ui.video_view import VideoView


def marked_picture():
    """A grey 320x240 picture with a red block in its top-left corner."""
    rgb = np.full((240, 320, 3), 128, np.uint8)
    rgb[0:60, 0:80] = (255, 0, 0)
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
    return picture_from(frame, 0)


def red_centre(image) -> list[float] | None:
    """Where the red pixels are, as fractions of the image's width and height."""
    red = [
        (x, y)
        for y in range(0, image.height(), 4)
        for x in range(0, image.width(), 4)
        if (colour := QColor(image.pixel(x, y))).red() > 200 and colour.green() < 80
    ]
    if not red:
        return None
    return [
        sum(x for x, _ in red) / len(red) / image.width(),
        sum(y for _, y in red) / len(red) / image.height(),
    ]


def grab(widget):
    corner = widget.mapToGlobal(widget.rect().topLeft())
    area = (corner.x(), corner.y(), widget.width(), widget.height())
    return QGuiApplication.primaryScreen().grabWindow(0, *area).toImage()


def settle(app, check, seconds: float = 10):
    """The first value of ``check()`` that holds twice in a row, else None."""
    previous, deadline = None, time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        value = check()
        if value is not None and value == previous:
            return value
        previous = value
        time.sleep(0.05)
    return None


def shown(app, view, renderer: str, rotation: int, flip: bool) -> dict:
    """Show the picture turned and flipped; where the red block settles."""
    picture = marked_picture()
    view.clear()
    view.show_message("")
    # No red on screen before the picture comes: nothing of the one before.
    settle(app, lambda: "clear" if red_centre(grab(view)) is None else None)
    view.set_display(None, None, rotation)
    if renderer == "gpu":
        view.show_frame(video_frame(picture, rotation, flip))
    else:
        size = view.picture_size()
        view.show_scaled(scaled_picture(picture, size, rotation, flip))

    video = view._box._video
    centre = settle(app, lambda: red_centre(grab(video)))
    return {"centre": centre, "size": [video.width(), video.height()]}


def bar_colours(app, view, renderer: str, path: str) -> dict:
    """Show the first picture of the clip at ``path``; the colours at the middle
    of its yellow and green bars (SMPTE HD bars), as drawn on screen."""
    with av.open(path) as container:
        picture = picture_from(next(container.decode(video=0)), 0)
    view.clear()
    view.set_display(None, None, 0)
    if renderer == "gpu":
        view.show_frame(video_frame(picture))
    else:
        view.show_scaled(scaled_picture(picture, view.picture_size()))
    video = view._box._video

    def colours():
        image = grab(video)
        middle = image.height() * 100 // 360
        return {
            name: QColor(image.pixel(image.width() * x // 640, middle)).getRgb()[:3]
            for name, x in (("yellow", 182), ("green", 320))
        }

    return settle(app, colours)


def main() -> int:
    app = QApplication(["turns"])
    results = {}
    for renderer in ("gpu", "cpu"):
        view = VideoView(renderer=renderer)
        view.resize(640, 640)
        view.show()
        for rotation in (0, 90, 180, 270):
            for flip in (False, True):
                key = f"{renderer} {rotation} {flip}"
                results[key] = shown(app, view, renderer, rotation, flip)
        if len(sys.argv) > 1:
            results[f"{renderer} bars"] = bar_colours(app, view, renderer, sys.argv[1])
        view.close()
    print(json.dumps(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
