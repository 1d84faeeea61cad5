"""One broadcast with two video renditions, in the real window: the rendition
list, a switch chosen in the toolbar, and the automatic choice by view size.

The upstream publisher imports an fMP4 with two H.264 streams of the same
picture (1280x720 and 640x360, keyframes on the same frames) and sound; each
stream is a rendition of its own in the catalog.
"""

import itertools
import logging
import time

import pytest
from conftest_viewer import bar_colours, shows_the_bars

from moqview.local import Media, Publisher

LARGE, SMALL = (1280, 720), (640, 360)
# A switch shows the old rendition until the new one's first keyframe, so the
# picture never stops: no two frames are further apart than this. Frames come
# every 33 ms (gaps of up to 0.12 s on a machine whose two cores are both
# busy); a switch that left the screen waiting for a later keyframe of the new
# track stopped the picture for about 0.4 s.
MAX_GAP_S = 0.25


@pytest.fixture(scope="module")
def two_renditions(relay):
    media = Media(*LARGE, extra_renditions=(SMALL,))
    with Publisher(relay.url, "renditions", media) as publisher:
        yield publisher


def shown_size(window) -> tuple[int, int]:
    image = window.view.current_image()
    return (image.width(), image.height())


def play(qtbot, window, relay) -> None:
    """Play the broadcast until frames flow and its catalog fills the list."""
    window.connect_to(relay.url, "renditions")
    qtbot.waitUntil(
        lambda: window.view.shown >= 15 and window.rendition_box.count() == 3,
        timeout=30_000,
    )


def test_the_rendition_list_shows_both_renditions_with_their_sizes(
    qtbot, window, relay, two_renditions
):
    play(qtbot, window, relay)

    box = window.rendition_box
    items = [box.itemText(row).split(" ") for row in range(box.count())]
    assert items[0] == ["automatic"]
    assert sorted(item[0] for item in items[1:]) == ["1280x720", "640x360"]
    assert all(item[1].startswith("avc1.") for item in items[1:])
    indexes = [box.itemData(row) for row in range(box.count())]
    assert indexes[0] is None
    assert sorted(indexes[1:]) == [r.index for r in window.player.snapshot.video]


def test_choosing_the_small_rendition_shows_its_frames_without_a_freeze(
    qtbot, window, relay, two_renditions, caplog
):
    caplog.set_level(logging.INFO, logger="moqview.ui.video_view")
    play(qtbot, window, relay)
    assert shown_size(window) == LARGE  # automatic, for a view wider than 640
    shown_at = []
    window.view.frameShown.connect(lambda: shown_at.append(time.monotonic()))

    chosen = time.monotonic()
    qtbot.keyClicks(window.rendition_box, "640")  # typing picks the listed item
    assert window.rendition_box.currentText().startswith("640x360 ")
    qtbot.waitUntil(lambda: shown_size(window) == SMALL, timeout=10_000)
    image = window.view.current_image()
    qtbot.wait(1500)

    assert shows_the_bars(image), bar_colours(image)
    rendition = window.player.video_rendition
    assert (rendition.coded_width, rendition.coded_height) == SMALL
    assert window.player.manual_index == rendition.index
    gaps = [later - earlier for earlier, later in itertools.pairwise(shown_at)]
    assert len(shown_at) >= 30  # in 1.5 s and more: 20 a second at least
    assert shown_at[0] - chosen < MAX_GAP_S
    assert max(gaps) < MAX_GAP_S, f"the picture stopped for {max(gaps):.3f} s"
    sizes = [
        record.getMessage()
        for record in caplog.records
        if record.getMessage().startswith("video size")
    ]
    assert sizes == ["video size 1280x720", "video size 640x360"]


def test_a_small_view_plays_the_small_rendition_and_a_large_view_the_large(
    qtbot, window, relay, two_renditions
):
    window.resize(700, 500)
    qtbot.waitUntil(lambda: window.view.width() <= 640)
    play(qtbot, window, relay)

    width, height = window.player.view_size
    assert width <= 640  # 640x360 covers the view: the smallest that does
    assert window.player.manual_index is None
    qtbot.waitUntil(lambda: shown_size(window) == SMALL, timeout=10_000)

    window.resize(1500, 950)
    qtbot.waitUntil(lambda: shown_size(window) == LARGE, timeout=10_000)

    width, height = window.player.view_size
    assert width > 640 and height > 360  # 640x360 does not cover it
    rendition = window.player.video_rendition
    assert (rendition.coded_width, rendition.coded_height) == LARGE
